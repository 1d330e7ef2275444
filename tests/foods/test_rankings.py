import importlib
import threading
import time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from foods import nutrients, rankings
from foods.catalog.loader import load_catalog
from foods.importers import import_usda
from foods.models import Item, NutrientValue, Portion
from foods.rankings import k2_mk7_equivalent_expression, refresh_rankings, typical_portion_factor_expression
from tests.factories import make_item, make_source
from tests.foods.test_admin import form_data as admin_form_data
from tests.foods.test_admin import row as admin_row

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
RANKED_CODES = [nutrients.VITAMIN_D.code, *(form.code for form in nutrients.K2_FORMS)]


COLUMNS = ("rank_k2_mk7_equivalent_ug", "rank_vitamin_d_ug", "typical_portion_factor")


def fresh_rankings():
    """{item pk: (K2 MK-7 equivalent, vitamin D, typical portion factor)} worked out in Python from the
    stored decimals, as the page shows them; None where unknown."""
    items = Item.objects.with_nutrients(RANKED_CODES).prefetch_related(
        Prefetch("portions", queryset=Portion.objects.order_by("position", "pk"), to_attr="in_order")
    )
    return {
        item.pk: (
            nutrients.k2_mk7_equivalent_ug(item.k2_mk4_ug, item.k2_mk7_ug, item.k2_other_ug),
            item.vitamin_d_ug,
            item.in_order[0].basis_factor() if item.in_order else None,
        )
        for item in items
    }


def stored_rankings():
    return {pk: tuple(values) for pk, *values in Item.objects.values_list("pk", *COLUMNS)}


def ranking_of(name):
    """The stored ranking columns of the one item named `name`."""
    return Item.objects.values_list(*COLUMNS).get(name=name)


def assert_rankings_are_fresh():
    """Every item's stored ranking columns equal what its values and portions give now."""
    expected = {
        pk: tuple(None if value is None else pytest.approx(float(value), rel=1e-12) for value in figures)
        for pk, figures in fresh_rankings().items()
    }
    assert expected, "no item to check"
    assert stored_rankings() == expected


def make_stale():
    Item.objects.update(rank_k2_mk7_equivalent_ug=-1, rank_vitamin_d_ug=-1, typical_portion_factor=-1)


@pytest.fixture
def without_signals():
    """The signal receivers that refresh an item on each write, disconnected: what is left must refresh."""
    receivers = [
        (signal, receiver, model)
        for signal, receiver in (
            (pre_save, rankings._lock_the_item), (pre_delete, rankings._lock_the_item),
            (post_save, rankings._refresh_the_item), (post_delete, rankings._refresh_the_item),
        )
        for model in (NutrientValue, Portion)
    ]
    for signal, receiver, model in receivers:
        assert signal.disconnect(receiver, sender=model)
    yield
    for signal, receiver, model in receivers:
        signal.connect(receiver, sender=model)


# The columns and the function that fills them


def test_it_stores_k2_equivalent_vitamin_d_and_the_typical_portion_with_unknown_as_null():
    make_item("Egg yolk", values={"k2_mk4_ug": 15.5, "vitamin_d_ug": 5.4}, portions={"1 large yolk": 17, "1 cup": 243})
    make_item("D3 drops", kind=Item.Kind.SUPPLEMENT, values={"vitamin_d_ug": 25}, portions={"2 drops": 2})
    make_item("Water", values={"k2_mk7_ug": 0, "k1_ug": 0})
    make_item("Apple", values={"k1_ug": 2.2})

    assert ranking_of("Egg yolk") == (pytest.approx(1.55), pytest.approx(5.4), pytest.approx(0.17))
    assert ranking_of("D3 drops") == (None, 25.0, 2.0)
    assert ranking_of("Water") == (0.0, None, None)
    assert ranking_of("Apple") == (None, None, None)
    assert_rankings_are_fresh()


def test_refresh_rankings_updates_only_the_items_asked_for():
    natto = make_item("Natto", values={"k2_mk7_ug": 939}, portions={"3 oz": 85})
    make_item("Salmon", values={"vitamin_d_ug": 11})
    make_stale()

    assert refresh_rankings([natto]) == 1
    assert (ranking_of("Natto"), ranking_of("Salmon")) == ((939.0, None, 0.85), (-1, -1, -1))
    assert refresh_rankings(Item.objects.filter(name="Salmon")) == 1
    assert_rankings_are_fresh()


def test_refresh_rankings_takes_one_update_per_chunk_of_a_long_list(monkeypatch):
    items = [make_item(f"Food {number}", values={"vitamin_d_ug": number}) for number in range(5)]
    make_stale()
    monkeypatch.setattr(rankings, "PKS_PER_UPDATE", 2)

    with CaptureQueriesContext(connection) as queries:
        assert refresh_rankings(item.pk for item in items) == 5

    assert [query["sql"].split()[0] for query in queries] == ["UPDATE"] * 3
    assert_rankings_are_fresh()


def test_the_command_repairs_every_item():
    make_item("Natto", values={"k2_mk7_ug": 939}, portions={"3 oz": 85})
    make_item("Apple")
    make_stale()

    call_command("refresh_rankings", verbosity=0)

    assert_rankings_are_fresh()


def test_the_data_migration_fills_existing_items():
    make_item("Natto", values={"k2_mk7_ug": 939, "k2_mk4_ug": 5}, portions={"3 oz": 85})
    make_item("Apple")
    make_stale()
    migration = importlib.import_module("foods.migrations.0006_fill_item_rankings")

    migration.fill_rankings(apps, SimpleNamespace(connection=connection))

    assert_rankings_are_fresh()


def test_the_data_migration_does_nothing_on_an_empty_catalog():
    migration = importlib.import_module("foods.migrations.0006_fill_item_rankings")

    with CaptureQueriesContext(connection) as queries:
        migration.fill_rankings(apps, SimpleNamespace(connection=connection))

    assert [query["sql"].split()[0] for query in queries] == ["SELECT"]


MK_COMBINATIONS = [
    (None, None, None),
    (Decimal("369"), None, None),
    (None, Decimal("939"), None),
    (None, None, Decimal("76")),
    (Decimal("5"), Decimal("0.5"), None),
    (Decimal("15.5"), None, Decimal("3.25")),
    (None, Decimal("0"), Decimal("0")),
    (Decimal("0.0001"), Decimal("1100"), Decimal("54.1234")),
]


@pytest.mark.parametrize("mk4_per_mk7", [nutrients.DEFAULT_MK4_PER_MK7_EQUIVALENT, Decimal(4), 3])
def test_the_database_k2_equivalent_agrees_with_the_python_function(mk4_per_mk7):
    for number, (mk4, mk7, other) in enumerate(MK_COMBINATIONS):
        values = {"k2_mk4_ug": mk4, "k2_mk7_ug": mk7, "k2_other_ug": other}
        make_item(f"Item {number}", values={code: v for code, v in values.items() if v is not None})

    items = Item.objects.with_nutrients().annotate(db_value=k2_mk7_equivalent_expression(mk4_per_mk7))

    assert items.count() == len(MK_COMBINATIONS)
    for item in items:
        expected = nutrients.k2_mk7_equivalent_ug(item.k2_mk4_ug, item.k2_mk7_ug, item.k2_other_ug, mk4_per_mk7)
        if expected is None:
            assert item.db_value is None, item.name
        else:
            assert item.db_value == pytest.approx(float(expected), rel=1e-9, abs=1e-9), item.name


def test_the_database_portion_factor_agrees_with_the_model():
    make_item("Natto", portions={"3 oz": 85, "1 cup": 175})
    make_item("Drops", kind=Item.Kind.SUPPLEMENT, portions={"3 drops": 3})
    make_item("Apple")

    items = Item.objects.annotate(factor=typical_portion_factor_expression()).prefetch_related("portions")

    factors = {item.name: item.factor for item in items}
    assert factors == {"Natto": pytest.approx(0.85), "Drops": pytest.approx(3.0), "Apple": None}
    for item in items:
        if item.factor is not None:
            assert item.factor == pytest.approx(float(item.portions.all()[0].basis_factor()))


# Every way a value or a portion is written keeps them fresh


def test_a_value_saved_changed_or_deleted_refreshes_its_item():
    natto = make_item("Natto", values={"k2_mk7_ug": 939, "vitamin_d_ug": 0.1})
    make_item("Apple", values={"k2_mk4_ug": 1})

    value = natto.nutrient_values.get(nutrient="k2_mk7_ug")
    value.amount = Decimal(900)
    value.save()
    assert ranking_of("Natto")[0] == 900
    NutrientValue.objects.create(item=natto, nutrient="k2_mk4_ug", amount=Decimal(50), source=make_source())
    assert ranking_of("Natto")[0] == 905
    value.delete()
    assert ranking_of("Natto")[0] == 5
    natto.nutrient_values.filter(nutrient__in=["k2_mk4_ug", "vitamin_d_ug"]).delete()
    assert ranking_of("Natto") == (None, None, None)
    assert_rankings_are_fresh()


def test_a_portion_added_moved_or_deleted_refreshes_its_item():
    natto = make_item("Natto", values={"k2_mk7_ug": 939}, portions={"1 cup": 175})

    three_oz = Portion.objects.create(item=natto, label="3 oz", grams=85, position=1)
    assert ranking_of("Natto")[2] == 1.75
    three_oz.position = 0  # ties with "1 cup" at 0: the lower id stays typical
    three_oz.save()
    assert ranking_of("Natto")[2] == 1.75
    natto.portions.get(label="1 cup").delete()
    assert ranking_of("Natto")[2] == 0.85
    three_oz.grams = Decimal("28.35")
    three_oz.save()
    assert ranking_of("Natto")[2] == pytest.approx(0.2835)
    three_oz.delete()
    assert ranking_of("Natto")[2] is None
    assert_rankings_are_fresh()


def test_saving_an_item_read_before_its_values_changed_keeps_its_rankings():
    natto = make_item("Natto", values={"k2_mk7_ug": 939}, portions={"3 oz": 85})  # made before its values

    natto.brand = "Mito"
    natto.save()
    assert ranking_of("Natto") == (939.0, None, 0.85)
    stale = Item.objects.get(pk=natto.pk)
    NutrientValue.objects.create(item=natto, nutrient="vitamin_d_ug", amount=Decimal(1), source=make_source())
    stale.name = "Natto, fermented soybeans"
    stale.save()

    assert Item.objects.values_list("name", "brand").get() == ("Natto, fermented soybeans", "Mito")
    assert ranking_of("Natto, fermented soybeans") == (939.0, 1.0, 0.85)
    assert_rankings_are_fresh()


def test_deleting_an_item_does_not_refresh_it_on_its_way_out():
    natto = make_item("Natto", values={"k2_mk7_ug": 939, "fat_g": 11}, portions={"3 oz": 85})
    make_item("Apple", values={"k1_ug": 2.2})

    with CaptureQueriesContext(connection) as queries:
        natto.delete()
        Item.objects.filter(name="Apple").delete()

    assert not [query for query in queries if query["sql"].startswith('UPDATE "foods_item"')]
    assert not Item.objects.exists()


def test_an_admin_save_refreshes_the_item(client, django_user_model):
    editor = django_user_model.objects.create_user("erin", password="correct-horse-battery", is_staff=True)
    editor.groups.add(Group.objects.get(name="Food editors"))
    natto = make_item("Natto", values={"k2_mk7_ug": 939, "vitamin_d_ug": 0.1}, portions={"3 oz": 85})
    make_item("Gouda", values={"k2_other_ug": 76}, portions={"1 oz": 28.35})
    client.force_login(editor)
    url = reverse("admin:foods_item_change", args=[natto.pk])
    data = admin_form_data(client, url)
    data[f"{admin_row(data, 'nutrient_values', 'k2_mk7_ug')}-amount"] = "1000"
    mk4 = admin_row(data, "nutrient_values", "k2_mk4_ug")
    data.update({f"{mk4}-amount": "20", f"{mk4}-source": make_source().pk})
    data[f"{admin_row(data, 'nutrient_values', 'vitamin_d_ug')}-DELETE"] = "on"
    data.update({"portions-1-label": "1 cup", "portions-1-grams": "175", "portions-1-position": "0"})
    data["portions-0-position"] = "1"

    response = client.post(url, data)

    assert response.status_code == 302
    assert ranking_of("Natto") == (1002.0, None, 1.75)
    assert_rankings_are_fresh()


def test_an_own_item_form_save_refreshes_the_item(client, alice):
    client.force_login(alice)
    data = {"name": "Oat bar", "brand": "", "kind": "food", "category": "", "vitamin_d_unit": "IU"}
    data |= {nutrient.code: "" for nutrient in nutrients.NUTRIENTS}
    data |= {f"portion_{row}_{part}": "" for row in (1, 2, 3) for part in ("label", "amount")}
    data |= {"vitamin_d_ug": "200", "k2_mk7_ug": "20", "portion_1_label": "1 bar", "portion_1_amount": "45"}

    assert client.post(reverse("own_items:create"), data).status_code == 302
    assert ranking_of("Oat bar") == (20.0, 5.0, 0.45)
    item = Item.objects.get()
    data |= {"vitamin_d_ug": "", "k2_mk4_ug": "100", "portion_1_label": "1 small bar", "portion_1_amount": "30"}
    assert client.post(reverse("own_items:edit", args=[item.pk]), data).status_code == 302
    assert ranking_of("Oat bar") == (30.0, None, 0.3)
    assert_rankings_are_fresh()


def test_an_import_refreshes_the_items_it_wrote():
    # Bulk writes send no signals: only the import's own refresh can do this.
    make_item("Apple", values={"k1_ug": 2.2})

    import_usda(DATA / "sr28")

    yolk = Item.objects.get(usda_ndb_number="01125")
    assert ranking_of(yolk.name) == (None, 5.4, pytest.approx(0.17))  # no K2 in these files
    assert_rankings_are_fresh()
    make_stale()
    import_usda(DATA / "fdc")
    fdc_items = set(Item.objects.exclude(fdc_id=None).values_list("pk", flat=True))
    assert len(fdc_items) > 1
    assert all(-1 not in stored_rankings()[pk] for pk in fdc_items)
    assert ranking_of("Apple") == (-1, -1, -1)  # not the import's


def test_a_seed_load_refreshes_the_items_it_changed(without_signals):
    make_item("Apple", values={"k1_ug": 2.2})

    load_catalog()

    natto = ranking_of("Natto")
    assert natto[0] == 939.0
    assert_rankings_are_fresh()


def test_a_second_seed_load_that_changes_nothing_refreshes_nothing():
    load_catalog()

    with CaptureQueriesContext(connection) as queries:
        load_catalog()

    assert not [query for query in queries if query["sql"].startswith("UPDATE")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite lets one writer in at a time")
@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_item_at_once_leave_a_fresh_ranking():
    # The second waits for the first before writing its value, so its refresh reads both values; an
    # UPDATE that waited instead would keep the snapshot it began with and miss the first's value.
    natto = make_item("Natto", values={"k2_mk7_ug": 939})
    source = make_source()
    first_wrote, second_started = threading.Event(), threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                value = NutrientValue.objects.get(item=natto, nutrient="k2_mk7_ug")
                value.amount = Decimal(1000)
                value.save()
                first_wrote.set()
                second_started.wait(5)
                time.sleep(0.5)  # the second is now waiting for this transaction
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    def second():
        try:
            first_wrote.wait(5)
            second_started.set()
            with transaction.atomic():
                NutrientValue.objects.create(item=natto, nutrient="k2_mk4_ug", amount=Decimal(50), source=source)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert errors == []
    assert ranking_of("Natto")[0] == 1005.0
    assert_rankings_are_fresh()
