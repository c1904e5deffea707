"""Rendering: templates → a document model (sections.py) → .docx (docx.py)."""
