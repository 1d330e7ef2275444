"""Who reaches the admin, and where it lives: only staff; food editors only the catalog; the path from settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import make_item

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
# Every model the admin offers, as "app_label.model_name".
REGISTERED = sorted(f"{model._meta.app_label}.{model._meta.model_name}" for model in admin.site._registry)


def changelist(model):
    app_label, model_name = model.split(".")
    return reverse(f"admin:{app_label}_{model_name}_changelist")


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)


def test_anonymous_visitors_are_sent_to_the_admin_log_in(client):
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url == f"{reverse('admin:login')}?next={reverse('admin:index')}"


def test_a_user_who_is_not_staff_is_sent_to_the_admin_log_in(client, alice):
    client.force_login(alice)

    index = client.get(reverse("admin:index"))
    users = client.get(reverse("admin:auth_user_changelist"))

    assert index.status_code == 302 and index.url.startswith(reverse("admin:login"))
    assert users.status_code == 302 and users.url.startswith(reverse("admin:login"))


def test_a_user_who_is_not_staff_cannot_log_in_to_the_admin(client, alice):
    response = client.post(reverse("admin:login"), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 200
    assert "Please enter the correct username and password for a staff account." in response.content.decode()


def test_a_superuser_reaches_every_model(client, root):
    client.force_login(root)

    assert client.get(reverse("admin:index")).status_code == 200
    assert {model: client.get(changelist(model)).status_code for model in REGISTERED} == dict.fromkeys(REGISTERED, 200)


def test_the_admin_offers_the_failed_log_ins_to_staff_who_may_see_them(client, root):
    client.force_login(root)

    response = client.get(reverse("admin:index"))

    assert "axes" in {app["app_label"] for app in response.context["app_list"]}


@pytest.mark.parametrize("model", REGISTERED)
def test_a_food_editor_reaches_only_the_catalog(client, editor, model):
    client.force_login(editor)

    response = client.get(changelist(model))

    assert response.status_code == (200 if model.startswith("foods.") else 403)


def test_a_food_editor_sees_only_the_catalog_on_the_index(client, editor):
    client.force_login(editor)

    response = client.get(reverse("admin:index"))

    assert {app["app_label"] for app in response.context["app_list"]} == {"foods"}


def test_a_food_editor_reads_a_catalog_items_history(client, editor):
    natto = make_item("Natto", values={"k2_mk7_ug": 939})
    client.force_login(editor)

    response = client.get(reverse("admin:foods_item_history", args=[natto.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("url", ["auth_user_changelist", "auth_user_add", "auth_group_changelist"])
def test_a_food_editor_gets_403_on_users_and_groups(client, editor, url):
    client.force_login(editor)

    assert client.get(reverse(f"admin:{url}")).status_code == 403


def test_a_food_editor_cannot_make_themselves_a_superuser(client, editor):
    client.force_login(editor)

    response = client.post(reverse("admin:auth_user_change", args=[editor.pk]),
                           {"username": editor.username, "is_staff": "on", "is_superuser": "on"})

    assert response.status_code == 403
    editor.refresh_from_db()
    assert not editor.is_superuser


def test_the_admin_link_shows_for_staff_only(client, alice, editor):
    admin_link = f'href="{reverse("admin:index")}"'

    client.force_login(alice)
    assert admin_link not in client.get(reverse("tracker:today")).content.decode()
    client.force_login(editor)
    assert admin_link in client.get(reverse("tracker:today")).content.decode()


# The path comes from ADMIN_PATH when the URLs load, so these start a fresh process with it set.

ADMIN_AT = """
import json, django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
from django.urls import reverse
client = Client()
print(json.dumps({"index": reverse("admin:index"), "moved": client.get("/back-office-7f3a/login/").status_code,
                  "old": client.get("/admin/").status_code}))
"""


def run_with(code, **env):
    clean = {key: value for key, value in os.environ.items() if key not in ("ADMIN_PATH", "DJANGO_ENV")}
    env = {**clean, "DJANGO_SETTINGS_MODULE": "tracker.settings", "DATABASE_URL": "sqlite://:memory:", **env}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


def test_the_admin_lives_at_admin_path():
    result = run_with(ADMIN_AT, ADMIN_PATH="back-office-7f3a/")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"index": "/back-office-7f3a/", "moved": 200, "old": 404}


def test_the_admin_is_at_admin_by_default():
    result = run_with("import django; django.setup(); from django.urls import reverse; print(reverse('admin:index'))")

    assert result.stdout.splitlines()[-1] == "/admin/"


@pytest.mark.parametrize("path", ["/admin/", "admin", "/"])
def test_an_admin_path_that_is_not_a_relative_folder_is_refused(path):
    result = run_with("import django; django.setup()", ADMIN_PATH=path)

    assert result.returncode != 0
    assert "ADMIN_PATH must be like 'admin/'" in result.stderr
