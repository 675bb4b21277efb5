"""Which responses belong to a municipal coordinator's municipalities."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, and_, exists, or_

from storage.models import Submission, UserMunicipality


def within(municipalities: Collection[int]) -> ColumnElement[bool]:
    """Responses placed in these municipalities; one without a place (no school question) by
    the municipalities of the person who sent it. Registers, the summary and /progress count
    the same responses."""
    ids = sorted(municipalities)
    sender = exists().where(
        UserMunicipality.user_id == Submission.respondent_id,
        UserMunicipality.municipality_id.in_(ids),
    )
    return or_(
        Submission.municipality_id.in_(ids),
        and_(Submission.municipality_id.is_(None), sender),
    )
