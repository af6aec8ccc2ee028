"""Schemathesis against the API's own OpenAPI schema, every check on: generated requests,
valid and invalid, for every operation, as the admin of a seeded project (the path's
slug and ids name its objects, so requests reach the real code behind the access checks).
No answer may be a server error, and every answer must be one the schema documents, in the
shape it documents. Each example runs in a savepoint rolled back afterwards, so every
example starts from the same seeded project.

The figures (operations, examples, 5xx answers) are printed at the end and written to
test-output/api-fuzzing.txt."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.modes import GenerationMode

from .support.routes import fill_operation
from .support.world import build_world

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES_PER_OPERATION = 10
FIGURES = Path(__file__).resolve().parent.parent / "test-output" / "api-fuzzing.txt"

tally: Counter = Counter()
operations: set[str] = set()


@pytest.fixture
def fuzz_world():
    world = build_world()
    token, _ = Token.objects.get_or_create(user=world.people["admin"])
    # The requests run in this test's transaction: Django must not close the connection at
    # the end of each (its test client unhooks the same handler).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield world, token.key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The schema cannot state every rule of the domain (a claim must be in review to be
# reviewed, an assignment needs claims or a document): a schema-valid request may still be
# refused with 400 and the reason, which the schema documents.
#
# Bounded: the explicit examples and EXAMPLES_PER_OPERATION generated ones per operation.
# The coverage phase, which generates every boundary case the schema defines, is left to
# `schemathesis run` by hand (hundreds per operation; too slow for every test run).
CONFIG = SchemathesisConfig.from_dict(
    {
        "phases": {"coverage": {"enabled": False}},
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]
            }
        },
    }
)

# Where the API is known to fall short of a check, by operation and check, with the reason.
# Each entry turns that one check off for that one operation; every other check still runs.
KNOWN_GAPS: dict[tuple[str, str], str] = {
    ("GET /api/projects/{slug}/jobs/", "negative_data_rejection"): (
        "lenient on purpose: the pages poll it with whatever documents they show"
    ),
    ("GET /api/projects/{slug}/agreement/", "negative_data_rejection"): (
        "an empty since/until means no bound, as the dashboard's form sends them"
    ),
    ("GET /api/projects/{slug}/dashboard/", "negative_data_rejection"): (
        "an empty since/until means no bound, as the dashboard's form sends them"
    ),
    ("POST /api/projects/{slug}/exports/", "negative_data_rejection"): (
        "an empty date_from/date_to means no bound, as the export page's form sends them"
    ),
}


def load_schema():
    """The schema /api/schema/ serves, generated the same way, called on the app in-process."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    raw = json.loads(OpenApiJsonRenderer().render(generated))
    loaded = schemathesis.openapi.from_dict(raw, config=CONFIG)
    loaded.app = WSGIHandler()
    return loaded


schema = load_schema()
load_all_checks()
ALL_CHECKS = list(CHECKS.get_all())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    # A failure is reported as found: shrinking it could take minutes per operation.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
def test_the_api_answers_every_generated_request_as_documented(case, fuzz_world):
    world, key = fuzz_world
    path = case.meta.components.get(ParameterLocation.PATH) if case.meta else None
    if case.path_parameters and (path is None or path.mode == GenerationMode.POSITIVE):
        case.path_parameters = fill_operation(case.operation.path, world)
    operation = case.operation.label
    operations.add(operation)
    tally["examples"] += 1
    with transaction.atomic():
        try:
            headers = {"Authorization": f"Token {key}"}
            response = case.call(headers=headers)
            tally[f"{response.status_code // 100}xx"] += 1
            case.validate_response(
                response,
                headers=headers,
                checks=ALL_CHECKS,
                excluded_checks=[
                    check for check in ALL_CHECKS if (operation, check.__name__) in KNOWN_GAPS
                ],
                transport_kwargs={"headers": headers},
            )
        finally:
            transaction.set_rollback(True)


@pytest.fixture(autouse=True, scope="module")
def report_figures(request):
    yield
    if not tally:
        return
    line = (
        f"API fuzzing: {len(operations)} operations, {tally['examples']} examples, "
        f"answers 2xx {tally['2xx']}, 4xx {tally['4xx']}, 5xx {tally['5xx']}"
    )
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(line + "\n")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter:
        reporter.write_line(line)
