"""Accounts: users, roles, login sessions and password policy."""
