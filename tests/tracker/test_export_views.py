import csv
import io
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.template.loader import render_to_string

from tests.tracker.factories import DAY, log_dose, log_item, make_d3_softgel, make_natto
from tracker.export_views import csv_pieces
from tracker.models import Entry, Profile

pytestmark = pytest.mark.django_db

ENTRIES_URL = "/history/export/entries.csv"
DAYS_URL = "/history/export/days.csv"


def csv_of(response):
    """The rows of a streamed CSV download, each as {column: cell}."""
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


# Both downloads


@pytest.mark.parametrize(
    ("url", "filename"), [(ENTRIES_URL, "tandem-entries-2026-11-21.csv"), (DAYS_URL, "tandem-days-2026-11-21.csv")]
)
def test_it_streams_a_csv_download_named_after_the_users_today(client, alice, url, filename):
    # 20:00 UTC on 20 November is already 21 November in Auckland (NZDT, UTC+13).
    Profile.objects.filter(pk=Profile.objects.for_user(alice).pk).update(timezone="Pacific/Auckland")
    client.force_login(alice)

    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 11, 20, 20, 0, tzinfo=UTC)):
        response = client.get(url)

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


@pytest.mark.parametrize("url", [ENTRIES_URL, DAYS_URL])
def test_no_cache_keeps_a_copy(alice_client, url):
    cache_control = {part.strip() for part in alice_client.get(url)["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


# Entries


def test_the_entries_csv_matches_the_database(alice_client, alice):
    natto, softgel = make_natto(), make_d3_softgel()
    log_item(alice, natto, grams=20, day=DAY - timedelta(days=1), meal="dinner", time=time(19, 5))
    log_item(alice, natto, portion=natto.portions.get(), count=2, meal="lunch")
    log_item(alice, softgel, units=1, meal="breakfast", time=time(8, 0))
    log_dose(alice, "vitamin_d_ug", 50000, "IU", meal="snack")

    rows = csv_of(alice_client.get(ENTRIES_URL))

    entries = sorted(Entry.objects.for_user(alice), key=lambda entry: (entry.day, entry.time or time.max, entry.pk))
    assert len(rows) == len(entries) == 4
    for row, entry in zip(rows, entries, strict=True):
        assert row["day"] == entry.day.isoformat()
        assert row["item"] == entry.label
        assert row["meal"] == entry.get_meal_display()
        assert Decimal(row["quantity"]) == entry.quantity
        for code, amount in entry.nutrient_amounts().items():
            assert (Decimal(row[code]) if row[code] else None) == amount
    assert [row["unit"] for row in rows] == ["g", "unit", "1 serving (3 oz)", "IU"]
    assert rows[0]["time"] == "19:05"
    assert rows[2]["k2_mk7_ug"] == "1596.3"
    assert rows[3]["vitamin_d_ug_source"] == "your dose"


def test_the_csv_is_utf_8(alice_client, alice):
    log_dose(alice, "k2_mk7_ug", 100, "ug")

    (row,) = csv_of(alice_client.get(ENTRIES_URL))

    assert row["unit"] == "µg"


def test_a_name_a_spreadsheet_would_run_arrives_as_text(alice_client, alice):
    from tests.factories import make_item

    log_item(alice, make_item("=1+1", owner=alice, values={"fat_g": 1}), grams=10)

    (row,) = csv_of(alice_client.get(ENTRIES_URL))

    assert row["item"] == "'=1+1"


def test_it_holds_only_the_users_own_entries(alice_client, alice, bob):
    natto = make_natto()
    log_item(alice, natto, grams=20)
    log_item(bob, natto, grams=300)
    log_dose(bob, "vitamin_d_ug", 50000, "IU")

    rows = csv_of(alice_client.get(f"{ENTRIES_URL}?user={bob.pk}"))

    assert [(row["item"], row["quantity"]) for row in rows] == [("Natto", "20")]


def test_a_user_with_no_entries_gets_the_header_alone(alice_client):
    response = alice_client.get(ENTRIES_URL)
    header = b"".join(response.streaming_content).decode()
    assert header.startswith("day,time,meal,item,kind,brand,quantity,unit,vitamin_d_ug,vitamin_d_ug_source,")
    assert header.count("\n") == 1


# Days


def test_the_days_csv_matches_the_database(alice_client, alice, bob):
    natto, softgel = make_natto(), make_d3_softgel()
    log_item(alice, natto, grams=20, day=DAY - timedelta(days=2), meal="dinner")
    log_item(alice, softgel, units=1, day=DAY - timedelta(days=2), meal="dinner")
    log_dose(alice, "vitamin_d_ug", 50000, "IU", day=DAY)
    log_dose(bob, "vitamin_d_ug", 50000, "IU", day=DAY - timedelta(days=1))

    rows = csv_of(alice_client.get(DAYS_URL))

    assert [row["day"] for row in rows] == ["2026-11-18", "2026-11-19", "2026-11-20"]
    for row in rows:
        day_entries = Entry.objects.for_user(alice).filter(day=row["day"])
        assert int(row["entries"]) == day_entries.count()
        logged_vitamin_d_ug = sum(entry.nutrient_amounts().get("vitamin_d_ug") or 0 for entry in day_entries)
        assert Decimal(row["vitamin_d_ug"]) == logged_vitamin_d_ug
        assert Decimal(row["vitamin_d_iu"]) == logged_vitamin_d_ug * 40
    assert [row["status"] for row in rows] == ["within", "no_target", "below"]
    assert rows[0]["warnings"] == "no_fat_with_supplement"
    assert rows[2]["warnings"] == "high_vitamin_d no_fat_with_supplement"


# Access


@pytest.mark.parametrize("url", [ENTRIES_URL, DAYS_URL])
def test_it_needs_a_log_in(client, alice, url):
    log_item(alice, make_natto(), grams=20)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", [ENTRIES_URL, DAYS_URL])
def test_it_answers_only_get(alice_client, url):
    assert alice_client.post(url).status_code == 405
    assert alice_client.put(url).status_code == 405
    assert alice_client.delete(url).status_code == 405


# Links


def test_the_history_page_links_offer_both_downloads():
    html = render_to_string("tracker/history/_export_links.html")

    assert f'href="{ENTRIES_URL}"' in html
    assert f'href="{DAYS_URL}"' in html
    assert "unknown, not zero" in html


# Pieces


def test_rows_go_out_in_pieces_that_add_up_to_the_whole_csv():
    rows = [["day", "item"], *([f"2026-11-{day:02}", f"Item, number {day}"] for day in range(1, 31))]
    whole = io.StringIO()
    csv.writer(whole).writerows(rows)

    pieces = list(csv_pieces(rows, piece_size=100))

    assert "".join(pieces) == whole.getvalue()
    assert len(pieces) > 5
    assert all(len(piece) >= 100 for piece in pieces[:-1])


def test_no_rows_make_no_pieces():
    assert list(csv_pieces([])) == []
