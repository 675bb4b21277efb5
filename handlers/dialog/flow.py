"""The questionnaire dialog's use cases, independent of how the update arrived.

Every call reads the submission and its answers, asks the engine where the person is,
and returns an ``Outcome``: what to send and what to keep in the FSM. An accepted answer
is written in the same transaction that read the answers, and committed before any reply.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from forms import engine
from forms.display import fill, format_answer
from forms.engine import QuestionScreen, ReviewScreen
from forms.feedback import feedback_for
from forms.i18n import Translator
from forms.inputs import (
    Accepted,
    ChoiceInput,
    ContactInput,
    RawAnswer,
    Rejected,
    SchoolInput,
    SkipInput,
    TextInput,
)
from forms.problems import problem_text
from forms.questions import (
    FileQuestion,
    MultipleChoiceQuestion,
    PhoneQuestion,
    Question,
    SchoolQuestion,
)
from forms.schema import Form
from forms.texts import localized_for
from forms.validation import (
    Selection,
    add_file,
    default_value,
    expected,
    finish_files,
    finish_selection,
    toggle_option,
    type_other,
    validate,
)
from forms.values import format_date
from forms.vocabulary import Role, SubmissionStatus
from handlers.access import Access
from handlers.clock import Clock
from handlers.dialog.callbacks import Act, AnswerCallback
from handlers.dialog.data import DialogData
from handlers.dialog.render import (
    answer_summary,
    current_selection,
    question_text,
    render,
    review_lines,
    school_empty,
    shorten,
)
from handlers.dialog.view import Directory, View, question_at, question_number
from handlers.ui import Keyboard, Links, Notice, RemoveKeyboard, Reply, quote, split_text
from handlers.workflows import Sent, Workflows
from storage.catalog import FormCatalog
from storage.database import Database
from storage.dto import SchoolDTO, SubmissionDTO, TypedAnswer
from storage.repositories import UnitOfWork


@dataclass(frozen=True, slots=True)
class Outcome:
    replies: tuple[Reply, ...] = ()
    alert: str | None = None  # the answer to a pressed button, shown as an alert
    data: DialogData | None = None  # new FSM data, when it changed
    finished: bool = False  # the dialog is over: clear the FSM state
    edit: Reply | None = None  # new text and keyboard of the pressed message
    drop_keyboard: bool = False  # remove the pressed message's buttons, keep its text
    notices: tuple[Notice, ...] = ()  # queued for other people: the outbox is woken
    committed: tuple[Callable[[], None], ...] = ()  # called after the transaction commits
    screen: tuple[int, str] | None = None  # the submission and question the replies show


REVIEW = ""
"""What ``Prompts`` records for the review screen (no question on it)."""


Seen = tuple[int, int]
"""Whose screens: a submission, in one person's chat (message ids are counted per chat, and a
school's shared draft is answered from several chats)."""


class Prompts:
    """Per submission and chat, the last few screens the bot sent — the message id that began
    each and the question on it — as this process sent them: the question a person was
    looking at when they typed is the one of the latest screen before their message. A
    bounded memory (``size`` chats, the least recently told forgotten first); after a restart
    it is empty, and ``Dialog._retyped`` reads the message numbers and times alone."""

    def __init__(self, size: int = 10_000, depth: int = 4) -> None:
        self.size, self.depth = size, depth
        self._shown: OrderedDict[Seen, deque[tuple[int, str]]] = OrderedDict()

    def shown(self, seen: Seen, message_id: int, question_id: str) -> None:
        screens = self._shown.get(seen)
        if screens is None:
            screens = self._shown[seen] = deque(maxlen=self.depth)
        screens.append((message_id, question_id))
        self._shown.move_to_end(seen)
        while len(self._shown) > self.size:
            self._shown.popitem(last=False)

    def before(self, seen: Seen, message_id: int) -> tuple[int, str] | None:
        """The latest screen sent before ``message_id``, if remembered."""
        earlier = [s for s in self._shown.get(seen, ()) if s[0] < message_id]
        return max(earlier, default=None)

    def after(self, seen: Seen, message_id: int) -> int | None:
        """The message id of the first screen sent after ``message_id``, if remembered."""
        later = [s[0] for s in self._shown.get(seen, ()) if s[0] > message_id]
        return min(later, default=None)

    def __len__(self) -> int:
        return len(self._shown)


@dataclass(frozen=True, slots=True)
class Typed:
    """The Telegram message an answer came in: its number in the chat and when it was sent."""

    message_id: int
    sent_at: datetime


@dataclass(slots=True)
class Context:
    submission: SubmissionDTO
    form: Form
    answers: dict[str, Any]
    data: DialogData
    directory: Directory = field(default_factory=Directory)
    last_typed: TypedAnswer | None = None
    message: Typed | None = None
    raw: RawAnswer | None = None  # what the message said
    rendered: str | None = None  # the question (or REVIEW) the replies show, once rendered
    _shown: tuple[engine.Cursor, dict[str, Any], engine.Screen] | None = None

    def screen(self) -> engine.Screen:
        """The engine's screen for the answers and the cursor as they are now; asked for
        several times per update, worked out again only when either changed."""
        cursor, shown = self.data.cursor, self._shown
        if shown is not None and shown[0] == cursor and shown[1] == self.answers:
            return shown[2]
        screen = engine.screen(self.form, self.answers, cursor)
        self._shown = (cursor, dict(self.answers), screen)
        return screen


@dataclass(frozen=True, slots=True)
class Dialogs:
    """What every dialog needs; built once by the composition root."""

    db: Database
    catalog: FormCatalog
    t: Translator
    clock: Clock
    workflows: Workflows = field(default_factory=Workflows)
    access: Access | None = None  # whether the person is an admin (told how to load schools)
    retyped_after: timedelta = timedelta(seconds=3)
    """Messages sent within this of each other answer questions in turn; a later one sent
    before the bot's reply appeared is the earlier answer typed again (see ``_retyped``)."""
    prompts: Prompts = field(default_factory=Prompts)

    def of(self, user_id: int, links: Links | None = None, language: str | None = None) -> Dialog:
        """``links`` names deep links in what a workflow says after a send; ``language`` is
        the person's Telegram ``language_code``: the form's texts are shown in it where the
        form has them (Russian otherwise)."""
        return Dialog(self, self.clock.today(), user_id, links, language)


class Dialog:
    """One person's questionnaire dialog for one update."""

    def __init__(
        self,
        dialogs: Dialogs,
        today: date,
        user_id: int,
        links: Links | None,
        language: str | None = None,
    ) -> None:
        self.db, self.catalog, self.t = dialogs.db, dialogs.catalog, dialogs.t
        self.language = language
        self.workflows, self.access = dialogs.workflows, dialogs.access
        self.retyped_after, self.prompts = dialogs.retyped_after, dialogs.prompts
        self.today, self.user_id, self.links = today, user_id, links
        self.clock = dialogs.clock

    # --- entry points -----------------------------------------------------------------

    async def show(self, data: DialogData) -> Outcome:
        """The current screen, e.g. after starting or resuming a form."""
        return await self._run(data, self._show)

    async def typed(
        self, data: DialogData, raw: RawAnswer | None, message: Typed | None = None
    ) -> Outcome:
        """A message: text, a contact, a file, or something no question takes (None).
        ``message``: which Telegram message it was, and when it was sent."""

        async def step(uow: UnitOfWork, ctx: Context) -> Outcome:
            ctx.message, ctx.raw = message, raw
            answered = self._retyped(ctx)
            if answered is not None:
                return await self._already_saved(uow, ctx, answered)
            return await self._typed(uow, ctx, raw)

        return await self._run(data, step)

    async def pressed(self, data: DialogData, button: AnswerCallback) -> Outcome:
        if button.s != data.submission:
            return Outcome(alert=self.t("dialog-stale"))
        return await self._run(data, lambda uow, ctx: self._pressed(uow, ctx, button))

    # --- plumbing -----------------------------------------------------------------------

    async def _run(
        self, data: DialogData, step: Callable[[UnitOfWork, Context], Awaitable[Outcome]]
    ) -> Outcome:
        async with self.db.transaction() as uow:
            context = await self._load(uow, data)
            if isinstance(context, Outcome):
                return context
            outcome = await step(uow, context)
        if outcome.replies and context.rendered is not None:
            outcome = replace(outcome, screen=(context.submission.id, context.rendered))
        for hook in outcome.committed:
            hook()
        return outcome

    async def _load(self, uow: UnitOfWork, data: DialogData) -> Context | Outcome:
        loaded = await uow.submissions.load(data.submission, self.user_id)
        submission = loaded.submission if loaded is not None else None
        if loaded is None or submission is None or not await self._may_answer(uow, submission):
            return Outcome(replies=(Reply(self.t("dialog-gone")),), finished=True)
        if submission.status is not SubmissionStatus.draft:
            # One message, whether it came from a typed answer or a press.
            return Outcome(replies=(Reply(self.t("dialog-already-submitted")),), finished=True)
        form = await self.catalog.version(submission.form_version_id, uow)
        if form is None:
            return Outcome(replies=(Reply(self.t("dialog-gone")),), finished=True)
        form = localized_for(form, self.language)
        if not submission.test and self.catalog.current(form.id) is None:
            withdrawn = self.t("form-withdrawn", title=quote(form.title))
            return Outcome(replies=(Reply(withdrawn),), finished=True)
        return Context(submission, form, loaded.answers, data, last_typed=loaded.last_typed)

    async def _may_answer(self, uow: UnitOfWork, submission: SubmissionDTO) -> bool:
        """A person's own response; a school's, for the heads of that school."""
        if submission.school_key is None:
            return submission.respondent_id == self.user_id
        user = await uow.users.get(self.user_id)
        return (
            user is not None
            and user.role is Role.school_head
            and user.school_id is not None
            and user.school_id == submission.school_id
        )

    def _retyped(self, ctx: Context) -> str | None:
        """The question already answered that the message answers, not the one the person
        is at now; None when it answers the current one. It was handled already (Telegram
        hands an update it was not told of again after a restart); or it was sent before the
        bot's reply to the latest typed answer and seconds after it (typed again because no
        reply came); or it is the first message after a screen of a question answered since
        (the bot showed it again, or another head of the school answered it in their chat).
        Messages sent together (within ``retyped_after``) answer the questions in turn, unless
        they say the same words."""
        last, message = ctx.last_typed, ctx.message
        if message is None:
            return None
        typed_again = None if last is None else last.question_id
        if last is not None and message.message_id <= last.message_id:
            return typed_again
        if last is not None:
            reply = self.prompts.after((ctx.submission.id, self.user_id), last.message_id)
            if reply is not None and message.message_id < reply:  # sent before the reply
                return typed_again if self._again(ctx, last) else None
        screen = self.prompts.before((ctx.submission.id, self.user_id), message.message_id)
        if screen is None:
            return typed_again if self._retyped_unseen(ctx) else None
        shown_at, question_id = screen
        if last is not None and last.message_id > shown_at:  # answered after that screen
            return typed_again if self._again(ctx, last) else None
        current = ctx.screen()
        now = REVIEW if isinstance(current, ReviewScreen) else current.question.id
        answered_since = question_id != now and question_id in ctx.answers
        return question_id if answered_since else None

    def _again(self, ctx: Context, last: TypedAnswer) -> bool:
        """Sent before the person could see the next question: seconds after the latest
        typed answer, or the very words of that answer (nobody answers two questions in a
        row with the same words before seeing the second)."""
        assert ctx.message is not None
        late = ctx.message.sent_at - last.sent_at >= self.retyped_after
        return late or self._same_words(ctx)

    def _retyped_unseen(self, ctx: Context) -> bool:
        """No screen remembered (this process did not send it, or restarted): the same words
        as the latest typed answer, or a message right after it (no message of the bot in
        between: Telegram numbers a chat's messages in turn) and seconds later, is that
        answer typed again."""
        last, message = ctx.last_typed, ctx.message
        if last is None or message is None or last.question_id not in ctx.answers:
            return False
        current = ctx.screen()
        on_another = isinstance(current, ReviewScreen) or current.question.id != last.question_id
        if not on_another:
            return False
        quick = message.sent_at - last.sent_at < self.retyped_after
        gap = message.message_id > last.message_id + 1
        if self._same_words(ctx) and (self.prompts.size > 0 or (quick and gap)):
            # The very words of the latest answer, with nothing remembered of what the person
            # saw (a restart): that answer again, typed while no reply came (the ids between
            # may be their own retyped messages, handled by the process that died), not the
            # next question's. Wrong at worst for two questions answered alike: the person
            # is told it was saved and shown the question again (now remembered), and the
            # same words then answer it. With the memory off (several processes) only quick
            # copies count: nothing would ever be remembered to let the words through.
            return True
        return not quick and message.message_id == last.message_id + 1

    def _same_words(self, ctx: Context) -> bool:
        assert ctx.last_typed is not None
        saved = ctx.answers.get(ctx.last_typed.question_id)
        return (
            isinstance(ctx.raw, TextInput)
            and isinstance(saved, str)
            and (ctx.raw.text.strip() == saved.strip())
        )

    async def _already_saved(self, uow: UnitOfWork, ctx: Context, question_id: str) -> Outcome:
        """What was saved for the question the message answered, and the question the person
        is at, asked again."""
        question = engine.find_question(ctx.form, ctx.answers, question_id)
        if question is None or question.id not in ctx.answers:  # hidden since: ask on
            return Outcome(replies=tuple(await self._render(uow, ctx)))
        value = ctx.answers[question.id]
        label = fill(question.label, ctx.form, engine.computed(ctx.form, ctx.answers), self.t)
        said = self.t(
            "dialog-answer-was-saved",
            label=quote(label),
            answer=quote(shorten(format_answer(question, value, self.t), self.t)),
        )
        replies = (Reply(said), *await self._render(uow, ctx))
        return Outcome(replies=replies)

    def _view(self, ctx: Context) -> View:
        return View(self.t, ctx.form, ctx.data, self.today, ctx.directory)

    async def _render(self, uow: UnitOfWork, ctx: Context) -> list[Reply]:
        screen = ctx.screen()
        ctx.rendered = REVIEW if isinstance(screen, ReviewScreen) else screen.question.id
        if isinstance(screen, QuestionScreen) and isinstance(screen.question, SchoolQuestion):
            ctx.directory = await self._directory(uow, ctx.data.of(screen.question.id))
        return render(self._view(ctx), screen)

    async def _directory(self, uow: UnitOfWork, data: DialogData) -> Directory:
        if data.municipality is None:
            municipalities = await uow.schools.municipalities()
            admin = not municipalities and await self._is_admin()
            mine = await self._my_school(uow)
            return Directory(municipalities=municipalities, admin=admin, mine=mine)
        municipality = await uow.schools.municipality(data.municipality)
        if municipality is None:
            return Directory(municipalities=await uow.schools.municipalities())
        return Directory(
            municipality=municipality, schools=await uow.schools.schools_in(municipality.id)
        )

    async def _show(self, uow: UnitOfWork, ctx: Context) -> Outcome:
        return Outcome(replies=tuple(await self._render(uow, ctx)))

    def _problem(self, rejected: Rejected) -> str:
        return problem_text(rejected.problem, self.t)

    # --- a message ------------------------------------------------------------------------

    async def _typed(self, uow: UnitOfWork, ctx: Context, raw: RawAnswer | None) -> Outcome:
        screen = ctx.screen()
        if isinstance(screen, ReviewScreen):
            return Outcome(replies=(Reply(self.t("dialog-use-review")),))
        question = screen.question
        if raw is None or isinstance(question, SchoolQuestion):
            return await self._expected(uow, question)
        if isinstance(question, MultipleChoiceQuestion) and isinstance(raw, TextInput):
            return await self._typed_other(uow, ctx, question, raw.text)
        if isinstance(question, FileQuestion):
            return self._file(ctx, question, raw)
        if isinstance(question, PhoneQuestion) and isinstance(raw, ContactInput) and not raw.is_own:
            return self._foreign_contact(ctx, screen, raw)
        return await self._check_and_save(uow, ctx, screen, raw)

    async def _expected(self, uow: UnitOfWork, question: Question) -> Outcome:
        """What the question takes; for a school question with no directory yet, why there
        are no buttons and what to do."""
        if isinstance(question, SchoolQuestion) and not await uow.schools.municipalities():
            admin = await self._is_admin()
            return Outcome(replies=(Reply(school_empty(self.t, admin=admin)),))
        return self._say(expected(question))

    async def _is_admin(self) -> bool:
        access = self.access
        return access is not None and (await access.scope(self.user_id)).role is Role.admin

    def _say(self, rejected: Rejected) -> Outcome:
        return Outcome(replies=(Reply(self._problem(rejected)),))

    async def _typed_other(
        self, uow: UnitOfWork, ctx: Context, question: MultipleChoiceQuestion, text: str
    ) -> Outcome:
        pending = ctx.data.of(question.id)
        result = type_other(question, Selection(pending.selection, pending.other), text)
        if isinstance(result, Rejected):
            return self._say(result)
        ctx.data = ctx.data.pending(question.id, selection=result.values, other=result.other)
        return Outcome(replies=tuple(await self._render(uow, ctx)), data=ctx.data)

    def _file(self, ctx: Context, question: FileQuestion, raw: RawAnswer) -> Outcome:
        files = ctx.data.of(question.id).files
        result = add_file(question, files, raw)
        if isinstance(result, Rejected):
            return self._say(result)
        ctx.data = ctx.data.pending(question.id, files=tuple(result))
        done = self._view(ctx).button(self.t("form-button-done"), Act.done, question)
        text = self.t("dialog-files-received", count=len(result))
        return Outcome(replies=(Reply(text, Keyboard.of([done])),), data=ctx.data)

    def _foreign_contact(self, ctx: Context, screen: QuestionScreen, raw: ContactInput) -> Outcome:
        """A contact card that is not the sender's own: asked before it is kept."""
        outcome = validate(screen.question, raw, today=self.today)
        if isinstance(outcome, Rejected):
            return self._say(outcome)
        ctx.data = ctx.data.pending(screen.question.id, contact=outcome.value)
        view, question = self._view(ctx), screen.question
        phone = quote(format_answer(question, outcome.value, self.t))
        keyboard = Keyboard.of(
            [view.button(self.t("dialog-button-contact-yes"), Act.contact, question, "y")],
            [view.button(self.t("dialog-button-contact-no"), Act.contact, question, "n")],
        )
        text = self.t("dialog-contact-not-own", phone=phone)
        return Outcome(replies=(Reply(text, keyboard),), data=ctx.data)

    # --- saving an answer -------------------------------------------------------------------

    async def _check_and_save(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, raw: RawAnswer
    ) -> Outcome:
        outcome = validate(screen.question, raw, today=self.today, answers=screen.scope)
        if isinstance(outcome, Rejected):
            return self._say(outcome)
        return await self._save(uow, ctx, screen, outcome.value)

    async def _save(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, value: Any
    ) -> Outcome:
        """``screen`` is the question being answered, as the engine showed it."""
        question = screen.question
        exists = question.id in ctx.answers
        typed = ctx.message
        message = (typed.message_id, typed.sent_at) if typed is not None else None
        await uow.submissions.save_answer(
            ctx.submission.id,
            question.id,
            value,
            exists=exists,
            message=message,
            typed_by=self.user_id,
        )
        return await self._moved(uow, ctx, question, value, screen)

    async def _moved(
        self, uow: UnitOfWork, ctx: Context, question: Question, value: Any, before: engine.Screen
    ) -> Outcome:
        ctx.answers[question.id] = value
        cursor = engine.after_answer(ctx.form, ctx.answers, ctx.data.cursor, question.id)
        old, ctx.data = ctx.data, ctx.data.moved(cursor)
        replies = await self._render(uow, ctx)
        if isinstance(question, PhoneQuestion):
            replies.insert(0, Reply(self.t("dialog-keyboard-closed"), RemoveKeyboard()))
        return Outcome(
            replies=tuple(replies),
            data=ctx.data if ctx.data != old else None,
            edit=self._answered(ctx, before, value),
        )

    def _answered(self, ctx: Context, before: engine.Screen, value: Any) -> Reply | None:
        """The pressed question's message, now showing the answer and no buttons."""
        if not isinstance(before, QuestionScreen) or not before.question.answerable:
            return None
        view = replace(self._view(ctx), data=ctx.data)
        text = question_text(view, replace(before, current_value=None))
        summary = answer_summary(self.t, before.question, value, more=before.more)
        return Reply(f"{text}\n\n{summary}")

    # --- a pressed button ---------------------------------------------------------------

    async def _pressed(self, uow: UnitOfWork, ctx: Context, button: AnswerCallback) -> Outcome:
        screen = ctx.screen()
        if button.a is Act.leave:
            left = Reply(self.t("dialog-left", title=ctx.form.title))
            return Outcome(replies=(left,), finished=True, drop_keyboard=True)
        if isinstance(screen, ReviewScreen):
            return await self._on_review(uow, ctx, screen, button)
        if button.q != question_number(ctx.form, screen.question.id):
            return Outcome(alert=self.t("dialog-stale"))
        handler = _QUESTION_ACTS.get(button.a)
        if handler is None:
            return Outcome(alert=self.t("dialog-stale"))
        return await handler(self, uow, ctx, screen, button.v)

    async def _on_review(
        self, uow: UnitOfWork, ctx: Context, screen: ReviewScreen, button: AnswerCallback
    ) -> Outcome:
        if button.a is Act.submit:
            return await self._submit(uow, ctx)
        if button.a is Act.remove:
            return await self._remove(uow, ctx, button.q)
        question_id = question_at(ctx.form, button.q) if button.a is Act.edit else None
        if question_id is not None:
            cursor = engine.edit(ctx.form, ctx.answers, question_id)
            if cursor is not None:
                ctx.data = ctx.data.moved(cursor)
                return Outcome(replies=tuple(await self._render(uow, ctx)), data=ctx.data)
        return Outcome(alert=self.t("dialog-stale"))

    async def _remove(self, uow: UnitOfWork, ctx: Context, number: int) -> Outcome:
        """An entry of a repeat removed from the review: the later ones move up."""
        answer_id = question_at(ctx.form, number)
        removal = engine.remove_entry(ctx.form, ctx.answers, answer_id) if answer_id else None
        if removal is None:
            return Outcome(alert=self.t("dialog-stale"))
        for question_id, value in removal.saved.items():
            exists = question_id in ctx.answers
            await uow.submissions.save_answer(ctx.submission.id, question_id, value, exists=exists)
        await uow.submissions.delete_answers(ctx.submission.id, sorted(removal.deleted))
        ctx.answers.update(removal.saved)
        for question_id in removal.deleted:
            ctx.answers.pop(question_id, None)
        ctx.data = ctx.data.moved(engine.Cursor())
        return Outcome(replies=tuple(await self._render(uow, ctx)), data=ctx.data)

    async def _submit(self, uow: UnitOfWork, ctx: Context) -> Outcome:
        closed = await self._wave_closed(uow, ctx.submission)
        if closed is not None and await uow.reviews.corrected_by(ctx.submission.id) is None:
            return Outcome(alert=closed)  # a correction a review asked for is sent regardless
        kept = engine.effective_answers(ctx.form, ctx.answers)
        await uow.submissions.delete_answers(ctx.submission.id, set(ctx.answers) - set(kept))
        if ctx.submission.test:
            return await self._trial_sent(uow, ctx, kept)
        if not await self._mark_sent(uow, ctx, kept):
            return Outcome(alert=self.t("dialog-already-submitted"), finished=True)
        follow = await self.workflows.submitted(
            uow, Sent(ctx.form, ctx.submission, kept, self.links), self.clock.now_utc()
        )
        review = engine.screen(ctx.form, kept, engine.Cursor())
        assert isinstance(review, ReviewScreen)
        thanks = self.t("dialog-submitted", title=ctx.form.title, number=ctx.submission.id)
        texts = split_text([thanks, *review_lines(self._view(ctx), review)])
        feedback = self._feedback(ctx.form, kept)
        return Outcome(
            replies=(*(Reply(text) for text in texts), *feedback, *follow.replies),
            finished=True,
            drop_keyboard=True,
            notices=follow.notices,
            committed=follow.committed,
        )

    async def _trial_sent(self, uow: UnitOfWork, ctx: Context, kept: dict[str, Any]) -> Outcome:
        """A coordinator's trial of a form before publishing: kept as ``tested``, which
        nothing counts, and no workflow follows it (no booking, no notices)."""
        if not await uow.submissions.submit(ctx.submission.id, test=True):
            return Outcome(alert=self.t("dialog-already-submitted"), finished=True)
        review = engine.screen(ctx.form, kept, engine.Cursor())
        assert isinstance(review, ReviewScreen)
        thanks = self.t("publish-trial-sent", number=ctx.submission.id)
        texts = split_text([thanks, *review_lines(self._view(ctx), review)])
        replies = (*(Reply(text) for text in texts), *self._feedback(ctx.form, kept))
        return Outcome(replies=replies, finished=True, drop_keyboard=True)

    def _feedback(self, form: Form, kept: dict[str, Any]) -> tuple[Reply, ...]:
        """A self-diagnosis answers back: the person's own areas, with the support on offer."""
        found = feedback_for(form, kept)
        if found is None:
            return ()
        if not found:
            return (Reply(self.t("dialog-feedback-none")),)
        items = "\n".join(f"• {quote(text)}" for text in found)
        return tuple(Reply(text) for text in split_text([self.t("dialog-feedback", items=items)]))

    async def _mark_sent(self, uow: UnitOfWork, ctx: Context, kept: dict[str, Any]) -> bool:
        """The draft becomes the response that counts; False when it was sent already.

        A school's response replaces the school's earlier one (a correction) and says which
        head sent it; its school was set when the draft was opened."""
        submission, form = ctx.submission, ctx.form
        if submission.school_key is None:
            if not await uow.submissions.submit(submission.id):
                return False
            await uow.submissions.replace_in_wave(submission, form.id)
            await self._place(uow, form, submission.id, kept)
            return True
        if submission.status is not SubmissionStatus.draft:
            return False
        many = form.responses == "many"
        if not many:
            await uow.submissions.replace_school_response(submission)
        return await uow.submissions.submit(submission.id, by=self.user_id, many=many)

    async def _wave_closed(self, uow: UnitOfWork, submission: SubmissionDTO) -> str | None:
        """A response of a wave that has closed meanwhile cannot be sent (the draft stays)."""
        if submission.wave_id is None:
            return None
        wave = await uow.waves.get(submission.wave_id)
        if wave is not None and wave.is_open(self.today):
            return None
        return self.t("dialog-wave-closed", wave=wave.title if wave else "")

    async def _place(
        self, uow: UnitOfWork, form: Form, submission_id: int, answers: dict[str, Any]
    ) -> None:
        """Remember the school of the form's first school question, for the registers."""
        question = next((q for q in form.all_questions() if isinstance(q, SchoolQuestion)), None)
        value = answers.get(question.id) if question is not None else None
        if not isinstance(value, dict):
            return
        school = await uow.schools.school_by_code(str(value.get("code", "")))
        if school is not None:
            await uow.submissions.place(submission_id, school.id, school.municipality_id)

    # --- the buttons under a question -------------------------------------------------------

    async def _pick(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, value: str
    ) -> Outcome:
        raw = ChoiceInput(value)
        outcome = validate(screen.question, raw, today=self.today, answers=screen.scope)
        if isinstance(outcome, Accepted):
            return await self._save(uow, ctx, screen, outcome.value)
        if outcome.problem.message_id == "answer-other-prompt":
            return Outcome(replies=(Reply(self._problem(outcome)),))
        return Outcome(alert=self._problem(outcome))

    async def _skip(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, _v: str
    ) -> Outcome:
        outcome = validate(screen.question, SkipInput(), today=self.today)
        if isinstance(outcome, Rejected):
            return Outcome(alert=self._problem(outcome))
        return await self._save(uow, ctx, screen, outcome.value)

    async def _keep(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, _v: str
    ) -> Outcome:
        question = screen.question
        if not engine.is_answered(question, ctx.answers):
            return Outcome(alert=self.t("dialog-stale"))
        return await self._moved(uow, ctx, question, ctx.answers[question.id], screen)

    async def _default(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, _v: str
    ) -> Outcome:
        """«Оставить: …»: the default, checked as if typed, becomes the answer."""
        question = screen.question
        value = default_value(question, self.today, screen.scope)
        if value is None or question.read_only or question.id in ctx.answers:
            return Outcome(alert=self.t("dialog-stale"))
        return await self._save(uow, ctx, screen, value)

    async def _back(self, uow: UnitOfWork, ctx: Context, _s: QuestionScreen, _v: str) -> Outcome:
        ctx.data = ctx.data.moved(engine.back(ctx.form, ctx.answers, ctx.data.cursor))
        return Outcome(replies=tuple(await self._render(uow, ctx)), data=ctx.data)

    async def _toggle(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, value: str
    ) -> Outcome:
        question = screen.question
        assert isinstance(question, MultipleChoiceQuestion)
        selection = current_selection(ctx.data, screen, self.today)
        result = toggle_option(question, selection, value, answers=screen.scope)
        if isinstance(result, Rejected):
            return Outcome(alert=self._problem(result))
        ctx.data = ctx.data.pending(question.id, selection=result.values, other=result.other)
        return await self._redraw(uow, ctx)

    async def _redraw(self, uow: UnitOfWork, ctx: Context) -> Outcome:
        first = (await self._render(uow, ctx))[0]
        return Outcome(data=ctx.data, edit=first)

    async def _done(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, _v: str
    ) -> Outcome:
        question = screen.question
        pending = ctx.data.of(question.id)
        if isinstance(question, MultipleChoiceQuestion):
            selection = current_selection(ctx.data, screen, self.today)
            outcome = finish_selection(question, selection, today=self.today, answers=screen.scope)
        elif isinstance(question, FileQuestion):
            outcome = finish_files(question, pending.files)
        else:
            return Outcome(alert=self.t("dialog-stale"))
        if isinstance(outcome, Rejected):
            return Outcome(alert=self._problem(outcome))
        return await self._save(uow, ctx, screen, outcome.value)

    async def _municipality(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, value: str
    ) -> Outcome:
        chosen = int(value) if value.isdigit() else None
        if chosen is not None and await uow.schools.municipality(chosen) is None:
            return Outcome(alert=self.t("dialog-stale"))
        ctx.data = ctx.data.pending(screen.question.id, municipality=chosen, page=0)
        return await self._redraw(uow, ctx)

    async def _page(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, value: str
    ) -> Outcome:
        if not value.isdigit():
            return Outcome(alert=self.t("dialog-stale"))
        ctx.data = ctx.data.pending(screen.question.id, page=int(value))
        return await self._redraw(uow, ctx)

    async def _school(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, value: str
    ) -> Outcome:
        school = await uow.schools.school(int(value)) if value.isdigit() else None
        if school is None or school.municipality_id != ctx.data.of(screen.question.id).municipality:
            return Outcome(alert=self.t("dialog-stale"))
        raw = SchoolInput(school.code, school.name, school.municipality_name)
        return await self._check_and_save(uow, ctx, screen, raw)

    async def _my_school(self, uow: UnitOfWork) -> SchoolDTO | None:
        user = await uow.users.get(self.user_id)
        return await uow.schools.school(user.school_id) if user and user.school_id else None

    async def _mine(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, value: str
    ) -> Outcome:
        """«Моя школа»: the school of the person's profile, if the button still names it."""
        school = await self._my_school(uow)
        if school is None or str(school.id) != value:
            return Outcome(alert=self.t("dialog-stale"))
        raw = SchoolInput(school.code, school.name, school.municipality_name)
        return await self._check_and_save(uow, ctx, screen, raw)

    async def _month(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, value: str
    ) -> Outcome:
        if not _is_month(value) or value == ctx.data.of(screen.question.id).month:
            return Outcome()
        ctx.data = ctx.data.pending(screen.question.id, month=value)
        return await self._redraw(uow, ctx)

    async def _day(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, value: str
    ) -> Outcome:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return Outcome(alert=self.t("dialog-stale"))
        return await self._check_and_save(uow, ctx, screen, TextInput(format_date(day)))

    async def _contact(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, value: str
    ) -> Outcome:
        """Whether the other person's phone is to be kept: yes saves it, no asks again."""
        pending = ctx.data.of(screen.question.id).contact
        if pending is None or value not in ("y", "n"):
            return Outcome(alert=self.t("dialog-stale"))
        if value == "y":
            outcome = await self._save(uow, ctx, screen, pending)
            return replace(outcome, edit=Reply(self.t("dialog-contact-kept")))
        ctx.data = ctx.data.moved(ctx.data.cursor)
        replies = (Reply(self.t("dialog-contact-send-own")), *await self._render(uow, ctx))
        return Outcome(replies=replies, data=ctx.data, drop_keyboard=True)

    async def _next(
        self, uow: UnitOfWork, ctx: Context, screen: QuestionScreen, _v: str
    ) -> Outcome:
        return await self._check_and_save(uow, ctx, screen, ChoiceInput("next"))


def _is_month(value: str) -> bool:
    year, _, month = value.partition("-")
    return year.isdigit() and month.isdigit() and 1 <= int(month) <= 12 and 1900 < int(year) < 2200


QuestionAct = Callable[[Dialog, UnitOfWork, Context, QuestionScreen, str], Awaitable[Outcome]]
_QUESTION_ACTS: dict[Act, QuestionAct] = {
    Act.pick: Dialog._pick,
    Act.skip: Dialog._skip,
    Act.keep: Dialog._keep,
    Act.default: Dialog._default,
    Act.back: Dialog._back,
    Act.toggle: Dialog._toggle,
    Act.done: Dialog._done,
    Act.municipality: Dialog._municipality,
    Act.municipalities: Dialog._municipality,
    Act.page: Dialog._page,
    Act.school: Dialog._school,
    Act.my_school: Dialog._mine,
    Act.month: Dialog._month,
    Act.day: Dialog._day,
    Act.next: Dialog._next,
    Act.contact: Dialog._contact,
}
