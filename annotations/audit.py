"""The audit trail: every write records who did what, with the values before and after."""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.db import models
from django.db.models import Q

from .models import Assignment, AuditEvent, Comment, Project, Review
from .spreadsheets import inert_cells


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The object's concrete field values, in JSON-safe form."""
    values = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, datetime.datetime | datetime.date):
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal | uuid.UUID):
            value = str(value)
        values[field.attname] = value
    # Long texts (a document's body) would bloat the trail; their hash is kept instead.
    if isinstance(values.get("text"), str) and len(values["text"]) > 2000:
        values["text"] = f"<{len(values['text'])} characters>"
    if isinstance(values.get("snapshot_text"), str):
        values["snapshot_text"] = f"<{len(values['snapshot_text'])} characters>"
    return values


def new_event(
    actor,
    obj: models.Model,
    action: str,
    *,
    before: dict | None = None,
    after: dict | None = None,
    project: Project | None = None,
) -> AuditEvent:
    """One event for the trail, not yet saved: a write that records several saves them in
    one insert (`AuditEvent.objects.bulk_create`)."""
    if project is None:
        project = obj if isinstance(obj, Project) else getattr(obj, "project", None)
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        project=project,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        action=action,
        before=before,
        after=after,
    )


def record_event(
    actor,
    obj: models.Model,
    action: str,
    *,
    before: dict | None = None,
    after: dict | None = None,
    project: Project | None = None,
) -> AuditEvent:
    """Add one event to the trail. Call inside the write's transaction so both land or neither."""
    event = new_event(actor, obj, action, before=before, after=after, project=project)
    event.save()
    return event


def changed_only(before: dict, after: dict) -> tuple[dict, dict]:
    """Trim two snapshots to the fields that differ."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def record_events(
    actor, objs: list[models.Model], action: str, after: Callable[[Any], dict], project: Project
) -> None:
    """Add one event per object in a single insert, for writes that create many rows at
    once (assigning a document's claims, distributing a project's work)."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor if actor is not None and actor.is_authenticated else None,
            project=project,
            object_type=obj._meta.model_name,
            object_id=obj.pk,
            action=action,
            after=after(obj),
        )
        for obj in objs
    )


def claim_events(claim) -> models.QuerySet[AuditEvent]:
    """The claim's timeline: events on the claim itself and on its annotations (with their
    sources), reviews, comments and assignments, oldest first."""
    related = Q(object_type="claim", object_id=claim.pk)
    for model, rows in (
        (claim.annotations.model, claim.annotations.all()),
        (Review, Review.objects.filter(claim=claim)),
        (Comment, Comment.objects.filter(claim=claim)),
        (Assignment, Assignment.objects.filter(claim=claim)),
    ):
        related |= Q(object_type=model._meta.model_name, object_id__in=rows.values("pk"))
    # Deleted assignments are gone from the table; their events name the claim.
    related |= Q(object_type="assignment", before__claim_id=claim.pk)
    return AuditEvent.objects.filter(related).select_related("actor").order_by("created_at", "id")


EXPORT_FIELDS = [
    "id",
    "created_at",
    "actor",
    "object_type",
    "object_id",
    "action",
    "before",
    "after",
]


def event_record(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "created_at": event.created_at.isoformat(),
        "actor": event.actor.username if event.actor else None,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "action": event.action,
        "before": event.before,
        "after": event.after,
    }


def audit_log_lines(project: Project, fmt: str) -> Iterator[str]:
    """The project's whole audit trail as JSON Lines or CSV, one event per line, read in
    chunks so memory stays flat however long the trail is."""
    events = AuditEvent.objects.filter(project=project).select_related("actor").order_by("id")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_FIELDS)
        for event in events.iterator(chunk_size=2000):
            record = event_record(event)
            for name in ("before", "after"):
                record[name] = json.dumps(record[name], sort_keys=True) if record[name] else ""
            writer.writerow(inert_cells([record[name] for name in EXPORT_FIELDS]))
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()
    else:
        for event in events.iterator(chunk_size=2000):
            yield json.dumps(event_record(event), ensure_ascii=False) + "\n"
