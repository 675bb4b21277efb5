"""Question types of a form: what each asks, and the limits its answers must respect."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from forms.conditions import Condition
from forms.expr import NAME, Check, Filter, Formula
from forms.texts import LocalText
from forms.values import is_date_bound

QUESTION_ID = rf"^{NAME}$"
"""As XLSForm names are written (``Q1``, ``first-name``), without its dots and long names."""
OPTION_VALUE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"
ATTRIBUTE_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,31}$"

QuestionId = Annotated[str, StringConstraints(pattern=QUESTION_ID)]
OptionValue = Annotated[str, StringConstraints(pattern=OPTION_VALUE)]
AttributeName = Annotated[str, StringConstraints(pattern=ATTRIBUTE_NAME)]

OTHER = "_other"
"""The value of the «Другое (впишите)» button of a question with ``other: true``."""

TEXT_LIMIT = 3500
"""No answer may be longer: a question and its answer must fit one Telegram message."""
SHORT_TEXT_DEFAULT = 1000
LONG_TEXT_DEFAULT = 3000
OTHER_TEXT_LIMIT = 500
TELEGRAM_DOWNLOAD_MB = 20


def _problem(message_id: str, english: str, **params: Any) -> PydanticCustomError:
    """A validation error whose type is a forms.ftl message id (the loaders translate it)."""
    return PydanticCustomError(message_id, english, params)


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Typed(Model):
    """A model told apart by its ``type`` key, which is always written out, even by default."""

    @model_serializer(mode="wrap")
    def _keep_type(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {"type": getattr(self, "type"), **data}  # noqa: B009


class BaseQuestion(Typed):
    id: QuestionId
    label: LocalText = Field(min_length=1, max_length=1000)
    hint: LocalText = Field(default="", max_length=500)
    required: bool = True
    error_message: LocalText | None = Field(default=None, min_length=1, max_length=500)
    show_if: Condition | None = None
    constraint: Check | None = None
    """An expression the answer must satisfy (``.`` is the answer), else ``error_message``."""
    default: str | None = Field(default=None, min_length=1, max_length=1000)
    """The answer offered ready: «Оставить: …» keeps it (as if typed or pressed)."""
    read_only: bool = False
    """Shown, not asked: the label and the default, with «Далее»; the default is stored."""

    @property
    def answerable(self) -> bool:
        """False for a note and a read-only question, which show text and ask nothing."""
        return not self.read_only

    @property
    def asked(self) -> bool:
        """False for a calculation, which is never shown."""
        return True


class TextQuestion(BaseQuestion):
    type: Literal["text"] = "text"
    multiline: bool = False
    min_length: int | None = Field(default=None, ge=1, le=TEXT_LIMIT)
    max_length: int | None = Field(default=None, ge=1, le=TEXT_LIMIT)

    @property
    def length_limit(self) -> int:
        default = LONG_TEXT_DEFAULT if self.multiline else SHORT_TEXT_DEFAULT
        return self.max_length or default

    @model_validator(mode="after")
    def _lengths_agree(self) -> TextQuestion:
        if self.min_length is not None and self.min_length > self.length_limit:
            raise _problem("form-error-min-above-max", "min_length is above max_length")
        return self


class IntegerQuestion(BaseQuestion):
    type: Literal["integer"] = "integer"
    min: int | None = None
    max: int | None = None

    @model_validator(mode="after")
    def _bounds_agree(self) -> IntegerQuestion:
        _check_bounds(self.min, self.max)
        return self


class DecimalQuestion(BaseQuestion):
    type: Literal["decimal"] = "decimal"
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _bounds_agree(self) -> DecimalQuestion:
        _check_bounds(self.min, self.max)
        return self


def _check_bounds(low: float | None, high: float | None) -> None:
    if low is not None and high is not None and low > high:
        raise _problem("form-error-min-above-max", "min is above max")


class Option(Model):
    """One answer of a choice question: a stable ``value`` key and the Russian ``label``."""

    value: OptionValue
    label: LocalText = Field(min_length=1, max_length=200)
    attributes: dict[AttributeName, str] = Field(default_factory=dict)


class ChoiceFilter(Model):
    """Cascade: list only options whose ``attributes[column]`` equals the answer to ``question``."""

    column: AttributeName
    question: QuestionId


class ChoiceQuestion(BaseQuestion):
    options: tuple[Option, ...] = Field(min_length=1, max_length=100)
    other: bool = False
    choice_filter: ChoiceFilter | Filter | None = None
    """``{column, question}``, or an expression over the options' columns (``name`` is the
    option's value): ``starts-with(code, ${region}) and level = 2``."""

    @field_validator("options")
    @classmethod
    def _values_unique(cls, options: tuple[Option, ...]) -> tuple[Option, ...]:
        seen: set[str] = set()
        for option in options:
            if option.value in seen:
                raise _problem(
                    "form-error-duplicate-option", "duplicate option", value=option.value
                )
            seen.add(option.value)
        return options

    def option(self, value: str) -> Option | None:
        return next((option for option in self.options if option.value == value), None)


class SingleChoiceQuestion(ChoiceQuestion):
    type: Literal["single_choice"] = "single_choice"


class MultipleChoiceQuestion(ChoiceQuestion):
    type: Literal["multiple_choice"] = "multiple_choice"
    min_selected: int | None = Field(default=None, ge=1)
    max_selected: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _counts_agree(self) -> MultipleChoiceQuestion:
        _check_bounds(self.min_selected, self.max_selected)
        if (self.min_selected or 0) > len(self.options) + int(self.other):
            raise _problem("form-error-min-above-options", "min_selected above the options")
        return self


class YesNoQuestion(BaseQuestion):
    type: Literal["yes_no"] = "yes_no"


class RatingQuestion(BaseQuestion):
    type: Literal["rating"] = "rating"
    min: int = Field(default=1, ge=0, le=10)
    max: int = Field(default=5, ge=1, le=10)
    min_label: str = Field(default="", max_length=100)
    max_label: str = Field(default="", max_length=100)
    feedback: str = Field(default="", max_length=500)
    """Said to the person after sending when they rated this at or above the form's
    ``feedback_from``: the support on offer for it (a self-diagnosis)."""

    @model_validator(mode="after")
    def _bounds_agree(self) -> RatingQuestion:
        if self.min >= self.max:
            raise _problem("form-error-min-above-max", "min is not below max")
        return self


DateBound = Annotated[str, Field(description="today, today+N, today-N or YYYY-MM-DD")]


class DateQuestion(BaseQuestion):
    type: Literal["date"] = "date"
    min: DateBound | None = None
    max: DateBound | None = None

    @field_validator("min", "max", mode="before")
    @classmethod
    def _read_bound(cls, value: Any) -> Any:
        if value is None:
            return None
        text = str(value).replace(" ", "")  # a YAML date arrives as datetime.date
        if not is_date_bound(text):
            raise _problem("form-error-date-bound", "bad date bound", value=str(value))
        return text


class PhoneQuestion(BaseQuestion):
    type: Literal["phone"] = "phone"


class EmailQuestion(BaseQuestion):
    type: Literal["email"] = "email"


class SchoolQuestion(BaseQuestion):
    type: Literal["school"] = "school"


FileKind = Literal["document", "photo"]


class FileQuestion(BaseQuestion):
    type: Literal["file"] = "file"
    kinds: tuple[FileKind, ...] = Field(default=("document", "photo"), min_length=1)
    max_files: int = Field(default=5, ge=1, le=20)
    max_size_mb: float = Field(default=TELEGRAM_DOWNLOAD_MB, gt=0, le=TELEGRAM_DOWNLOAD_MB)


class NoteQuestion(BaseQuestion):
    """Information text with a «Далее» button; it stores no answer."""

    type: Literal["note"] = "note"
    label: LocalText = Field(min_length=1, max_length=TEXT_LIMIT)

    @property
    def answerable(self) -> bool:
        return False


class CalculateQuestion(BaseQuestion):
    """A value computed from the answers (``calculation``), never shown or stored: it is
    worked out again wherever it is read (the dialog, the review, the registers)."""

    type: Literal["calculate"] = "calculate"
    label: LocalText = Field(default="", max_length=1000)
    required: bool = False
    calculation: Formula

    @property
    def answerable(self) -> bool:
        return False

    @property
    def asked(self) -> bool:
        return False


Question = (
    TextQuestion
    | IntegerQuestion
    | DecimalQuestion
    | SingleChoiceQuestion
    | MultipleChoiceQuestion
    | YesNoQuestion
    | RatingQuestion
    | DateQuestion
    | PhoneQuestion
    | EmailQuestion
    | SchoolQuestion
    | FileQuestion
    | NoteQuestion
    | CalculateQuestion
)
AnyQuestion = Annotated[Question, Field(discriminator="type")]
