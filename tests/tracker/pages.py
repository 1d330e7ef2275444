"""Reading a rendered page back: its HTML, an element by its id, the text a person sees."""

import html as html_entities
import re


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def element(html, element_id):
    """The opening tag and text of the element with this id, up to its closing tag."""
    found = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>.*?</\1>', html, re.S)
    assert found, f"no element #{element_id}"
    return found.group(0)


def text(fragment):
    """The words of an HTML fragment as a browser shows them: tags gone, entities read, spaces folded."""
    return " ".join(html_entities.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
