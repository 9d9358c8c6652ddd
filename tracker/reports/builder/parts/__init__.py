"""One module per part of the report."""
