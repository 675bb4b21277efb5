"""Schools in Telegram: heads' claims (/heads and the buttons under a claim), schools'
requests (/support and their buttons), and /myschool for a school's heads."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from forms.vocabulary import COORDINATORS
from handlers.access import Scope
from handlers.container import Services
from handlers.schools.screens import picture_text
from handlers.telegram.filters import CallbackPrefixes, Commands, HasRole, Pressed
from handlers.telegram.markup import answer, edit
from handlers.telegram.refusals import refuse_button, refuse_command
from handlers.ui import Reply
from handlers.workflows.profile.screens import HeadCallback
from handlers.workflows.request.screens import RequestCallback

COORDINATING = HasRole(COORDINATORS)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(list_claims, Commands("heads"), COORDINATING)
    router.message.register(list_requests, Commands("support"), COORDINATING)
    router.message.register(refuse_command, Commands("heads", "support"))
    router.message.register(my_school, Commands("myschool"))
    router.callback_query.register(on_claim, Pressed(HeadCallback), COORDINATING)
    router.callback_query.register(on_request, Pressed(RequestCallback), COORDINATING)
    router.callback_query.register(refuse_button, CallbackPrefixes(HeadCallback, RequestCallback))
    return router


async def list_claims(message: Message, scope: Scope, services: Services) -> None:
    await answer(message, await services.heads.pending(scope))


async def on_claim(
    query: CallbackQuery, callback_data: HeadCallback, scope: Scope, services: Services
) -> None:
    decided = await services.heads.decide(scope, callback_data.s, callback_data.a)
    await query.answer(decided.alert, show_alert=decided.alert is not None)
    if decided.text is not None and isinstance(query.message, Message):
        await edit(query.message, Reply(decided.text))
        services.sender.wake()


async def my_school(message: Message, services: Services) -> None:
    """The school's picture as a message and as an .xlsx; or how to become its head."""
    if message.from_user is None:
        return
    scope = await services.access.scope(message.from_user.id)
    picture = await services.pictures.picture(scope)
    if picture is None:
        await message.answer(services.t("picture-not-head"))
        return
    await message.answer(picture_text(services.t, picture))
    name = services.t("picture-file", school=picture.school)
    document = BufferedInputFile(services.pictures.workbook(picture), name)
    await message.answer_document(document)


async def list_requests(message: Message, scope: Scope, services: Services) -> None:
    await answer(message, await services.requests.open_requests(scope))


async def on_request(
    query: CallbackQuery, callback_data: RequestCallback, scope: Scope, services: Services
) -> None:
    pressed = await services.requests.press(scope, callback_data)
    await query.answer(pressed.alert, show_alert=pressed.alert is not None)
    if pressed.text is not None and isinstance(query.message, Message):
        await edit(query.message, Reply(pressed.text, pressed.markup))
        services.sender.wake()
