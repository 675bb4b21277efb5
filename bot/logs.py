"""Logging set-up. A filter removes the bot token from every record, whatever logged it."""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
DRIVER_LOGGERS = ("aiosqlite", "asyncpg")
STATEMENTS = "sqlalchemy.engine"


class RedactFilter(logging.Filter):
    """Replaces secrets in the final message text (arguments and tracebacks included)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        for secret in self._secrets:
            message = message.replace(secret, "<hidden>")
        record.msg, record.args = message, None
        return True


def setup_logging(level: str, secrets: list[str]) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactFilter(secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    quiet_loggers(level)


def quiet_loggers(level: str) -> None:
    """aiogram logs every handled update at INFO: noise at scale. The database drivers log
    statement parameters (answers, phones) at DEBUG: never let them. SQLAlchemy logs every
    statement at INFO: only at LOG_LEVEL=DEBUG (its parameters are hidden by the engine)."""
    number = logging.getLevelName(level)
    logging.getLogger("aiogram.event").setLevel(max(number, logging.WARNING))
    for name in DRIVER_LOGGERS:
        logging.getLogger(name).setLevel(max(number, logging.INFO))
    statements = logging.INFO if number <= logging.DEBUG else logging.WARNING
    logging.getLogger(STATEMENTS).setLevel(statements)
