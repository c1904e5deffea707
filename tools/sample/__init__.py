"""The sample data: scenario (data), rows (generator), workbook (messy writer)."""
