"""Plans (工作要点): a bureau's yearly plan as a tree of sections holding tasks."""
