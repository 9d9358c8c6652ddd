"""The compliance export: the inspector's workbook, the evidence archive and calendar feeds."""
