import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from foods.models import Item, NutrientValue, Portion

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def import_usda(*args, **options):
    out = StringIO()
    call_command("import_usda", *map(str, args), stdout=out, **options)
    return out.getvalue()


def test_it_imports_sr28_and_reports_progress_and_counts():
    output = import_usda(DATA / "sr28")

    assert f"Importing USDA SR28 from {DATA / 'sr28'}" in output
    assert "FOOD_DES.txt: 6 rows read" in output
    assert "NUT_DATA.txt: 63 rows read" in output
    assert "items created: 6" in output
    assert f"values created: {NutrientValue.objects.count()}" in output
    assert f"portions created: {Portion.objects.count()}" in output
    assert "portions skipped over max weight: 0" in output


def test_it_imports_fdc_from_the_files_present():
    output = import_usda(DATA / "fdc")

    assert "Importing USDA FoodData Central" in output
    assert "food_nutrient.csv: 29 rows read" in output
    assert "items created: 3" in output
    assert set(Item.objects.values_list("fdc_id", flat=True)) == {172184, 172443, 169251}


def test_a_second_run_reports_updates_not_creations():
    import_usda(DATA / "sr28")

    output = import_usda(DATA / "sr28")

    assert "items created: 0" in output
    assert "items matched: 6" in output
    assert "values created: 0" in output
    assert Item.objects.count() == 6


def test_it_is_quiet_with_verbosity_0():
    assert import_usda(DATA / "sr28", verbosity=0) == ""
    assert Item.objects.count() == 6


def test_it_takes_a_crosswalk(tmp_path):
    crosswalk = tmp_path / "crosswalk.csv"
    crosswalk.write_text('"fdc_id","ndb_no"\n"172443","16113"\n')

    output = import_usda(DATA / "sr28", crosswalk=crosswalk)

    assert Item.objects.get(usda_ndb_number="16113").fdc_id == 172443
    assert "fdc ids linked: 1" in output


def test_a_malformed_file_is_a_command_error_naming_file_and_line(tmp_path):
    sr28 = shutil.copytree(DATA / "sr28", tmp_path / "sr28")
    with open(sr28 / "WEIGHT.txt", "ab") as file:
        file.write(b"~16113~^2^1^~tbsp~^abc^^\r\n")

    with pytest.raises(CommandError) as failure:
        import_usda(sr28)

    assert str(failure.value) == (
        f"{sr28 / 'WEIGHT.txt'}, line 11: Gm_Wgt is not a number: 'abc'. Nothing was imported."
    )
    assert Item.objects.count() == 0


def test_an_unknown_layout_is_a_clear_error(tmp_path):
    (tmp_path / "foods.json").write_text("[]")

    with pytest.raises(CommandError, match="holds no USDA files in a layout this import knows"):
        import_usda(tmp_path)


def test_a_directory_with_both_layouts_is_an_error(tmp_path):
    shutil.copy(DATA / "sr28" / "FOOD_DES.txt", tmp_path)
    shutil.copy(DATA / "fdc" / "food.csv", tmp_path)

    with pytest.raises(CommandError, match="holds both SR28 and FoodData Central files"):
        import_usda(tmp_path)


def test_a_missing_directory_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="is not a directory"):
        import_usda(tmp_path / "nowhere")


def test_a_missing_crosswalk_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="crosswalk.csv is not a file"):
        import_usda(DATA / "sr28", crosswalk=tmp_path / "crosswalk.csv")
    assert Item.objects.count() == 0
