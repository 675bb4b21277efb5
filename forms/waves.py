"""Kinds of monitoring waves (входной, промежуточный, итоговый), read from ``waves.yaml``."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

WAVES_FILE = Path(__file__).parent / "waves.yaml"
SCHOOL_YEAR_STARTS = 9  # September


class WaveKind(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,15}$")
    title: str = Field(min_length=1, max_length=100)
    days: int = Field(ge=1, le=366)

    def closes_on(self, opens_on: date) -> date:
        """The last day of a wave opened on ``opens_on``."""
        return opens_on + timedelta(days=self.days - 1)


class WaveKinds(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kinds: tuple[WaveKind, ...] = Field(min_length=1)

    def get(self, kind_id: str) -> WaveKind | None:
        return next((kind for kind in self.kinds if kind.id == kind_id), None)


@cache
def wave_kinds(path: Path = WAVES_FILE) -> WaveKinds:
    return WaveKinds.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def school_year(day: date) -> str:
    """``2026/27`` for any day from 1 September 2026 to 31 August 2027."""
    start = day.year if day.month >= SCHOOL_YEAR_STARTS else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"
