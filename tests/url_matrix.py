"""The URLconf as a list of routes, for tests that check a rule on every URL of the app and the API.

A route is one path of the URLconf ("entries/<int:pk>/edit/"); the API's operations that share a path
(GET, PATCH and DELETE of "api/v1/entries/<entry_id>") are one route, as they are one URL.
"""

import re
from dataclasses import dataclass, field, replace

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

ADMIN_NAMESPACE = "admin"
API_NAMESPACE = "api"
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# "<int:pk>" or "<entry_id>" in a route.
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    path: str  # as the URLconf spells it, from the root: "entries/<int:pk>/edit/"
    namespace: str  # "tracker"; "" for none
    names: tuple  # ("tracker:entry_edit",); an API path's operations each have one: ("api:get_entry", ...)
    converters: dict = field(compare=False, repr=False)
    is_regex: bool = False  # a regular expression, not a path() route: no table fills it

    def __str__(self):
        return f"/{self.path}"

    @property
    def is_admin(self):
        return self.namespace.split(":")[0] == ADMIN_NAMESPACE

    @property
    def is_api(self):
        return self.namespace == API_NAMESPACE

    def parameter_keys(self):
        """Each path parameter as "<the literal segment before it>/<name>": "entries/<pk>", "day/<day>"."""
        keys = {}
        segment_before = ""
        for segment in self.path.split("/"):
            found = list(PARAMETER.finditer(segment))
            for match in found:
                keys[match["name"]] = f"{segment_before}/<{match['name']}>"
            if not found:
                segment_before = segment
        return keys

    def url(self, values):
        """The route with each parameter replaced by its value ({name: value}), as its converter writes it."""
        def written(match):
            return str(self.converters[match["name"]].to_url(values[match["name"]]))

        return "/" + PARAMETER.sub(written, self.path)


def all_routes():
    """Every route of the URLconf, in its order, each path once."""
    routes = {}
    for route in _walk(get_resolver().url_patterns, prefix="", namespaces=(), converters={}, is_regex=False):
        known = routes.setdefault(route.path, route)
        if known is not route:
            routes[route.path] = replace(known, names=known.names + route.names)
    return list(routes.values())


def _walk(patterns, *, prefix, namespaces, converters, is_regex):
    for pattern in patterns:
        path = prefix + str(pattern.pattern)
        pattern_converters = {**converters, **getattr(pattern.pattern, "converters", {})}
        regex = is_regex or not isinstance(pattern.pattern, RoutePattern)
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _walk(
                pattern.url_patterns, prefix=path, namespaces=inner, converters=pattern_converters, is_regex=regex
            )
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespaces, pattern.name or path))
            yield Route(
                path=path, namespace=":".join(namespaces), names=(name,), converters=pattern_converters, is_regex=regex
            )
