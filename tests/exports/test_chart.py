"""The coverage chart: a PNG within Telegram's photo limits, Cyrillic without missing glyphs,
its height by the number of bars, the capping of odd shares, the limit, no data."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from exports.chart import (
    DPI,
    HIGH_COLOUR,
    LOW_COLOUR,
    MAX_HEIGHT_IN,
    MIDDLE_COLOUR,
    WIDTH_IN,
    Bar,
    coverage_png,
    default_label,
    short_name,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TELEGRAM_PHOTO_BYTES = 10 * 1024 * 1024
TELEGRAM_SIDES_SUM = 10_000
TELEGRAM_RATIO = 20
ROOT = Path(__file__).resolve().parents[2]

NAMES = [
    "Городской округ город Нижний Новгород",
    "Арзамасский муниципальный округ",
    "МБОУ «Средняя общеобразовательная школа № 12 имени Героя Советского Союза "
    "И. И. Иванова с углублённым изучением отдельных предметов» Богородского округа",
    "Выкса",
    "Ёлкинская основная школа — филиал МАОУ «Щербинковская СОШ»",
]


def chart(
    bars: list[Bar],
    *,
    title: str = "Охват опроса «Затруднения педагогов», весна 2025",
    caption: str = "Ответили из ожидаемых: педагоги школ с низкими результатами",
    no_data: str = "Нет данных",
    label: Callable[[Bar], str] = default_label,
    limit: int = 30,
) -> bytes:
    return coverage_png(
        bars, title=title, caption=caption, no_data=no_data, label=label, limit=limit
    )


def many(count: int) -> list[Bar]:
    return [
        Bar(f"{NAMES[i % len(NAMES)]} {i}", answered=(i * 7) % 60, expected=40 + i)
        for i in range(count)
    ]


def size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which always comes first."""
    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def has_colour(png: bytes, colour: str) -> bool:
    """Whether any pixel of the decoded PNG is exactly ``colour`` (``#RRGGBB``)."""
    from matplotlib.image import imread

    image = imread(io.BytesIO(png), format="png")
    rgb = (image[..., :3] * 255).round().astype(int)
    wanted = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return bool((rgb == wanted).all(axis=-1).any())


def assert_telegram_photo(png: bytes) -> None:
    width, height = size(png)
    assert len(png) < TELEGRAM_PHOTO_BYTES
    assert width + height <= TELEGRAM_SIDES_SUM
    assert max(width, height) / min(width, height) <= TELEGRAM_RATIO


def test_a_png_a_phone_wide_within_telegram_limits() -> None:
    png = chart(many(30))

    assert_telegram_photo(png)
    width, height = size(png)
    assert width == WIDTH_IN * DPI == 1080
    assert height > width


def test_the_png_opens_with_matplotlib() -> None:
    from matplotlib.image import imread

    image = imread(io.BytesIO(chart(many(3))), format="png")

    assert image.shape[:2] == size(chart(many(3)))[::-1]


def test_cyrillic_renders_without_warnings() -> None:
    """Warnings are errors anyway (pyproject); here explicitly, so a missing glyph fails."""
    bars = [Bar(name, 3, 7) for name in NAMES] + [Bar("Щёлково, Йошкар-Ола, Пермь № 5", 1, 1)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = chart(bars, label=lambda bar: f"{bar.answered} из {bar.expected} · ответили")

    assert_telegram_photo(png)


def test_a_missing_glyph_would_be_caught() -> None:
    """The check above means something: a glyph DejaVu Sans lacks does warn."""
    with pytest.warns(UserWarning, match="missing from font"):
        chart([Bar("Школа 漢", 1, 2)])


def test_the_height_grows_with_the_bars_and_stays_bounded() -> None:
    heights = [size(chart(many(count), limit=count))[1] for count in (1, 5, 15, 30, 40, 80)]

    assert heights[0] < heights[1] < heights[2] < heights[3]
    assert heights[3] <= MAX_HEIGHT_IN * DPI
    assert heights[4] == heights[5] == MAX_HEIGHT_IN * DPI


def test_a_long_title_and_caption_wrap_into_a_taller_header() -> None:
    short = size(chart(many(5)))[1]
    long = size(chart(many(5), title="Охват опроса " * 12, caption="Ответили из ожидаемых " * 8))

    assert long[0] == 1080
    assert long[1] > short


@pytest.mark.parametrize("limit", [1, 7, 30])
def test_only_the_first_limit_bars_are_drawn(limit: int) -> None:
    labelled: list[str] = []

    def label(bar: Bar) -> str:
        labelled.append(bar.label)
        return default_label(bar)

    bars = many(45)
    png = chart(bars, label=label, limit=limit)

    assert labelled == [bar.label for bar in bars[:limit]]
    assert size(png) == size(chart(bars[:limit]))


def test_no_bars_is_a_small_picture() -> None:
    png = chart([])

    assert_telegram_photo(png)
    width, height = size(png)
    assert width == 1080
    assert height <= 400


def test_no_bars_within_the_limit_is_the_no_data_picture() -> None:
    assert chart(many(3), limit=0) == chart([])


def test_the_no_data_text_is_the_callers() -> None:
    assert chart([], no_data="Нет данных") != chart([], no_data="Опрос ещё не начат")


def test_over_a_hundred_percent_is_drawn_at_a_hundred() -> None:
    def same(bar: Bar) -> str:
        return "·"

    over = chart([Bar("Сверх плана", 130, 100)], label=same)

    assert over == chart([Bar("Сверх плана", 100, 100)], label=same)


def test_nothing_expected_is_drawn_as_nothing_answered() -> None:
    def same(bar: Bar) -> str:
        return "·"

    unknown = chart([Bar("Без плана", 12, 0)], label=same)

    assert unknown == chart([Bar("Без плана", 0, 5)], label=same)


def test_odd_counts_do_not_raise() -> None:
    bars = [
        Bar("Сверх плана", 130, 100),
        Bar("Без плана", 12, 0),
        Bar("Никого", 0, 0),
        Bar("Много", 98_765, 123_456),
        Bar("", 1, 2),
    ]

    assert_telegram_photo(chart(bars))


def test_the_default_label() -> None:
    assert default_label(Bar("А", 57, 100)) == "57 / 100 · 57 %"
    assert default_label(Bar("А", 130, 100)) == "130 / 100 · 130 %"
    assert default_label(Bar("А", 12, 0)) == "12 / 0 · —"


def test_the_percent_rounds_down_so_a_hundred_means_everyone() -> None:
    assert Bar("А", 999, 1000).percent == 99
    assert Bar("А", 2, 3).percent == 66
    assert Bar("А", 29, 100).percent == 29
    assert Bar("А", 3, 2).percent == 150
    assert Bar("А", 5, 0).percent == 0


def test_bars_are_coloured_by_share() -> None:
    def colours(bar: Bar) -> set[str]:
        png = chart([bar], label=lambda _: "")
        named = {"low": LOW_COLOUR, "middle": MIDDLE_COLOUR, "high": HIGH_COLOUR}
        return {name for name, colour in named.items() if has_colour(png, colour)}

    assert colours(Bar("А", 49, 100)) == {"low"}
    assert colours(Bar("А", 50, 100)) == {"middle"}
    assert colours(Bar("А", 79, 100)) == {"middle"}
    assert colours(Bar("А", 80, 100)) == {"high"}
    assert colours(Bar("А", 150, 100)) == {"high"}


def test_long_names_are_wrapped_and_shortened() -> None:
    school = short_name(NAMES[2])

    assert school.count("\n") == 1
    assert school.endswith("…")
    assert "№ 12" in school  # cut at a word's end, not inside the number
    assert all(len(line) <= 34 for line in school.splitlines())
    assert short_name("Выкса") == "Выкса"
    assert short_name("Городской округ город Нижний Новгород").count("\n") == 1
    assert len(short_name("Ж" * 200)) <= 2 * 34 + 1
    assert short_name(NAMES[0], lines=1) == "Городской округ город Нижний…"


def test_the_output_is_deterministic_and_thread_safe() -> None:
    bars = many(4)
    expected = chart(bars)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: chart(bars), range(4)))

    assert results == [expected] * 4


def test_importing_the_module_does_not_import_matplotlib() -> None:
    code = "import sys, exports.chart; sys.exit('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False)

    assert result.returncode == 0
