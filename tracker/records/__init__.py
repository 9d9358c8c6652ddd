"""The ledger (台账): one record per concrete act of rule-of-law work, linked to its task."""
