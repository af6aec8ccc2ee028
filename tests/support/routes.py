"""Every route of the URLconf, and a concrete URL for each, built from the objects of a
`World`. A parameter takes the object named by the path segment before it
(`projects/<slug>` a project's slug, `claims/<pk>` a claim's id); a route whose parameters
no rule here fills is an error, so a new route cannot go unwalked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<regex>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    pattern: str  # as written in the URLconf, prefixes joined
    name: str  # namespaced, "admin:None" for unnamed admin routes

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")


def walk(patterns, prefix: str = "", namespace: str | None = None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(
                entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            yield Route(prefix + str(entry.pattern), name)


def all_routes() -> list[Route]:
    return list(walk(get_resolver().url_patterns))


class UnclassifiedRoute(LookupError):
    """No rule fills this route's parameters: the walk would miss it."""


def admin_object(world, pattern: str):
    """The object an admin change/delete/history route of `pattern` is about."""
    app_label, model_name = pattern.split("/")[1:3]
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == (app_label, model_name):
            return world.object_of_model(model)
    raise UnclassifiedRoute(pattern)


def fill(route: Route, world) -> str:
    """A concrete path for the route, about the objects of `world`."""
    pattern = route.pattern
    if route.is_admin and "(?P<url>" in pattern:
        return "/admin/no-such-page/"
    if route.is_admin and "(?P<app_label>" in pattern:
        return "/admin/annotations/"
    pieces, last = [], 0
    for match in PARAMETER.finditer(pattern):
        pieces.append(pattern[last : match.start()])
        name = match.group("name") or match.group("regex")
        before = pattern[: match.start()].rstrip("/").split("/")[-1]
        pieces.append(str(value_for(route, world, before, name)))
        last = match.end()
    pieces.append(pattern[last:])
    return "/" + "".join(pieces)


def value_for(route: Route, world, segment: str, name: str):
    if route.is_admin:
        if name == "content_type_id":
            return ContentType.objects.get_for_model(world.project).pk
        if name == "object_id" and route.pattern.startswith("admin/r/"):
            return world.project.pk
        if name in ("object_id", "id"):
            return admin_object(world, route.pattern).pk
        raise UnclassifiedRoute(route.pattern)
    by_segment = {
        ("projects", "slug"): lambda: world.project.slug,
        ("organisations", "slug"): lambda: world.organisation.slug,
        ("documents", "pk"): lambda: world.document.pk,
        ("claims", "pk"): lambda: world.claim.pk,
        ("exports", "pk"): lambda: world.export.pk,
        ("assignments", "pk"): lambda: world.assignment.pk,
        ("members", "pk"): lambda: world.annotator_membership.pk,
        ("members", "member"): lambda: world.annotator.username,
        ("admins", "username"): lambda: world.organisation_admin.username,
        ("projects", "project"): lambda: world.project.slug,
        ("people", "pk"): lambda: world.annotator.pk,
        # Links handed over to be copied: a made-up one must be refused like any other.
        ("invitations", "pk"): lambda: 999999,
        ("invitations", "token"): lambda: "not-a-token",
        ("reset", "uidb64"): lambda: "MQ",
        ("<uidb64>", "token"): lambda: "not-a-token",
    }
    if (segment, name) not in by_segment:
        raise UnclassifiedRoute(f"{route.pattern}: no rule for <{name}> after {segment!r}")
    return by_segment[(segment, name)]()


SCHEMA_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def schema_path(route: Route) -> str:
    """The route as the OpenAPI schema writes it: `/api/claims/{id}/`."""
    path = SCHEMA_PARAMETER.sub(
        lambda m: "{" + ("id" if m[1] == "pk" else m[1]) + "}", route.pattern
    )
    return "/" + path


def fill_operation(path: str, world) -> dict[str, object]:
    """Values from `world` for the parameters of a schema path such as
    `/api/projects/{slug}/members/{member}/`, by the same rules as `fill`."""
    route = Route(path.lstrip("/").replace("{id}", "<pk>"), "api")
    segments = path.strip("/").split("/")
    values = {}
    for before, segment in zip(segments, segments[1:], strict=False):
        if segment.startswith("{"):
            name = segment.strip("{}")
            values[name] = value_for(route, world, before, "pk" if name == "id" else name)
    return values
