import json

import pytest

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


@pytest.fixture
def alice_api(client, alice):
    _, key = ApiToken.issue(alice)
    return ApiClient(client, key)


@pytest.fixture
def bob_api(client, bob):
    _, key = ApiToken.issue(bob)
    return ApiClient(client, key)


@pytest.fixture
def anonymous_api(client):
    return ApiClient(client)


def error_fields(response):
    """The fields an error response names, in order."""
    return [error["field"] for error in response.json()["errors"]]
