"""Path converters: a day in a URL is an ISO date (`/day/2026-11-20/`); anything else is a 404."""

import re
from datetime import date

# The day page looks a week back and links a day ahead, so days near date.min and date.max would
# overflow; nobody logs a meal outside these years, so such a URL is a slip and answers 404.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text):
    """The date `text` names in ISO form (YYYY-MM-DD) within the years Tandem keeps, else None."""
    # fromisoformat alone would also take "20261120" and the week date "2026-W47-5".
    if not isinstance(text, str) or not ISO_DAY.fullmatch(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


class DayConverter:
    regex = ISO_DAY.pattern

    def to_python(self, value):
        day = parse_day(value)
        if day is None:
            # Django reads a ValueError as "this pattern does not match": the URL answers 404.
            raise ValueError(f"{value!r} is not a day")
        return day

    def to_url(self, value):
        return value.isoformat()
