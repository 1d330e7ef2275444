import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_the_home_page_says_it_is_not_medical_advice(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "not medical advice" in response.content.decode()


def test_pages_load_bootstrap_from_our_own_static_files(client):
    html = client.get("/").content.decode()
    assert 'href="/static/bootstrap/css/bootstrap.min.css"' in html
    assert 'src="/static/bootstrap/js/bootstrap.bundle.min.js"' in html


def test_no_template_loads_anything_from_another_site():
    offsite = re.compile(r"""(src|href)=["'](https?:)?//""")
    for template in TEMPLATES.rglob("*.html"):
        assert not offsite.search(template.read_text()), f"{template} loads from another site"


def test_the_static_files_are_served(client, settings):
    response = client.get("/static/bootstrap/css/bootstrap.min.css")
    assert response.status_code == 200


def test_a_logged_in_user_reaches_every_part_from_the_navigation_bar(alice_client):
    html = alice_client.get("/day/").content.decode()

    for path in ("/day/", "/history/", "/routines/", "/foods/", "/my-foods/", "/accounts/profile/"):
        assert f'class="nav-link" href="{path}"' in html, path
