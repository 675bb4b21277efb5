"""The audit log as an Excel workbook."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from forms.i18n import Translator

COLUMNS = ("audit-column-at", "audit-column-actor", "audit-column-action", "audit-column-details")
WIDTHS = (20, 18, 36, 80)


class AuditRow(Protocol):
    @property
    def at(self) -> datetime: ...
    @property
    def actor_id(self) -> int | None: ...
    @property
    def action(self) -> str: ...
    @property
    def details(self) -> dict[str, Any]: ...


def audit_workbook(rows: Iterable[AuditRow], zone: ZoneInfo, t: Translator) -> bytes:
    """One row per entry; times in the local zone as real Excel dates."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(t("audit-sheet"))
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([t(column) for column in COLUMNS])
    for row in rows:
        sheet.append(_cells(row, zone, t))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cells(row: AuditRow, zone: ZoneInfo, t: Translator) -> list[Any]:
    action_id = f"audit-action-{row.action}"
    action = t(action_id) if t.has(action_id) else row.action
    local = row.at.astimezone(zone).replace(tzinfo=None)
    details = json.dumps(row.details, ensure_ascii=False, sort_keys=True)
    return [local, str(row.actor_id) if row.actor_id is not None else "", action, details]
