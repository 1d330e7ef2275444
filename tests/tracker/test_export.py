from datetime import date, time, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from foods import nutrients
from tests.factories import make_item, make_source
from tests.tracker.factories import DAY, log_dose, log_item, make_d3_softgel, make_natto
from tracker import history
from tracker.export import DAY_HEADER, day_rows, entry_rows, spreadsheet_safe
from tracker.models import Profile

pytestmark = pytest.mark.django_db

NUTRIENT_CODES = [nutrient.code for nutrient in nutrients.NUTRIENTS]


def exported_entries(user, **kw):
    """{column: cell} for each entry row of `user`'s export."""
    header, *rows = entry_rows(user, **kw)
    return [dict(zip(header, row, strict=True)) for row in rows]


def only_entry(user):
    (row,) = exported_entries(user)
    return row


# Columns


def test_it_starts_with_a_header_naming_what_was_logged_then_each_nutrient_and_its_source(alice):
    header = next(entry_rows(alice))

    assert header[:8] == ["day", "time", "meal", "item", "kind", "brand", "quantity", "unit"]
    assert header[8:] == [column for code in NUTRIENT_CODES for column in (code, f"{code}_source")]
    assert "vitamin_d_ug" in header and "k2_mk7_ug_source" in header and "energy_kcal" in header


def test_a_user_with_no_entries_gets_the_header_alone(alice):
    assert len(list(entry_rows(alice))) == 1


def test_a_food_in_grams_gives_every_nutrient_it_has_and_its_source(alice):
    log_item(alice, make_natto(), grams=20, meal="lunch", time=time(12, 30))

    row = only_entry(alice)

    assert [row[column] for column in ("day", "time", "meal", "item", "kind", "brand", "quantity", "unit")] == [
        "2026-11-20", "12:30", "Lunch", "Natto", "food", "", "20", "g",
    ]
    assert row["k2_mk7_ug"] == "187.8"
    assert row["fat_g"] == "2.2"
    assert row["protein_g"] == "3.88"
    assert row["energy_kcal"] == "42.4"
    assert row["k2_mk7_ug_source"] == row["energy_kcal_source"] == "A test table, 2024"


def test_an_unknown_value_is_an_empty_cell_and_a_measured_zero_is_0(alice):
    egg_white = make_item("Egg white", values={"vitamin_d_ug": 0, "fat_g": "0.2"})
    log_item(alice, egg_white, grams=100)

    row = only_entry(alice)

    assert row["vitamin_d_ug"] == "0"
    assert row["vitamin_d_ug_source"] == "A test table, 2024"
    assert row["k2_mk7_ug"] == ""
    assert row["k2_mk7_ug_source"] == ""
    assert row["calcium_mg"] == ""


def test_each_value_names_its_own_source(alice):
    usda = make_source(key="usda-sr28", kind="usda_sr28", citation="USDA SR28, 2016")
    table = make_source(key="kamao-2007", citation="Kamao et al. 2007")
    cheese = make_item("Gouda", values={"fat_g": 27}, source=usda)
    make_item_value(cheese, "k2_other_ug", 60, table)
    log_item(alice, cheese, grams=50)

    row = only_entry(alice)

    assert (row["fat_g"], row["fat_g_source"]) == ("13.5", "USDA SR28, 2016")
    assert (row["k2_other_ug"], row["k2_other_ug_source"]) == ("30", "Kamao et al. 2007")


def make_item_value(item, code, amount, source):
    item.nutrient_values.create(nutrient=code, amount=amount, source=source)


def test_a_source_without_a_citation_is_named_by_its_key(alice):
    log_item(alice, make_item("Kale", values={"k1_ug": 390}, source=make_source(key="kale-label", citation="")),
             grams=100)

    assert only_entry(alice)["k1_ug_source"] == "kale-label"


def test_a_portion_gives_its_label_as_the_unit_and_counts_its_weight(alice):
    natto = make_natto()
    log_item(alice, natto, portion=natto.portions.get(), count=2)

    row = only_entry(alice)

    assert (row["quantity"], row["unit"]) == ("2", "1 serving (3 oz)")
    assert row["k2_mk7_ug"] == "1596.3"  # 939 µg per 100 g × 2 × 85 g
    assert row["fat_g"] == "18.7"


def test_a_supplement_gives_its_kind_brand_and_units(alice):
    softgel = make_d3_softgel()
    softgel.brand = "Sunny"
    softgel.save()
    log_item(alice, softgel, units=2, meal="dinner")

    row = only_entry(alice)

    assert [row[column] for column in ("meal", "item", "kind", "brand", "quantity", "unit")] == [
        "Dinner", "Vitamin D3 5,000 IU", "supplement", "Sunny", "2", "unit",
    ]
    assert (row["vitamin_d_ug"], row["vitamin_d_ug_source"]) == ("250", "Generic label")
    assert row["k2_mk7_ug"] == ""


def test_a_free_dose_gives_its_nutrient_as_typed_and_stored_and_nothing_else(alice):
    log_dose(alice, "vitamin_d_ug", 50000, "IU")

    row = only_entry(alice)

    assert [row[column] for column in ("item", "kind", "brand", "quantity", "unit")] == [
        "Vitamin D (D2 + D3)", "dose", "", "50000", "IU",
    ]
    assert row["vitamin_d_ug"] == "1250"
    assert row["k2_mk7_ug"] == row["calcium_mg"] == "0"
    assert {row[f"{code}_source"] for code in NUTRIENT_CODES} == {"your dose"}


def test_an_entry_without_a_time_has_an_empty_time(alice):
    log_dose(alice, "k2_mk7_ug", 100, "ug")
    assert only_entry(alice)["time"] == ""


# Whose entries, in what order


def test_it_never_includes_another_users_entries(alice, bob):
    natto = make_natto()
    log_item(alice, natto, grams=20)
    log_item(bob, natto, grams=300)
    log_dose(bob, "vitamin_d_ug", 50000, "IU")

    assert [row["quantity"] for row in exported_entries(alice)] == ["20"]


def test_it_lists_entries_by_day_then_time(alice):
    natto = make_natto()
    log_item(alice, natto, grams=3, day=DAY, time=time(19, 0))
    log_item(alice, natto, grams=1, day=DAY - timedelta(days=1), time=time(20, 0))
    log_item(alice, natto, grams=2, day=DAY, time=time(7, 0))

    assert [row["quantity"] for row in exported_entries(alice)] == ["1", "2", "3"]


def test_entries_without_a_time_come_last_in_their_day_in_the_order_they_were_logged(alice):
    natto = make_natto()
    log_item(alice, natto, grams=3, day=DAY)
    log_item(alice, natto, grams=4, day=DAY)
    log_item(alice, natto, grams=2, day=DAY, time=time(23, 0))
    log_item(alice, natto, grams=1, day=DAY - timedelta(days=1))

    assert [row["quantity"] for row in exported_entries(alice)] == ["1", "2", "3", "4"]


# Formula injection


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)"])
def test_a_name_a_spreadsheet_would_run_is_written_as_text(alice, name):
    own = make_item(name, owner=alice, brand="=cmd|' /C calc'!A0", values={"fat_g": 1})
    log_item(alice, own, grams=10)

    row = only_entry(alice)

    assert row["item"] == f"'{name}"
    assert row["brand"] == "'=cmd|' /C calc'!A0"


def test_a_source_or_portion_a_spreadsheet_would_run_is_written_as_text(alice):
    own = make_item("Own bread", owner=alice, values={"fat_g": 1}, source=make_source(key="mine", citation="=1+1"),
                    portions={"@slice": 30})
    log_item(alice, own, portion=own.portions.get(), count=1)

    row = only_entry(alice)

    assert row["unit"] == "'@slice"
    assert row["fat_g_source"] == "'=1+1"


@pytest.mark.parametrize(
    ("text", "safe"),
    [("Natto", "Natto"), ("", ""), ("a=b", "a=b"), ("=1", "'=1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"),
     ("\t=1", "'\t=1"), ("\r=1", "'\r=1")],
)
def test_spreadsheet_safe_quotes_only_what_starts_like_a_formula(text, safe):
    assert spreadsheet_safe(text) == safe


# Reading in chunks


def log_entries(user, count):
    natto, softgel = make_natto(), make_d3_softgel()
    for number in range(count):
        item, amount = (natto, {"grams": number + 1}) if number % 2 else (softgel, {"units": 1})
        log_item(user, item, day=DAY - timedelta(days=number), **amount)


def queries_to_export(user, **kw):
    """(queries, entry rows) of reading `user`'s whole export."""
    with CaptureQueriesContext(connection) as captured:
        rows = list(entry_rows(user, **kw))
    return len(captured), len(rows) - 1


def test_10_or_100_entries_cost_the_same_queries_within_a_chunk(alice):
    log_entries(alice, 10)
    ten = queries_to_export(alice)
    log_entries(alice, 90)
    hundred = queries_to_export(alice)

    assert ten == (3, 10)  # the entries with their portions, then the chunk's items, then their values and sources
    assert hundred == (3, 100)


def test_each_further_chunk_costs_two_queries(alice):
    log_entries(alice, 100)

    assert queries_to_export(alice, chunk_size=25) == (1 + 2 * 4, 100)
    assert queries_to_export(alice, chunk_size=30) == (1 + 2 * 4, 100)
    assert queries_to_export(alice, chunk_size=100) == (1 + 2 * 1, 100)


def test_every_chunk_gets_its_own_values(alice):
    log_entries(alice, 7)

    rows = exported_entries(alice, chunk_size=2)

    assert [row["kind"] for row in rows] == ["supplement", "food"] * 3 + ["supplement"]
    assert all(row["vitamin_d_ug"] == "125" for row in rows if row["kind"] == "supplement")
    assert [row["k2_mk7_ug"] for row in rows if row["kind"] == "food"] == ["56.34", "37.56", "18.78"]


# Days


def exported_days(user, **kw):
    """{column: cell} for each day row of `user`'s export."""
    header, *rows = day_rows(user, **kw)
    return [dict(zip(header, row, strict=True)) for row in rows]


def exported_day(user, day):
    (row,) = [row for row in exported_days(user) if row["day"] == day.isoformat()]
    return row


def test_the_days_header_names_every_nutrient_then_the_guidance_and_the_week(alice):
    header = next(day_rows(alice))

    assert header[:2] == ["day", "entries"]
    assert header[2:2 + len(NUTRIENT_CODES)] == NUTRIENT_CODES
    assert header[2 + len(NUTRIENT_CODES):] == [
        "vitamin_d_iu", "k2_total_ug", "k2_mk7_equivalent_ug", "items_without_vitamin_d_data",
        "items_without_k2_data", "k2_target_min_ug", "k2_target_max_ug", "status", "warnings",
        "week_vitamin_d_iu_avg", "week_k2_mk7_equivalent_ug_avg", "week_k2_target_min_ug", "week_k2_target_max_ug",
        "week_status",
    ]


def test_a_user_who_logged_nothing_gets_the_days_header_alone(alice):
    assert len(list(day_rows(alice))) == 1


def test_a_day_gives_its_totals_guidance_warnings_and_week(alice):
    log_item(alice, make_natto(), grams=20)
    log_item(alice, make_d3_softgel(), units=1)

    row = exported_day(alice, DAY)

    assert row["entries"] == "2"
    assert (row["vitamin_d_ug"], row["vitamin_d_iu"]) == ("125", "5000")
    assert row["k2_mk7_ug"] == row["k2_total_ug"] == row["k2_mk7_equivalent_ug"] == "187.8"
    assert row["fat_g"] == "2.2"
    assert row["items_without_vitamin_d_data"] == row["items_without_k2_data"] == "1"
    assert (row["k2_target_min_ug"], row["k2_target_max_ug"], row["status"]) == ("100", "200", "within")
    # The softgel came with 2.2 g of fat in the same meal: under the 5 g that carries it.
    assert row["warnings"] == "no_fat_with_supplement"
    assert row["week_vitamin_d_iu_avg"] == "714.2857"  # 5,000 IU over 7 days
    assert row["week_k2_mk7_equivalent_ug_avg"] == "26.8286"
    assert (row["week_k2_target_min_ug"], row["week_k2_target_max_ug"]) == ("", "")
    assert row["week_status"] == "no_target"


def test_a_day_agrees_with_the_day_page(alice):
    from tracker.days import summarize_day

    natto, softgel = make_natto(), make_d3_softgel(iu=2000)
    for back, grams in enumerate([5, 40, 0, 12]):
        if grams:
            log_item(alice, natto, grams=grams, day=DAY - timedelta(days=back), meal="dinner")
        log_item(alice, softgel, units=back + 1, day=DAY - timedelta(days=back), meal="dinner")

    for row in exported_days(alice):
        summary = summarize_day(alice, date.fromisoformat(row["day"]))
        assert Decimal(row["vitamin_d_iu"]) == summary.totals.vitamin_d_iu
        # The day of the softgel alone knows no K2 ("—" on the page), which guidance counts as none.
        assert Decimal(row["k2_mk7_equivalent_ug"] or 0) == summary.guidance.k2_equivalent_ug
        assert row["status"] == summary.guidance.status
        assert row["warnings"].split() == [warning.code for warning in summary.warnings]
        assert row["week_status"] == summary.week.guidance.status
    assert {row["status"] for row in exported_days(alice)} == {"below", "within", "above"}


def test_a_nutrient_no_logged_item_has_is_empty_and_a_measured_zero_is_0(alice):
    log_item(alice, make_item("Egg white", values={"vitamin_d_ug": 0, "fat_g": "0.2"}), grams=100)

    row = exported_day(alice, DAY)

    assert (row["vitamin_d_ug"], row["vitamin_d_iu"]) == ("0", "0")
    assert row["k2_mk7_ug"] == row["k2_total_ug"] == row["k2_mk7_equivalent_ug"] == ""
    assert row["items_without_k2_data"] == "1"
    assert row["status"] == "no_target"


def test_a_day_of_free_doses_alone_had_none_of_the_rest(alice):
    log_dose(alice, "vitamin_d_ug", 50000, "IU")
    log_dose(alice, "k2_mk7_ug", 400, "ug")

    row = exported_day(alice, DAY)

    assert (row["vitamin_d_ug"], row["vitamin_d_iu"], row["k2_mk7_equivalent_ug"]) == ("1250", "50000", "400")
    assert row["calcium_mg"] == row["k2_mk4_ug"] == "0"
    assert (row["k2_target_min_ug"], row["k2_target_max_ug"], row["status"]) == ("200", "", "within")
    assert row["warnings"] == "high_vitamin_d k2_above_studied no_fat_with_supplement"


def test_it_runs_from_the_first_logged_day_to_the_last_with_the_days_between(alice, bob):
    log_dose(alice, "vitamin_d_ug", 50000, "IU", day=DAY - timedelta(days=3))
    log_dose(alice, "vitamin_d_ug", 1000, "IU", day=DAY)
    log_dose(bob, "vitamin_d_ug", 1000, "IU", day=DAY - timedelta(days=30))
    log_dose(bob, "vitamin_d_ug", 1000, "IU", day=DAY + timedelta(days=30))

    rows = exported_days(alice)

    assert [row["day"] for row in rows] == ["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]
    assert [row["entries"] for row in rows] == ["1", "0", "0", "1"]
    assert [row["vitamin_d_iu"] for row in rows] == ["50000", "0", "0", "1000"]
    assert rows[-1]["week_vitamin_d_iu_avg"] == "7285.7143"  # (50,000 + 1,000) / 7


def test_it_never_counts_another_users_entries(alice, bob):
    natto = make_natto()
    log_item(alice, natto, grams=20)
    log_item(bob, natto, grams=300)
    log_dose(bob, "vitamin_d_ug", 50000, "IU", day=DAY - timedelta(days=1))

    rows = exported_days(alice)

    assert [(row["day"], row["entries"], row["k2_mk7_ug"]) for row in rows] == [("2026-11-20", "1", "187.8")]
    assert rows[0]["week_vitamin_d_iu_avg"] == "0"


def test_days_summed_in_several_calls_read_as_in_one(alice):
    for back in range(0, 30, 7):
        log_dose(alice, "vitamin_d_ug", 50000, "IU", day=DAY - timedelta(days=back))
    log_item(alice, make_natto(), grams=10, day=DAY - timedelta(days=12))

    in_one = list(day_rows(alice))
    in_calls_of_4 = list(day_rows(alice, days_per_call=4))

    assert in_calls_of_4 == in_one
    assert len(in_one) == 1 + 29
    assert {row[DAY_HEADER.index("week_vitamin_d_iu_avg")] for row in in_one[1:]} == {"7142.8571"}


def test_it_asks_the_history_for_at_most_366_days_at_a_time(alice):
    log_dose(alice, "vitamin_d_ug", 1000, "IU", day=DAY - timedelta(days=799))
    log_dose(alice, "vitamin_d_ug", 1000, "IU", day=DAY)

    with mock.patch("tracker.export.day_history", wraps=history.day_history) as day_history:
        rows = list(day_rows(alice))

    spans = [(last - first).days + 1 for _, first, last in (call.args for call in day_history.call_args_list)]
    assert spans == [366, 366, 68]
    assert len(rows) == 1 + 800
    assert rows[1][0] == "2024-09-12" and rows[-1][0] == "2026-11-20"


def queries_for_days(user, **kw):
    with CaptureQueriesContext(connection) as captured:
        list(day_rows(user, **kw))
    return len(captured)


def test_the_days_cost_the_same_queries_for_a_week_or_a_year_and_more_only_per_call(alice):
    Profile.objects.for_user(alice)  # made on first use: a write the first export would count
    log_dose(alice, "vitamin_d_ug", 1000, "IU", day=DAY - timedelta(days=6))
    log_dose(alice, "vitamin_d_ug", 1000, "IU", day=DAY)
    a_week = queries_for_days(alice)
    for back in range(0, 360, 3):
        log_dose(alice, "k2_mk7_ug", 100, "ug", day=DAY - timedelta(days=back))
    a_year = queries_for_days(alice)

    assert a_year == a_week
    # The first and last logged day, then the history's own queries for each call.
    per_call = a_week - 1
    assert queries_for_days(alice, days_per_call=100) == 1 + 4 * per_call
