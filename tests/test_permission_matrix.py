"""The permission matrix: every page of the URLconf and every operation of the OpenAPI
schema, tried as every kind of visitor of the world (logged out, a stranger, the admin of
another project, each role of the project, the installation's superuser), answers as its
classification in tests/support/permissions.py says: allowed, 403 for a member without the
role, 404 for anyone outside the project, a login first when logged out. Nobody outside the
project sees any of its data in any answer. A route or operation nobody classified fails."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from .support.factories import AnnotationFactory
from .support.permissions import (
    ADMIN_PAGES,
    ALLOWED,
    ANYONE,
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OPERATIONS,
    PAGES,
    PROJECT_ROLES,
    STAFF,
    SUPERUSER,
    expected_outcome,
)
from .support.routes import all_routes, fill, fill_operation, schema_path
from .support.world import ROLES, build_world

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def api_operations() -> list[tuple[str, str]]:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    schema = json.loads(OpenApiJsonRenderer().render(generated))
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in METHODS
    ]


def cells(world) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """(what, level, method, url) for every route and operation, and what nobody classified."""
    operations = api_operations()
    schema_paths = {path for _, path in operations}
    found, unclassified = [], []
    for route in all_routes():
        if schema_path(route) in schema_paths:
            continue  # an API endpoint: tried by the schema's operations below
        if route.name in PAGES or route.name in ADMIN_PAGES:
            level, methods = PAGES.get(route.name) or ADMIN_PAGES[route.name]
        elif route.is_admin:
            level, methods = SUPERUSER, ("GET",)
        else:
            unclassified.append(f"page {route.name} ({route.pattern})")
            continue
        for method in methods:
            found.append((f"{method} {route.pattern}", level, method, fill(route, world)))
    for method, path in operations:
        key = f"{method} {path}"
        if key not in OPERATIONS:
            unclassified.append(f"operation {key}")
            continue
        url = path.format(**fill_operation(path, world))
        found.append((key, OPERATIONS[key], method, url))
    return found, unclassified


def outcome_of(response) -> str:
    status = response.status_code
    if status == 401 or (status == 302 and "login/" in response.get("Location", "")):
        return LOGIN
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    if status >= 500 or status == 405:
        return str(status)
    return ALLOWED


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def ask(client, method: str, url: str):
    """One request, its effects rolled back so that every cell starts from the same world."""
    with transaction.atomic():
        if method in ("PUT", "PATCH"):
            response = client.generic(method, url, "{}", content_type="application/json")
        elif method == "POST" and url.startswith("/api/"):
            response = client.post(url, {}, content_type="application/json")
        else:
            response = getattr(client, method.lower())(url)
        body = body_of(response)
        transaction.set_rollback(True)
    return response, body


def test_every_route_answers_every_visitor_as_classified(client, request):
    world = build_world()
    for role in PROJECT_ROLES:  # each member has an annotation of the claim to read
        AnnotationFactory(claim=world.claim, annotator=world.people[role])
    found, unclassified = cells(world)
    assert unclassified == [], "classify these in tests/support/permissions.py"
    secrets = [world.claim.text, world.document.title, world.project.name]
    mismatches, asked = [], 0
    for role in [*ROLES, "superuser"]:
        user = world.superuser if role == "superuser" else world.people[role]
        client.logout()
        if user is not None:
            client.force_login(user)
        for what, level, method, url in found:
            response, body = ask(client, method, url)
            asked += 1
            if user is not None and "logout/" in url:
                client.force_login(user)
            expected, got = expected_outcome(level, role), outcome_of(response)
            if level == ANYONE and got == LOGIN:
                got = ALLOWED  # logging out leads to the login page
            if level == SUPERUSER and role == "superuser" and response.status_code < 500:
                # Past the admin's door, its pages refuse what they do not offer (a
                # read-only model's "add" page, the catch-all) themselves.
                got = ALLOWED
            where = f"{role:<20} {what}: expected {expected}, got {response.status_code}"
            if got != expected:
                mismatches.append(where)
            # Members may see their project anywhere (its name in the top bar of a 403
            # page); nobody else may see it, except the installation's administrators
            # on their own pages.
            outsider = role not in PROJECT_ROLES and level not in (STAFF, SUPERUSER)
            if outsider:
                leaked = [secret for secret in secrets if secret in body]
                if leaked:
                    mismatches.append(f"{where}; the body shows {leaked}")
    figure = (
        f"Permission matrix: {len(found)} routes and operations x {len(ROLES) + 1} visitors "
        f"= {asked} requests, {len(mismatches)} mismatches"
    )
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter:
        reporter.write_line(figure)
    assert mismatches == [], "\n".join(mismatches)
