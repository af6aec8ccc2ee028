"""The audit trail: every write records who did what, with the values before and after."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import models

from .models import AuditEvent, Project


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The object's concrete field values, in JSON-safe form."""
    values = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, datetime.datetime | datetime.date):
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal):
            value = str(value)
        values[field.attname] = value
    # Long texts (a document's body) would bloat the trail; their hash is kept instead.
    if isinstance(values.get("text"), str) and len(values["text"]) > 2000:
        values["text"] = f"<{len(values['text'])} characters>"
    if isinstance(values.get("snapshot_text"), str):
        values["snapshot_text"] = f"<{len(values['snapshot_text'])} characters>"
    return values


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
    if project is None:
        project = obj if isinstance(obj, Project) else getattr(obj, "project", None)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        project=project,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        action=action,
        before=before,
        after=after,
    )


def changed_only(before: dict, after: dict) -> tuple[dict, dict]:
    """Trim two snapshots to the fields that differ."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}
