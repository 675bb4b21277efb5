"""Every service the Telegram layer calls, in one typed object.

The composition root (``bot.factory``) builds it once and puts it in the dispatcher's workflow
data under the one key ``services``; handlers and filters take ``services: Services`` and
reach what they need as attributes, so a typo is a type error, not a missing argument at
run time."""

from __future__ import annotations

from dataclasses import dataclass

from forms.i18n import Translator
from handlers.access import Access
from handlers.campaigns.service import Campaigns
from handlers.clock import Clock
from handlers.dialog.flow import Dialogs
from handlers.dialog.opening import Opening
from handlers.exporting.service import Exports
from handlers.home.service import Home
from handlers.outbox.sender import Sender
from handlers.privacy.service import Privacy
from handlers.progress.service import Progress
from handlers.publishing.service import Publishing
from handlers.reviews.service import Reviews
from handlers.schools.service import SchoolPictures
from handlers.staff.service import Staff
from handlers.waves.service import Waves
from handlers.workflows import Workflows
from handlers.workflows.consultation.service import Consultations
from handlers.workflows.event.service import FileSaver
from handlers.workflows.mentoring.service import Pairs
from handlers.workflows.profile.service import HeadClaims
from handlers.workflows.request.service import Requests
from storage.catalog import FormCatalog


@dataclass(frozen=True, slots=True)
class Services:
    t: Translator
    clock: Clock
    catalog: FormCatalog
    access: Access
    home: Home
    opening: Opening
    dialogs: Dialogs
    consultations: Consultations
    pairs: Pairs
    files: FileSaver
    waves: Waves
    staff: Staff
    privacy: Privacy
    progress: Progress
    exports: Exports
    workflows: Workflows
    sender: Sender
    campaigns: Campaigns
    heads: HeadClaims
    requests: Requests
    pictures: SchoolPictures
    publishing: Publishing
    reviews: Reviews
