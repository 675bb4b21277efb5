"""Pure domain: form schema, the engine that walks a form, loaders, and user-facing text.

Imports nothing from aiogram, SQLAlchemy or openpyxl-based exports (checked by import-linter).
"""
