"""
Tandem's JSON API, version 1, built with django-ninja: the OpenAPI schema at /api/v1/openapi.json and
the docs at /api/v1/docs are generated from these modules' type hints.

Endpoints parse and shape JSON only; the rules are the same functions the pages call
(tracker.entries, tracker.days, tracker.history, ...), so there is no second copy of them here.
"""
