"""The application: use cases and their Telegram adapters.

Each feature is a package: ``service.py`` (its use cases: read, decide, write; no aiogram),
``screens.py`` (its texts and buttons as plain data), ``router.py`` (the aiogram adapter).
``handlers.ui`` is the plain reply model, ``handlers.telegram`` the shared Telegram glue, and
``handlers.container.Services`` what the routers receive. Nothing is imported here, so a
command-line use case (an export) loads without aiogram."""
