"""Reading a rendered form back: what an input holds, which options a select has and has chosen."""

import re


def field_value(html, name):
    tag = re.search(rf'<input[^>]* name="{name}"[^>]*>', html).group(0)
    found = re.search(r'value="([^"]*)"', tag)
    return found.group(1) if found else None


def _select(html, name):
    return re.search(rf'<select[^>]* name="{name}".*?</select>', html, re.S).group(0)


def selected(html, name):
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', _select(html, name))


def options(html, name):
    return re.findall(r'<option value="([^"]+)"', _select(html, name))
