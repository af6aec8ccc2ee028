"""Shared fixtures, and the rule for tests that need real services.

Tests marked `postgres` or `redis` are skipped, with the reason printed, when
DATABASE_URL does not point at PostgreSQL or REDIS_URL is unset. With
FACTCHECK_REQUIRE_SERVICES=1 (set by .ci/run) such a skip fails the run instead."""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import Role

from .support.celery_worker import worker  # noqa: F401 (the real Celery worker fixture)
from .support.factories import MembershipFactory, ProjectFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's guard against
# ORM calls from async code would trip on it although the test itself is synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("FACTCHECK_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def missing_service(marker: str) -> str | None:
    if (
        marker == "postgres"
        and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    ):
        return "PostgreSQL not configured: set DATABASE_URL=postgres://... to run this test"
    if marker == "redis" and not settings.REDIS_URL:
        return "Redis not configured: set REDIS_URL=redis://... to run this test"
    if marker == "browser" and not shutil.which(CHROMIUM):
        return f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
    return None


def pytest_collection_modifyitems(config, items):
    """Skip at collection, so the summary names each skipped test's file and line."""
    if REQUIRE_SERVICES:
        return  # pytest_runtest_setup fails these tests instead
    for item in items:
        for marker in ("postgres", "redis", "browser"):
            if item.get_closest_marker(marker) is None:
                continue
            reason = missing_service(marker)
            if reason is not None:
                item.add_marker(pytest.mark.skip(reason=reason))
                break


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = missing_service(marker)
        if reason is None:
            continue
        if REQUIRE_SERVICES:
            pytest.fail(f"required service missing: {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def jobs_at_commit(request, settings):
    """Run background jobs in this process when their transaction commits (JOB_RUNNER
    "eager"), whatever REDIS_URL says. Tests marked `redis` talk to the real broker and
    real worker processes instead."""
    if request.node.get_closest_marker("redis") is None:
        settings.JOB_RUNNER = "eager"


@pytest.fixture(autouse=True)
def fresh_matchers():
    """Each test starts with no organisation's checked claims vectorised in this process."""
    from annotations.matches import matchers

    matchers.entries.clear()
    yield
    matchers.entries.clear()


@pytest.fixture
def project(db):
    return ProjectFactory()


def member(project, role: str, username: str | None = None):
    user = UserFactory(**({"username": username} if username else {}))
    MembershipFactory(project=project, user=user, role=role)
    return user


@pytest.fixture
def annotator(project):
    return member(project, Role.ANNOTATOR, "alice")


@pytest.fixture
def second_annotator(project):
    return member(project, Role.ANNOTATOR, "bruno")


@pytest.fixture
def editor(project):
    return member(project, Role.EDITOR, "erin")


@pytest.fixture
def admin(project):
    return member(project, Role.ADMIN, "ada")


@pytest.fixture
def stranger(db):
    return UserFactory(username="charlie")


def api_client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api():
    return api_client_for
