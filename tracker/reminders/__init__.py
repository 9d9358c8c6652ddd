"""Reminders (催办): in-app notifications now; scheduled e-mail reminders build on them."""
