"""The "Food editors" group: members edit the catalog in the admin and nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Food editors"
CATALOG_MODELS = ["item", "nutrientvalue", "portion", "source", "category"]
ACTIONS = ["view", "add", "change", "delete"]


def create_food_editors(apps, schema_editor):
    # Permissions are normally made after all migrations ran; make foods' now so they can be granted.
    foods_config = apps.get_app_config("foods")
    foods_config.models_module = True  # the migration's app stub lacks it; create_permissions checks it
    create_permissions(foods_config, apps=apps, verbosity=0)
    foods_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    codenames = [f"{action}_{model}" for model in CATALOG_MODELS for action in ACTIONS]
    group.permissions.set(Permission.objects.filter(content_type__app_label="foods", codename__in=codenames))


def delete_food_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("foods", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_food_editors, delete_food_editors)]
