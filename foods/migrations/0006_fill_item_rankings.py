"""
Fill the ranking columns of the items already in the catalog.

This calls the app's own `foods.rankings.refresh_rankings`, not a copy on historical models, so that the
formula stays in one place. Its SQL names today's columns: on a database with no item yet (a new one,
tests) there is nothing to fill and it is not run, so that a later change to those columns cannot break
this step there. `manage.py refresh_rankings` does the same at any time.
"""

from django.db import migrations


def fill_rankings(apps, schema_editor):
    if not apps.get_model("foods", "Item").objects.using(schema_editor.connection.alias).exists():
        return
    from foods.rankings import refresh_rankings

    refresh_rankings()


class Migration(migrations.Migration):
    dependencies = [("foods", "0005_item_rankings")]

    operations = [migrations.RunPython(fill_rankings, migrations.RunPython.noop, elidable=True)]
