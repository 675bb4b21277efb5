"""Registers (xlsxwriter, streamed) and summaries (openpyxl) built from plain rows and the
form schema.

Never sees a Bot or a database session (checked by import-linter).
"""
