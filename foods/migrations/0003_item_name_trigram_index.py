"""
A trigram index on item names so that catalog search (`name ILIKE '%natto%'`) stays fast at 100,000
items on PostgreSQL. SQLite has no such index; there the search scans, which is fine for its size.
"""

from django.db import migrations


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS foods_item_name_trgm ON foods_item USING gin (upper(name) gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS foods_item_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("foods", "0002_food_editors_group")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
