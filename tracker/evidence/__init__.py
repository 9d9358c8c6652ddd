"""Evidence (佐证材料): files, links and notes that prove tasks and ledger records."""
