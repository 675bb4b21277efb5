"""The consent to the processing of personal data: a versioned text in ``forms/consent/``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

CONSENT_DIR = Path(__file__).parent / "consent"


class Consent(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: str = Field(min_length=1, max_length=32)
    text: str = Field(min_length=1, max_length=4000)


@cache
def consent(locale: str = "ru") -> Consent:
    data = yaml.safe_load((CONSENT_DIR / f"{locale}.yaml").read_text(encoding="utf-8"))
    return Consent.model_validate(data)
