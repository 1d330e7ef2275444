import json

import pytest
from django.utils import timezone

from tracker.models import ApiToken


class ApiClient:
    """Django's test client speaking JSON to /api/v1 with a bearer token (or none)."""

    def __init__(self, client, key=None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}

    def request(self, method, path, body=None, **params):
        call = getattr(self.client, method)
        url = f"/api/v1{path}"
        if body is None:
            return call(url, params or None, headers=self.headers)
        return call(url, json.dumps(body), content_type="application/json", headers=self.headers)

    def get(self, path, **params):
        return self.request("get", path, **params)

    def post(self, path, body):
        return self.request("post", path, body)

    def patch(self, path, body):
        return self.request("patch", path, body)

    def delete(self, path):
        return self.request("delete", path)


def token_in_use(user):
    """The key of a token `user` has been using: its use was noted within the minute, so calls don't write it."""
    token, key = ApiToken.issue(user)
    ApiToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    return key


@pytest.fixture
def alice_api(client, alice):
    return ApiClient(client, token_in_use(alice))


@pytest.fixture
def bob_api(client, bob):
    return ApiClient(client, token_in_use(bob))


@pytest.fixture
def anonymous_api(client):
    return ApiClient(client)


def error_fields(response):
    """The fields an error response names, in order."""
    return [error["field"] for error in response.json()["errors"]]
