"""Units: the bureau's organisational tree (局 → 科室 / 直属单位)."""
