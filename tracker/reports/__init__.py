"""The annual rule-of-law report: built from a plan's data, edited, rendered, downloaded."""
