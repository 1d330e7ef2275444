import re

import pytest
import schemathesis
from django.test import Client

pytestmark = pytest.mark.django_db

# Issue 5's resources: each path of the contract and the methods it promises.
CONTRACT = {
    "/api/v1/token": {"post"},
    "/api/v1/foods": {"get"},
    "/api/v1/entries": {"get", "post"},
    "/api/v1/entries/{entry_id}": {"get", "patch", "delete"},
    "/api/v1/days/{date}": {"get"},
    "/api/v1/history": {"get"},
    "/api/v1/profile": {"get", "patch"},
    "/api/v1/guidance-profiles": {"get"},
}
# "The user's own items and supplement routines: list, create, update, delete", under paths of their choosing.
CRUD_TAGS = ("own-items", "routines")


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    """(path, method, operation) of every operation in the schema."""
    return [(path, method, operation) for path, methods in schema["paths"].items()
            for method, operation in methods.items()]


def test_it_is_a_valid_openapi_3_document(schema):
    assert schema["openapi"].startswith("3.")
    schemathesis.openapi.from_dict(schema).validate()  # raises on any departure from the OpenAPI schema


def test_the_validation_would_catch_a_broken_document(schema):
    schema["paths"]["/api/v1/foods"]["get"]["responses"] = "none"

    with pytest.raises(Exception, match="not of type"):
        schemathesis.openapi.from_dict(schema).validate()


@pytest.mark.parametrize("path, methods", CONTRACT.items())
def test_it_has_every_path_of_the_contract(schema, path, methods):
    assert methods <= set(schema["paths"].get(path, {})), path


@pytest.mark.parametrize("tag", CRUD_TAGS)
def test_own_items_and_routines_can_be_listed_created_updated_and_deleted(schema, tag):
    methods = {method for _, method, operation in operations(schema) if tag in operation.get("tags", ())}

    assert {"get", "post", "patch", "delete"} <= methods


def test_the_contracts_query_parameters_are_documented(schema):
    def parameters(path):
        return {parameter["name"] for parameter in schema["paths"][path]["get"].get("parameters", ())}

    assert "q" in parameters("/api/v1/foods")
    assert "date" in parameters("/api/v1/entries")
    assert {"start", "end"} <= parameters("/api/v1/history")


def test_every_call_but_the_token_one_needs_a_token_and_documents_the_401(schema):
    assert schema["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}
    for path, method, operation in operations(schema):
        if path == "/api/v1/token":
            assert "security" not in operation
            continue
        assert {"BearerToken": []} in operation["security"], (method, path)
        assert "401" in operation["responses"], (method, path)


def test_errors_have_one_documented_shape(schema):
    for path, method, operation in operations(schema):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                body = response["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)


@pytest.mark.parametrize("logged_in", [True, False])
def test_the_docs_page_renders_for_anyone(client, alice, logged_in):
    """It describes the API and shows no data, so it needs no log-in (each call it tries does)."""
    if logged_in:
        client.force_login(alice)

    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert "swagger-ui" in response.content.decode()


def test_the_docs_page_loads_only_our_own_static_files(client, alice):
    client.force_login(alice)
    html = client.get("/api/v1/docs").content.decode()

    assert not re.search(r"""(https?:)?//""", html), "the docs page names another site"
    loaded = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert any(url.endswith(".js") for url in loaded) and any(url.endswith(".css") for url in loaded)
    for url in loaded:
        assert url.startswith("/static/"), url
        assert Client().get(url).status_code == 200, url


def test_the_docs_point_at_our_schema(client):
    html = client.get("/api/v1/docs").content.decode()

    assert '"url": "/api/v1/openapi.json"' in html


def test_every_operation_declares_the_503_of_an_unreachable_database(schema):
    for path, method, operation in operations(schema):
        unavailable = operation["responses"].get("503")
        assert unavailable, (method, path)
        assert "Retry-After" in unavailable["headers"], (method, path)
