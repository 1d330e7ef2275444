import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests.tracker.factories import DAY
from tracker import charts
from tracker.charts import history_chart, round_up
from tracker.guidance import Guidance, Target, status_of
from tracker.history import HistoryDay
from tracker.totals import NutrientTotals

RULES = SimpleNamespace(name="Clinical table", mk4_per_mk7_equivalent=Decimal(10))
NO_TARGET = (None, None)

# Where the panels are, in the chart's own units.
D_TOP = charts.LABEL_ROOM
D_BOTTOM = D_TOP + charts.PANEL_HEIGHT
K2_TOP = D_BOTTOM + charts.LABEL_ROOM
K2_BOTTOM = K2_TOP + charts.PANEL_HEIGHT
PLOT_RIGHT = charts.WIDTH - charts.RIGHT


def a_day(back=0, *, vitamin_d_iu=0, k2_ug=0, target=NO_TARGET, week_vitamin_d_iu=0, week_k2_ug=0, entries=1):
    """A HistoryDay `back` days before DAY, from free doses: vitamin D and MK-7 known, nothing else logged."""
    vitamin_d_iu, k2_ug = Decimal(vitamin_d_iu), Decimal(k2_ug)
    amounts = {"vitamin_d_ug": vitamin_d_iu / 40, "k2_mk7_ug": k2_ug} if entries else {}
    k2_target = Target(*target, advice="")
    return HistoryDay(
        day=DAY - timedelta(days=back),
        totals=NutrientTotals(amounts),
        k2_equivalent_ug=k2_ug,
        vitamin_d_iu=vitamin_d_iu,
        guidance=Guidance(RULES, vitamin_d_iu, k2_ug, k2_target, status_of(k2_ug, k2_target)),
        warnings=[],
        week_vitamin_d_iu_avg=Decimal(week_vitamin_d_iu),
        week_k2_equivalent_ug_avg=Decimal(week_k2_ug),
        week_guidance=Guidance(RULES, Decimal(week_vitamin_d_iu), Decimal(week_k2_ug), Target(None, None, ""),
                               "no_target"),
        entry_count=entries,
        logged_warnings=[],
    )


def bottom(box):
    return round(box.y + box.height, 1)


def right(box):
    return round(box.x + box.width, 1)


# Scales


@pytest.mark.parametrize(
    "amount, top",
    [(87, 100), (100, 100), (130, 200), (201, 500), (5000, 5000), (7142, 10000), (Decimal("0.3"), Decimal("0.5"))],
)
def test_a_scale_tops_at_1_2_or_5_times_a_power_of_ten(amount, top):
    assert round_up(amount) == top


def test_the_largest_day_reaches_the_top_of_its_panel_and_half_of_it_half_way():
    chart = history_chart([a_day(1, vitamin_d_iu=2500, k2_ug=100), a_day(0, vitamin_d_iu=5000, k2_ug=50)])

    tall, short = chart.days[1].vitamin_d_bar, chart.days[0].vitamin_d_bar
    assert (tall.y, bottom(tall)) == (D_TOP, D_BOTTOM)
    assert (short.y, bottom(short)) == (D_TOP + charts.PANEL_HEIGHT / 2, D_BOTTOM)
    assert chart.days[0].k2_bar.y == K2_TOP
    assert [tick.label for tick in chart.vitamin_d.ticks] == ["0", "2,500", "5,000"]
    assert [tick.y for tick in chart.k2.ticks] == [K2_BOTTOM, K2_TOP + charts.PANEL_HEIGHT / 2, K2_TOP]


def test_the_k2_scale_makes_room_for_the_target_and_the_averages():
    chart = history_chart([a_day(vitamin_d_iu=3000, k2_ug=20, target=(100, 200), week_vitamin_d_iu=8000)])
    assert chart.k2.ticks[-1].label == "200"
    assert chart.vitamin_d.ticks[-1].label == "10,000"


def test_an_empty_range_draws_flat_on_a_scale_of_1000_iu_and_100_ug():
    chart = history_chart([a_day(back, entries=0) for back in range(6, -1, -1)])

    assert (chart.vitamin_d.ticks[-1].label, chart.k2.ticks[-1].label) == ("1,000", "100")
    assert {day.vitamin_d_bar.height for day in chart.days} == {0}
    assert {day.k2_bar.height for day in chart.days} == {0}
    assert {day.k2_band for day in chart.days} == {None}


def test_vitamin_d_is_drawn_in_the_users_unit():
    chart = history_chart([a_day(vitamin_d_iu=5000)], "ug")
    assert chart.vitamin_d.title == "Vitamin D a day (µg)"
    assert [tick.label for tick in chart.vitamin_d.ticks] == ["0", "100", "200"]
    assert chart.days[0].vitamin_d_bar.y == D_TOP + charts.PANEL_HEIGHT * 75 / 200


# Days along the x axis


def test_the_days_share_the_plot_width_oldest_first():
    history = [a_day(back) for back in range(29, -1, -1)]
    columns = [day.column for day in history_chart(history).days]

    assert [day.day for day in history_chart(history).days] == [day.day for day in history]
    assert (columns[0].x, right(columns[-1])) == (charts.LEFT, PLOT_RIGHT)
    assert {column.width for column in columns} == {round(charts.PLOT_WIDTH / 30, 1)}
    assert {(column.y, bottom(column)) for column in columns} == {(D_TOP, K2_BOTTOM)}


def test_a_single_day_fills_the_plot_with_one_bar_no_wider_than_40():
    [day] = history_chart([a_day(vitamin_d_iu=1000)]).days

    assert (day.column.x, right(day.column)) == (charts.LEFT, PLOT_RIGHT)
    assert day.vitamin_d_bar.width == charts.WIDEST_BAR
    assert day.vitamin_d_bar.x == round(charts.LEFT + (charts.PLOT_WIDTH - charts.WIDEST_BAR) / 2, 1)


def test_there_are_at_most_seven_dates_the_first_and_the_last_among_them():
    history = [a_day(back) for back in range(364, -1, -1)]

    labels = history_chart(history).date_labels

    assert len(labels) == 7
    assert (labels[0].text, labels[-1].text) == ("21 Nov", "20 Nov")
    assert [label.text for label in history_chart(history[-3:]).date_labels] == ["18 Nov", "19 Nov", "20 Nov"]


# The target band and the averages


def test_the_target_band_spans_the_targets_minimum_to_its_maximum():
    chart = history_chart([a_day(vitamin_d_iu=3000, target=(100, 200), k2_ug=150)])
    band = chart.days[0].k2_band
    assert (band.y, bottom(band)) == (K2_TOP, K2_TOP + charts.PANEL_HEIGHT / 2)


def test_a_target_without_maximum_reaches_the_top_of_the_panel():
    chart = history_chart([a_day(vitamin_d_iu=6000, target=(200, None), k2_ug=50)])
    band = chart.days[0].k2_band
    assert (band.y, bottom(band)) == (K2_TOP, K2_BOTTOM - charts.PANEL_HEIGHT * 200 / 200)
    assert chart.days[0].status == "below"


def test_a_day_without_target_has_no_band():
    assert history_chart([a_day(vitamin_d_iu=500, k2_ug=10)]).days[0].k2_band is None


def test_the_average_is_a_level_line_across_each_day():
    history = [a_day(1, week_k2_ug=100), a_day(0, week_k2_ug=50)]

    path = history_chart(history).k2.average_path

    middle = round(charts.LEFT + charts.PLOT_WIDTH / 2, 1)
    assert path == f"M{charts.LEFT:g},{K2_TOP:g}H{middle:g}V{K2_TOP + charts.PANEL_HEIGHT / 2:g}H{PLOT_RIGHT:g}"


# Drawn as one path a series


def boxes_of(path):
    """The rectangles an SVG path of the chart draws, as Boxes."""
    found = re.findall(r"M([\d.]+) ([\d.]+)h([\d.]+)v([\d.]+)h-\3z", path)
    assert "".join(f"M{x} {y}h{w}v{h}h-{w}z" for x, y, w, h in found) == path, "a path of rectangles only"
    return [charts.Box(*(float(number) for number in box)) for box in found]


def test_a_bar_is_a_rectangle_of_the_path():
    chart = history_chart([a_day(vitamin_d_iu=1000)])
    assert chart.vitamin_d_bars == "M376 32h40v140h-40z"


def test_the_vitamin_d_path_draws_every_days_bar():
    chart = history_chart([a_day(back, vitamin_d_iu=500 * back + 100) for back in range(9, -1, -1)])
    assert boxes_of(chart.vitamin_d_bars) == [day.vitamin_d_bar for day in chart.days]


def test_the_k2_bars_are_a_path_for_each_status_in_its_colour():
    history = [
        a_day(3, vitamin_d_iu=3000, k2_ug=150, target=(100, 200)),
        a_day(2, vitamin_d_iu=3000, k2_ug=50, target=(100, 200)),
        a_day(1, k2_ug=20),
        a_day(0, vitamin_d_iu=3000, k2_ug=120, target=(100, 200)),
    ]

    chart = history_chart(history)

    bars = {status: boxes_of(path) for status, path in chart.k2_bars}
    within, below, no_target, within_again = (day.k2_bar for day in chart.days)
    assert list(bars) == ["no_target", "below", "within"]
    assert bars == {"no_target": [no_target], "below": [below], "within": [within, within_again]}


def test_the_band_path_draws_the_target_of_the_days_that_have_one():
    history = [
        a_day(2, vitamin_d_iu=3000, target=(100, 200)),
        a_day(1),
        a_day(0, vitamin_d_iu=6000, k2_ug=400, target=(200, None)),
    ]

    chart = history_chart(history)

    assert boxes_of(chart.k2_bands) == [chart.days[0].k2_band, chart.days[2].k2_band]


def test_a_bar_of_nothing_is_left_out_of_its_path():
    chart = history_chart([a_day(1, vitamin_d_iu=1000), a_day(0, entries=0)])

    assert boxes_of(chart.vitamin_d_bars) == [chart.days[0].vitamin_d_bar]
    assert chart.k2_bars == [("no_target", "")]


# Tooltips and the description


def test_each_day_says_its_figures_on_hover():
    history = [
        a_day(1, entries=0),
        a_day(0, vitamin_d_iu=5000, k2_ug=Decimal("187.8"), target=(100, 200), week_vitamin_d_iu=Decimal("714.29"),
              week_k2_ug=Decimal("26.83")),
    ]

    nothing, something = (day.tooltip for day in history_chart(history).days)

    assert nothing == "Thu 19 Nov 2026: nothing logged"
    assert something == (
        "Fri 20 Nov 2026: vitamin D 5,000 IU, K2 (MK-7 eq.) 187.8 µg. Within the K2 target (100–200 µg). "
        "7-day averages: vitamin D 714.3 IU, K2 26.8 µg."
    )


def test_a_figure_nobody_measured_reads_not_measured():
    an_apple = replace(a_day(0), totals=NutrientTotals({}, items=1))  # an item with no values at all

    [day] = history_chart([an_apple]).days

    assert "vitamin D not measured, K2 (MK-7 eq.) not measured. No K2 target." in day.tooltip


def test_the_chart_describes_itself_for_screen_readers():
    chart = history_chart([a_day(1), a_day(0)])
    assert chart.description == (
        "Chart of vitamin D (IU) and K2 (MK-7 equivalent, µg) a day, with the K2 target and the 7-day averages, "
        "from 19 Nov 2026 to 20 Nov 2026. The table below gives the same figures."
    )
