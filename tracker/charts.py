"""
The history chart, drawn on the server as SVG: this module turns the days of `tracker.history.day_history`
into plain coordinates, and templates/tracker/history/_chart.html draws them. Two panels share the
x axis: vitamin D a day above, K2 (MK-7 equivalent) a day with its target band below, each with its
7-day average as a line. Nothing here touches the database.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.dateformat import format as format_date

from foods.units import vitamin_d_iu_to_ug
from tracker import guidance
from tracker.history import day_labeller
from tracker.models import Profile
from tracker.templatetags.day_page import intake_amount, k2_target, totals_line, unit_label, vitamin_d_in

# The drawing's own units (the SVG viewBox); the page scales it to its width.
WIDTH = 760
LEFT = 56  # room for the values on the y axes
RIGHT = 24  # room for half the last date
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PANEL_HEIGHT = 140
LABEL_ROOM = 32  # above each panel, for its title
DATE_ROOM = 24  # under the lower panel, for the dates
HEIGHT = 2 * (LABEL_ROOM + PANEL_HEIGHT) + DATE_ROOM
BAR_SHARE = 0.7  # of a day's width; the rest is the gap between bars
WIDEST_BAR = 40
MOST_DATE_LABELS = 7
TITLE_OFFSET = 8  # from a panel's top up to its title's baseline
TEXT_GAP = 6  # between a text and what it labels

K2_LEGEND = [
    (guidance.WITHIN, "within the target"),
    (guidance.BELOW, "below"),
    (guidance.ABOVE, "above"),
    (guidance.NO_TARGET, "no target"),
]

# An empty panel still shows a sensible scale: where the guidance starts to ask for K2 (DOMAIN.md).
SMALLEST_SCALE_VITAMIN_D_IU = Decimal(1000)
SMALLEST_SCALE_K2_UG = Decimal(100)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Panel:
    title: str
    title_y: float
    top: float
    bottom: float
    ticks: list
    average_path: str  # SVG path data: the 7-day average, a level stretch per day


@dataclass(frozen=True)
class ChartDay:
    day: object
    column: Box  # the whole day across both panels: where its tooltip shows
    vitamin_d_bar: Box
    k2_bar: Box
    k2_band: Box | None  # the K2 target; None on a day without one
    status: str
    tooltip: str


@dataclass(frozen=True)
class DateLabel:
    x: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float  # where the plot starts
    right: float  # and ends
    tick_x: float  # where the values on the y axes end
    date_y: float  # the baseline of the dates
    vitamin_d: Panel
    k2: Panel
    days: list
    date_labels: list
    description: str

    @property
    def panels(self):
        return (self.vitamin_d, self.k2)

    @property
    def k2_legend(self):
        """[(status, label)]: the K2 bars take the colour of the day's status."""
        return K2_LEGEND

    # The bars and bands as one SVG path each, not an element a day: a year has some 1,400 of those boxes.

    @property
    def vitamin_d_bars(self):
        """SVG path data: every day's vitamin D bar."""
        return _path_of(day.vitamin_d_bar for day in self.days)

    @property
    def k2_bars(self):
        """[(status, SVG path data)]: the K2 bars of the days of each status, so each takes its status's colour."""
        return [
            (status, _path_of(day.k2_bar for day in self.days if day.status == status))
            for status in guidance.STATUSES
            if any(day.status == status for day in self.days)
        ]

    @property
    def k2_bands(self):
        """SVG path data: the K2 target of every day that has one."""
        return _path_of(day.k2_band for day in self.days if day.k2_band)


class Scale:
    """Maps amounts from 0 to a round top value onto a panel, from its bottom up."""

    def __init__(self, largest, *, top, bottom):
        self.maximum = round_up(largest)
        self.top, self.bottom = top, bottom

    def y(self, amount):
        return _coordinate(self.bottom - float(amount / self.maximum) * (self.bottom - self.top))

    def ticks(self):
        return [Tick(self.y(amount), intake_amount(amount)) for amount in (0, self.maximum / 2, self.maximum)]


def round_up(amount):
    """The smallest of 1, 2 or 5 × a power of ten at or above `amount` (> 0): 87 → 100, 130 → 200, 0.3 → 0.5."""
    amount = Decimal(amount)
    power = Decimal(1).scaleb(amount.adjusted())
    for step in (1, 2, 5, 10):
        if amount <= step * power:
            return step * power
    raise AssertionError("unreachable: amount <= 10 × 10^adjusted")


def history_chart(history, vitamin_d_unit=Profile.VitaminDUnit.IU):
    """The chart of a non-empty list of HistoryDay, vitamin D in `vitamin_d_unit`."""
    day_width = PLOT_WIDTH / len(history)
    vitamin_d_days = [_vitamin_d(day.vitamin_d_iu, vitamin_d_unit) for day in history]
    vitamin_d_weeks = [_vitamin_d(day.week_vitamin_d_iu_avg, vitamin_d_unit) for day in history]
    k2_days = [day.k2_equivalent_ug for day in history]
    k2_weeks = [day.week_k2_equivalent_ug_avg for day in history]
    k2_targets = [bound for day in history for bound in (day.guidance.target.min_ug, day.guidance.target.max_ug)]

    vitamin_d_top = LABEL_ROOM
    vitamin_d_scale = Scale(
        _largest(vitamin_d_days, vitamin_d_weeks, [_vitamin_d(SMALLEST_SCALE_VITAMIN_D_IU, vitamin_d_unit)]),
        top=vitamin_d_top,
        bottom=vitamin_d_top + PANEL_HEIGHT,
    )
    k2_top = vitamin_d_scale.bottom + LABEL_ROOM
    k2_scale = Scale(
        _largest(k2_days, k2_weeks, k2_targets, [SMALLEST_SCALE_K2_UG]), top=k2_top, bottom=k2_top + PANEL_HEIGHT
    )

    name_of = day_labeller()
    days = []
    for index, day in enumerate(history):
        x = LEFT + index * day_width
        days.append(
            ChartDay(
                day=day.day,
                column=_box(x, day_width, vitamin_d_scale.top, k2_scale.bottom),
                vitamin_d_bar=_bar(x, day_width, vitamin_d_scale, vitamin_d_days[index]),
                k2_bar=_bar(x, day_width, k2_scale, k2_days[index]),
                k2_band=_band(x, day_width, k2_scale, day.guidance.target),
                status=day.status,
                tooltip=tooltip(day, vitamin_d_unit, day_name=name_of(day.day)),
            )
        )
    unit = unit_label(vitamin_d_unit)
    first, last = format_date(history[0].day, "j M Y"), format_date(history[-1].day, "j M Y")
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        tick_x=LEFT - TEXT_GAP,
        date_y=HEIGHT - TEXT_GAP,
        vitamin_d=_panel(f"Vitamin D a day ({unit})", vitamin_d_scale, vitamin_d_weeks, day_width),
        k2=_panel("K2 a day, MK-7 equivalent (µg)", k2_scale, k2_weeks, day_width),
        days=days,
        date_labels=_date_labels(history, day_width),
        description=(
            f"Chart of vitamin D ({unit}) and K2 (MK-7 equivalent, µg) a day, with the K2 target and the 7-day "
            f"averages, from {first} to {last}. The table below gives the same figures."
        ),
    )


def tooltip(day, vitamin_d_unit, *, day_name):
    """What a day's column says on hover: its figures, its status and target, its 7-day averages."""
    if not day.is_logged:
        return f"{day_name}: nothing logged"
    unit = unit_label(vitamin_d_unit)
    line = totals_line(day.totals, day)
    vitamin_d = _reads(line.vitamin_d_ug, lambda ug: f"{intake_amount(vitamin_d_in(ug, vitamin_d_unit))} {unit}")
    k2 = _reads(line.k2_equivalent_ug, lambda ug: f"{intake_amount(ug)} µg")
    status = day.guidance.status_label
    if day.guidance.target.exists:
        status = f"{status} ({k2_target(day.guidance.target)})"
    vitamin_d_avg = intake_amount(_vitamin_d(day.week_vitamin_d_iu_avg, vitamin_d_unit))
    return (
        f"{day_name}: vitamin D {vitamin_d}, K2 (MK-7 eq.) {k2}. {status}. "
        f"7-day averages: vitamin D {vitamin_d_avg} {unit}, K2 {intake_amount(day.week_k2_equivalent_ug_avg)} µg."
    )


def _reads(amount, formatted):
    return "not measured" if amount is None else formatted(amount)


def _vitamin_d(iu, unit):
    return iu if unit == Profile.VitaminDUnit.IU else vitamin_d_iu_to_ug(iu)


def _largest(*amounts):
    return max(amount for some in amounts for amount in some if amount is not None)


def _coordinate(value):
    return round(value, 1)


def _path_of(boxes):
    """SVG path data drawing `boxes` as rectangles; one with no height draws nothing and is left out."""
    return "".join(f"M{box.x:g} {box.y:g}h{box.width:g}v{box.height:g}h-{box.width:g}z" for box in boxes if box.height)


def _box(x, width, top, bottom):
    return Box(_coordinate(x), _coordinate(top), _coordinate(width), _coordinate(bottom - top))


def _bar(x, day_width, scale, amount):
    width = min(day_width * BAR_SHARE, WIDEST_BAR)
    return _box(x + (day_width - width) / 2, width, scale.y(amount), scale.bottom)


def _band(x, day_width, scale, target):
    """The target from its minimum to its maximum, or up to the panel's top when it has none."""
    if not target.exists:
        return None
    top = scale.top if target.max_ug is None else scale.y(target.max_ug)
    return _box(x, day_width, top, scale.y(target.min_ug))


def _panel(title, scale, averages, day_width):
    path = [f"M{LEFT:g},{scale.y(averages[0]):g}"]
    for index, average in enumerate(averages):
        if index:
            path.append(f"V{scale.y(average):g}")
        path.append(f"H{_coordinate(LEFT + (index + 1) * day_width):g}")
    return Panel(title, scale.top - TITLE_OFFSET, scale.top, scale.bottom, scale.ticks(), "".join(path))


def _date_labels(history, day_width):
    """Up to seven dates under the chart, evenly spread, the first and the last among them."""
    count = min(len(history), MOST_DATE_LABELS)
    if count == 1:
        indexes = [0]
    else:
        indexes = sorted({round(n * (len(history) - 1) / (count - 1)) for n in range(count)})
    return [
        DateLabel(_coordinate(LEFT + (index + 0.5) * day_width), format_date(history[index].day, "j M"))
        for index in indexes
    ]
