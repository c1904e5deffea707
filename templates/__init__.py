"""The default section templates, shipped inside the package (SPEC §4)."""
