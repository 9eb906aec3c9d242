"""Excel/CSV import and export, column mapping, validation report, duplicate detection and search."""
