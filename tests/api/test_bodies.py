import json

import pytest

from tests.tracker.factories import log_dose
from tracker.models import Entry

pytestmark = pytest.mark.django_db

NOT_AN_OBJECT = ["[null, null]", "5", "null", '"breakfast"', "[]"]


@pytest.fixture
def writes(alice):
    """Every endpoint that reads a JSON body, with a path for alice's own objects."""
    entry = log_dose(alice, "vitamin_d_ug", 1000, "IU")
    return [
        ("post", "/token"),
        ("post", "/entries"),
        ("patch", f"/entries/{entry.pk}"),
        ("patch", "/profile"),
        ("post", "/own-items"),
        ("post", "/routines"),
    ]


@pytest.mark.parametrize("body", NOT_AN_OBJECT)
def test_a_body_that_is_not_a_json_object_is_a_400_that_changes_nothing(alice_api, writes, body):
    for method, path in writes:
        response = getattr(alice_api.client, method)(f"/api/v1{path}", body, content_type="application/json",
                                                     headers=alice_api.headers)

        assert response.status_code == 400, (method, path, response.content)
        assert json.loads(response.content)["detail"]
    assert Entry.objects.get().quantity == 1000
