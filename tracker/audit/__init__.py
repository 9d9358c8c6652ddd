"""Audit trail: an append-only, hash-chained record of every write."""
