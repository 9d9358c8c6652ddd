"""Holidays: administrators' overrides of the statutory working-day calendar (节假日与调休)."""
