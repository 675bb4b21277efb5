"""Campaigns' coverage as the sheet «Охват» of the register and of the summary."""

from __future__ import annotations

from collections.abc import Callable

from exports.coverage import CoverageLine, CoverageTable
from forms.i18n import Translator
from forms.values import format_date
from forms.vocabulary import CampaignState
from handlers.campaigns.screens import share
from storage.dto import CampaignDTO
from storage.repositories import UnitOfWork

CAMPAIGNS_SHOWN = 20  # the latest ones


async def coverage_tables(
    uow: UnitOfWork,
    t: Translator,
    title_of: Callable[[str], str],
    form_id: str | None = None,
    municipalities: frozenset[int] | None = None,
) -> list[CoverageTable]:
    """The latest campaigns that were sent (of ``form_id``, or all), each school a line, in
    the given municipalities only (None: all)."""
    tables = []
    for campaign in await uow.campaigns.latest(CAMPAIGNS_SHOWN):
        if campaign.state == CampaignState.draft or form_id not in (None, campaign.form_id):
            continue
        rows = await uow.campaigns.coverage(campaign)
        lines = []
        for row in rows:
            if municipalities is not None and row.municipality_id not in municipalities:
                continue
            counted = share([row], campaign.kind)
            lines.append(
                CoverageLine(
                    row.municipality,
                    row.school,
                    counted.expected,
                    row.answered,
                    counted.from_directory,
                )
            )
        tables.append(CoverageTable(_title(t, campaign, title_of(campaign.form_id)), lines))
    return tables


def _title(t: Translator, campaign: CampaignDTO, title: str) -> str:
    deadline = format_date(campaign.deadline) if campaign.deadline else "—"
    kind = t(f"person-kind-{campaign.kind}")
    return t("coverage-title", number=campaign.id, title=title, kind=kind, deadline=deadline)
