import pytest
from django.contrib.auth.models import Group
from django.test import override_settings


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Argon2 spends a third of a second on each password, on purpose; the tests make hundreds of users.

    tests/tracker/test_security.py checks that the settings themselves use Argon2.
    """
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.com", "correct-horse-battery")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.com", "correct-horse-battery")


@pytest.fixture
def editor(django_user_model):
    """Erin, staff in the "Food editors" group: edits the catalog and nothing else."""
    user = django_user_model.objects.create_user("erin", "erin@example.com", "correct-horse-battery", is_staff=True)
    user.groups.add(Group.objects.get(name="Food editors"))
    return user
