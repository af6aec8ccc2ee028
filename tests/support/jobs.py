"""Running queued background jobs in the test's own process and transaction."""

from __future__ import annotations

from annotations import tasks
from annotations.models import JobKind


def run_queued_jobs(*kinds: str) -> int:
    """Run every queued job (of the given kinds, else all), as a worker would. Returns how
    many ran."""
    return sum(tasks.run_queued(kind, budget_seconds=60) for kind in kinds or JobKind.values)
