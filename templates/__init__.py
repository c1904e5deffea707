"""The default section templates, shipped inside the package (docs/templates.md)."""
