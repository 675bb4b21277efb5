"""A survey campaign's coverage as a PNG bar chart, sent to the coordinator as a Telegram photo.

One horizontal bar per municipality (or school): the share of the expected people who
answered, 0–100 %. Every visible word comes from the caller; this module only formats numbers.

matplotlib is imported inside the functions that draw, never at module import, so importing
``exports`` stays cheap for the command-line tools that never draw. Only the object-oriented
API with the Agg canvas is used (no ``pyplot`` and no rcParams changes: no global state), so
``coverage_png`` may run in a worker thread.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

# Colours by share answered (percent, rounded down): under 50, under 80, from 80.
LOW_COLOUR = "#EF9A9A"
MIDDLE_COLOUR = "#FFCC80"
HIGH_COLOUR = "#A5D6A7"
LOW_BELOW = 50
MIDDLE_BELOW = 80
TEXT_COLOUR = "#212121"
GRID_COLOUR = "#DDDDDD"

# Sizes: 1080 px wide (a phone screen), inches at DPI.
DPI = 120
WIDTH_IN = 9.0
MIN_HEIGHT_IN = 3.0
MAX_HEIGHT_IN = 16.0  # 1920 px: about 34 bars at full size; more get thinner, smaller text
EMPTY_HEIGHT_IN = 3.0
MARGIN_IN = 0.25
RIGHT_MARGIN_IN = 0.35
BAR_SLOT_IN = 0.42  # one bar and the gap to the next
AXIS_IN = 0.45  # the percent ticks under the bars
MAX_LABELS_SHARE = 0.45  # the names take at most this share of the width
NAME_PAD_PT = 6.0  # between a name and its bar

TITLE_SIZE = 15.0
CAPTION_SIZE = 11.0
NAME_SIZE = 11.0
VALUE_SIZE = 11.0  # also the percent ticks
TWO_LINES_FROM_IN = 0.38  # a thinner bar slot gets one-line names
LINE_SPACING = 1.3

TITLE_WRAP = 60
CAPTION_WRAP = 85
NAME_WRAP = 30
NAME_LINES = 2
NAME_SLACK = 4  # a shortened last line may run this much longer to end at a word
ELLIPSIS = "…"

# DejaVu Sans ships with matplotlib and covers Cyrillic; named by file, not by family, so
# the glyphs never depend on the system fonts or a matplotlibrc font setting.
REGULAR_FONT = "DejaVuSans.ttf"
BOLD_FONT = "DejaVuSans-Bold.ttf"


@dataclass(frozen=True, slots=True)
class Bar:
    """One municipality's (or school's) answers against the number expected."""

    label: str
    answered: int
    expected: int  # 0: unknown or none expected

    @property
    def percent(self) -> int:
        """The share answered in whole percent, rounded down (100 only when all answered);
        may exceed 100; 0 when nothing is expected."""
        if self.expected <= 0:
            return 0
        return max(self.answered, 0) * 100 // self.expected


def default_label(bar: Bar) -> str:
    """«answered / expected · NN %», or a dash for the share when nothing is expected."""
    if bar.expected <= 0:
        return f"{bar.answered} / {bar.expected} · —"
    return f"{bar.answered} / {bar.expected} · {bar.percent} %"


def coverage_png(
    bars: Sequence[Bar],
    *,
    title: str,
    caption: str,
    no_data: str,
    label: Callable[[Bar], str] = default_label,
    limit: int = 30,
) -> bytes:
    """A horizontal bar chart of the share answered (0–100 %) per bar, in the given order from
    the top (the caller sorts, worst first), each bar labelled by ``label``.

    Only the first ``limit`` bars are drawn (saying so in ``caption`` is the caller's job). A
    share over 100 % is drawn at 100 but labelled with its true value. No bars: a small
    picture with ``no_data`` in the middle.
    """
    shown = list(bars[: max(limit, 0)])
    header = _header_height(title, caption)
    if shown:
        figure = _new_figure(_height(len(shown), header))
        _draw_header(figure, title, caption)
        _draw_bars(figure, shown, label, header)
    else:
        figure = _new_figure(EMPTY_HEIGHT_IN)
        _draw_header(figure, title, caption)
        _draw_no_data(figure, no_data)
    return _png(figure)


def _height(count: int, header_in: float) -> float:
    """The figure's height in inches for ``count`` bars, within the bounds."""
    wanted = header_in + count * BAR_SLOT_IN + AXIS_IN + MARGIN_IN
    return min(max(wanted, MIN_HEIGHT_IN), MAX_HEIGHT_IN)


def _header_height(title: str, caption: str) -> float:
    """The header's height in inches: the top margin, the title and the caption."""
    height = MARGIN_IN
    height += len(_wrapped(title, TITLE_WRAP)) * _line_in(TITLE_SIZE)
    height += len(_wrapped(caption, CAPTION_WRAP)) * _line_in(CAPTION_SIZE)
    return height + MARGIN_IN


def _line_in(size: float) -> float:
    return size * LINE_SPACING / 72


def _wrapped(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) if text.strip() else []


def short_name(name: str, width: int = NAME_WRAP, lines: int = NAME_LINES) -> str:
    """The name wrapped to ``lines`` lines of ``width`` characters, the rest cut with «…»."""
    wrapped = textwrap.wrap(name, width) or [""]
    if len(wrapped) > lines:
        rest = " ".join(wrapped[lines - 1 :])
        wrapped = [*wrapped[: lines - 1], _shortened(rest, width)]
    return "\n".join(wrapped)


def _shortened(text: str, width: int) -> str:
    """``text`` cut to about ``width`` characters with «…», at a word's end when one is near
    (so «школа № 12 имени» becomes «школа № 12…», not «школа № 1…»)."""
    cut = textwrap.shorten(text, width + NAME_SLACK, placeholder=ELLIPSIS)
    if cut == ELLIPSIS or len(cut) < width // 2:
        cut = text[: width - 1].rstrip() + ELLIPSIS
    return cut


def _font(size: float, *, bold: bool = False) -> FontProperties:
    from matplotlib import get_data_path
    from matplotlib.font_manager import FontProperties

    path = Path(get_data_path(), "fonts", "ttf", BOLD_FONT if bold else REGULAR_FONT)
    return FontProperties(fname=path, size=size)


def _new_figure(height_in: float) -> Figure:
    """A white figure on its own Agg canvas, whose renderer also measures the texts."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    return figure


def _draw_header(figure: Figure, title: str, caption: str) -> None:
    """The title, and the caption under it, from the top left corner."""
    height = figure.get_figheight()
    left = MARGIN_IN / WIDTH_IN
    top = 1 - MARGIN_IN / height
    title_lines = _wrapped(title, TITLE_WRAP)
    caption_text = "\n".join(_wrapped(caption, CAPTION_WRAP))
    figure.text(
        left,
        top,
        "\n".join(title_lines),
        va="top",
        color=TEXT_COLOUR,
        linespacing=LINE_SPACING,
        fontproperties=_font(TITLE_SIZE, bold=True),
        parse_math=False,
    )
    below = top - len(title_lines) * _line_in(TITLE_SIZE) / height
    figure.text(
        left,
        below,
        caption_text,
        va="top",
        color=TEXT_COLOUR,
        linespacing=LINE_SPACING,
        fontproperties=_font(CAPTION_SIZE),
        parse_math=False,
    )


def _draw_no_data(figure: Figure, no_data: str) -> None:
    figure.text(
        0.5,
        0.45,
        "\n".join(_wrapped(no_data, CAPTION_WRAP)),
        ha="center",
        va="center",
        color=TEXT_COLOUR,
        linespacing=LINE_SPACING,
        fontproperties=_font(TITLE_SIZE),
        parse_math=False,
    )


def _draw_bars(
    figure: Figure,
    bars: list[Bar],
    label: Callable[[Bar], str],
    header_in: float,
) -> None:
    """The bars under the header, the names on the left, the values at the bars' ends."""
    height = figure.get_figheight()
    bottom = (AXIS_IN + MARGIN_IN) / height
    # Placeholder left edge and width: _fit_left moves them once the names are measured.
    axes = figure.add_axes((0.3, bottom, 0.6, max(1 - header_in / height - bottom, 0.05)))
    positions = list(range(len(bars)))
    shares = [min(max(bar.percent, 0), 100) for bar in bars]
    axes.barh(positions, shares, height=0.7, color=[_colour(bar) for bar in bars], zorder=2)
    axes.set_ylim(len(bars) - 0.5, -0.5)  # the first bar on top
    axes.set_xlim(0, 100)
    slot_in = axes.get_position().height * height / len(bars)
    lines = NAME_LINES if slot_in >= TWO_LINES_FROM_IN else 1
    size = min(NAME_SIZE, slot_in * 72 / LINE_SPACING)  # no overlap when the slots get thin
    _style_axes(axes, [short_name(bar.label, lines=lines) for bar in bars], size)
    _fit_left(axes)
    for position, share, bar in zip(positions, shares, bars, strict=True):
        _value_label(axes, position, share, label(bar), size)


def _colour(bar: Bar) -> str:
    if bar.percent < LOW_BELOW:
        return LOW_COLOUR
    if bar.percent < MIDDLE_BELOW:
        return MIDDLE_COLOUR
    return HIGH_COLOUR


def _style_axes(axes: Axes, names: list[str], size: float) -> None:
    """Names on the left, a light grid every 25 % with its percent under the bars."""
    ticks = [0, 25, 50, 75, 100]
    axes.set_xticks(
        ticks,
        [f"{tick} %" for tick in ticks],
        fontproperties=_font(VALUE_SIZE),
        color=TEXT_COLOUR,
    )
    axes.set_yticks(
        range(len(names)),
        names,
        fontproperties=_font(size),
        color=TEXT_COLOUR,
        linespacing=1.1,
        parse_math=False,
    )
    axes.tick_params(axis="y", length=0, pad=NAME_PAD_PT)
    axes.tick_params(axis="x", length=0, pad=4)
    axes.grid(axis="x", color=GRID_COLOUR, linewidth=0.8, zorder=0)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(GRID_COLOUR)


def _fit_left(axes: Axes) -> None:
    """Moves the axes' left edge just right of the widest name (within MAX_LABELS_SHARE)."""
    widest_in = max(text.get_window_extent().width for text in axes.get_yticklabels()) / DPI
    left = min((MARGIN_IN + widest_in + NAME_PAD_PT / 72) / WIDTH_IN, MAX_LABELS_SHARE)
    right = 1 - RIGHT_MARGIN_IN / WIDTH_IN
    box = axes.get_position()
    axes.set_position((left, box.y0, right - left, box.height))


def _value_label(axes: Axes, position: int, share: int, text: str, size: float) -> None:
    """The value just after the bar's end, or inside the bar when it would not fit after."""
    pad = 1.0
    value = axes.text(
        share + pad,
        position,
        text,
        va="center",
        color=TEXT_COLOUR,
        fontproperties=_font(min(VALUE_SIZE, size)),
        parse_math=False,
        zorder=3,
    )
    width_px = value.get_window_extent().width
    axes_px = axes.get_window_extent().width
    if share + pad + width_px / axes_px * 100 > 100:
        value.set_x(share - pad)
        value.set_horizontalalignment("right")


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
