"""A claim's history as a person reads it: who did what and when, and for each change the
value before and after, with labels instead of stored keys.

Built from the audit trail (audit.claim_events). Only fields that changed are shown, and
none of the bookkeeping columns (ids, versions, timestamps) that every write touches."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from .audit import claim_events
from .models import AuditEvent, Claim, ClaimStance, ClaimStatus, SourceStance


@dataclass
class Change:
    """One field's change; `before` is None when the value is new (nothing to compare)."""

    field: str
    after: str
    before: str | None = None


@dataclass
class Entry:
    at: datetime.datetime
    actor: str
    summary: str
    kind: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""


def yes_no(value: Any) -> str:
    return {True: "Yes", False: "No"}.get(value, "Not decided")


def text(value: Any) -> str:
    return "" if value is None else str(value)


class Labels:
    """Stored values as their labels: verdicts by the project's scale, people by name."""

    def __init__(self, claim: Claim, events: list[AuditEvent]):
        self.verdicts = dict(claim.project.rating_scale.labels.values_list("key", "label"))
        ids = set()
        for event in events:
            for values in (event.before or {}, event.after or {}):
                for key in ("annotator_id", "user_id", "user", "assigned_by_id"):
                    if isinstance(values.get(key), int):
                        ids.add(values[key])
        users = get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")
        self.people = dict(users)

    def verdict(self, key: Any) -> str:
        return self.verdicts.get(key, text(key))

    def person(self, pk: Any) -> str:
        return self.people.get(pk, "a former member") if pk else ""


def stance_label(key: Any) -> str:
    return dict(ClaimStance.choices).get(key, text(key))


def status_label(key: Any) -> str:
    return dict(ClaimStatus.choices).get(key, text(key))


def source_line(source: dict[str, Any]) -> str:
    title = source.get("title") or source.get("url", "")
    stance = dict(SourceStance.choices).get(source.get("stance"), "Neutral")
    line = f"{title} ({stance.lower()})"
    if source.get("title"):
        line += f" {source.get('url', '')}"
    if source.get("quote"):
        line += f": “{source['quote']}”"
    return line


# The fields shown for each kind of object, in order, with how to show a value.
def annotation_fields(labels: Labels) -> list[tuple[str, str, Callable[[Any], str]]]:
    return [
        ("state", "State", lambda v: {"draft": "Draft", "submitted": "Submitted"}.get(v, text(v))),
        ("stance", "Stance", stance_label),
        ("verdict", "Verdict", labels.verdict),
        ("checkworthy", "Check-worthy", yes_no),
        ("rationale", "Rationale", text),
    ]


def claim_fields(labels: Labels) -> list[tuple[str, str, Callable[[Any], str]]]:
    return [
        ("status", "Status", status_label),
        ("final_verdict", "Final verdict", labels.verdict),
        ("final_rationale", "Rationale", text),
        ("locked", "Locked", yes_no),
        ("text", "Wording", text),
        ("speaker", "Speaker", text),
        ("claim_types", "Claim types", lambda v: ", ".join(v or [])),
        ("rejection_reason", "Reason", text),
    ]


def changes_between(
    before: dict | None, after: dict | None, fields: list[tuple[str, str, Callable]]
) -> list[Change]:
    """The shown fields whose shown value differs; with nothing before, the non-empty ones."""
    changes = []
    for key, name, show in fields:
        if after is None or key not in after:
            continue
        new = show(after[key])
        if before is None:
            if new and after[key] not in (None, "", [], False):
                changes.append(Change(name, new))
            continue
        old = show(before.get(key))
        if old != new:
            changes.append(Change(name, new, old))
    return changes


def span_change(before: dict | None, after: dict | None) -> list[Change]:
    if not before or not after or not ({"start", "end"} & set(after)):
        return []
    old = f"characters {before.get('start', '?')}–{before.get('end', '?')}"
    new = f"characters {after.get('start', before.get('start'))}–{after.get('end', before.get('end'))}"
    return [Change("Span", new, old)] if old != new else []


def source_changes(before: dict | None, after: dict | None) -> list[Change]:
    """Sources added, removed or changed, one line each."""
    old = {s["url"]: source_line(s) for s in (before or {}).get("sources", [])}
    new = {s["url"]: source_line(s) for s in (after or {}).get("sources", [])}
    if old == new and list(old) == list(new):
        return []
    removed = [line for url, line in old.items() if new.get(url) != line]
    added = [line for url, line in new.items() if old.get(url) != line]
    if not removed and not added:
        return [Change("Sources", "reordered: " + "; ".join(new.values()))]
    return [Change("Sources", "\n".join(added) or "—", "\n".join(removed) or None)]


ANNOTATION_SUMMARIES = {
    "create": "{actor} started an annotation",
    "update": "{actor} changed their draft",
    "submit": "{actor} submitted their annotation",
    "return": "{actor} returned {owner}'s annotation to them",
}
CLAIM_SUMMARIES = {
    "create": "{actor} added this claim",
    "update": "{actor} edited the claim",
    "status": "The claim is now {status}",
    "approve": "{actor} approved the verdict",
    "override": "{actor} overrode the verdict",
    "return": "{actor} returned the claim to its annotators",
    "lock": "{actor} locked the verdict",
    "reopen": "{actor} reopened the verdict for review",
    "reject": "{actor} marked the claim not check-worthy",
}


def entry_for(event: AuditEvent, labels: Labels, comments: Iterable[str]) -> Entry | None:
    actor = event.actor.username if event.actor else "The workbench"
    before, after = event.before, event.after
    common = {"at": event.created_at, "actor": actor, "kind": f"{event.object_type}-{event.action}"}
    if event.object_type == "annotation":
        owner = labels.person((after or before or {}).get("annotator_id"))
        summary = ANNOTATION_SUMMARIES.get(event.action, "{actor}: " + event.action)
        changes = changes_between(before, after, annotation_fields(labels))
        changes += source_changes(before, after)
        return Entry(summary=summary.format(actor=actor, owner=owner), changes=changes, **common)
    if event.object_type == "claim":
        return claim_entry(event, labels, actor, common, comments)
    if event.object_type == "comment":
        return Entry(summary=f"{actor} commented", note=text((after or {}).get("body")), **common)
    if event.object_type == "assignment":
        values = after or before or {}
        person = labels.person(values.get("user_id") or values.get("user"))
        if event.action == "delete":
            return Entry(summary=f"{actor} took the claim back from {person}", **common)
        return Entry(summary=f"{actor} assigned the claim to {person}", **common)
    return None  # reviews are shown with the decision they record


def claim_entry(
    event: AuditEvent, labels: Labels, actor: str, common: dict, comments: Iterable[str]
) -> Entry:
    before, after = event.before, event.after or {}
    changes = changes_between(before, after, claim_fields(labels)) + span_change(before, after)
    note = ""
    if event.action == "merge":
        if "duplicate" in after:
            summary = f"{actor} merged claim #{after['duplicate']} into this one"
        else:
            summary = f"{actor} merged this claim into claim #{after.get('merged_into_id', '?')}"
            changes = [c for c in changes if c.field != "Reason"]
        return Entry(summary=summary, changes=changes, **common)
    summary = CLAIM_SUMMARIES.get(event.action, "{actor}: " + event.action)
    if event.action in ("approve", "override", "return"):
        note = next(iter(comments), "")
    elif event.action == "reopen":
        note = text(after.get("reason"))
    elif event.action == "reject":
        note = text(after.get("rejection_reason"))
        changes = [c for c in changes if c.field != "Reason"]
    if event.action == "status":
        changes = []
    summary = summary.format(actor=actor, status=status_label(after.get("status")).lower())
    return Entry(summary=summary, changes=changes, note=note, **common)


def claim_timeline(claim: Claim) -> list[Entry]:
    """The claim's history, oldest first."""
    events = list(claim_events(claim))
    labels = Labels(claim, events)
    # Each decision (approve, override, return) wrote one review with the editor's comment,
    # in the same order as the decisions.
    comments = iter(claim.reviews.order_by("created_at", "id").values_list("comment", flat=True))
    entries = []
    for event in events:
        decision = event.object_type == "claim" and event.action in (
            "approve",
            "override",
            "return",
        )
        entry = entry_for(event, labels, comments if decision else ())
        if entry is not None:
            entries.append(entry)
    return entries
