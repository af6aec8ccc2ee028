"""Who annotates what: editors assign claims or whole documents to people, or let the
workbench spread the open claims fairly over the project's annotators."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count

from .audit import record_event, record_events, snapshot
from .errors import InvalidInput
from .models import Annotation, Assignment, Claim, ClaimStatus, Document, Project, Role

# Claims still waiting for annotations can be assigned; reviewed ones cannot.
ASSIGNABLE = (ClaimStatus.UNSTARTED, ClaimStatus.IN_PROGRESS)


def assignment_record(assignment: Assignment) -> dict:
    return snapshot(assignment, ["claim", "user", "assigned_by"])


def check_member(project: Project, user) -> None:
    if user is None or not project.memberships.filter(user=user).exists():
        raise InvalidInput("Work can only be assigned to members of the project.", field="user")


def assign_claims(project: Project, actor, user, claims: Iterable[Claim]) -> list[Assignment]:
    """Assign the given claims to one person; claims already assigned to them are skipped.
    Returns the new assignments."""
    check_member(project, user)
    claim_ids = {claim.pk for claim in claims}
    found = Claim.objects.filter(project=project, pk__in=claim_ids)
    if found.count() != len(claim_ids):
        raise InvalidInput("Some of those claims are not in this project.", field="claims")
    closed = found.exclude(status__in=ASSIGNABLE).values_list("pk", flat=True)
    if closed:
        raise InvalidInput(
            f"Claims {', '.join(map(str, sorted(closed)))} are already in review or decided.",
            field="claims",
        )
    with transaction.atomic():
        # Two editors assigning the same claims to the same person: the unique constraint
        # would refuse the second insert; locking the user's rows makes the second skip them.
        taken = set(
            Assignment.objects.select_for_update()
            .filter(user=user, claim_id__in=claim_ids)
            .values_list("claim_id", flat=True)
        )
        created = Assignment.objects.bulk_create(
            Assignment(claim_id=pk, user=user, assigned_by=actor)
            for pk in sorted(claim_ids - taken)
        )
        Claim.objects.filter(pk__in=[a.claim_id for a in created]).refresh_in_queue(project)
        record_events(actor, created, "create", assignment_record, project)
    return created


def assign_document(project: Project, actor, user, document: Document) -> list[Assignment]:
    """Assign every claim of a document that still needs annotating."""
    if document.project_id != project.pk:
        raise InvalidInput("That document is not in this project.", field="document")
    return assign_claims(project, actor, user, document.claims.filter(status__in=ASSIGNABLE))


@transaction.atomic
def unassign(assignment: Assignment, actor) -> None:
    project = assignment.claim.project
    record_event(actor, assignment, "delete", before=assignment_record(assignment), project=project)
    assignment.delete()
    # Her place on the claim is free again.
    Claim.objects.filter(pk=assignment.claim_id).refresh_in_queue(project)


def annotator_loads(project: Project) -> dict[int, int]:
    """Open assignments per annotator of the project (including those with none)."""
    annotators = project.memberships.filter(role=Role.ANNOTATOR).values_list("user_id", flat=True)
    loads = dict.fromkeys(annotators, 0)
    rows = (
        Assignment.objects.filter(
            claim__project=project, claim__status__in=ASSIGNABLE, user_id__in=loads
        )
        .values_list("user_id")
        .annotate(n=Count("id"))
    )
    loads.update(dict(rows))
    return loads


def distribute_claims(project: Project, actor, limit: int | None = None) -> list[Assignment]:
    """Give every open claim as many annotators as the project asks for, each time
    choosing the least-loaded annotators who are not yet on that claim.

    Claims are taken in queue order (most check-worthy first), so with a `limit` the
    most urgent ones are covered first."""
    with transaction.atomic():
        # Two editors distributing at once would read the same loads and double-assign:
        # the project row serialises them.
        project = Project.objects.select_for_update().get(pk=project.pk)
        loads = annotator_loads(project)
        if not loads:
            raise InvalidInput("The project has no annotators to distribute work to.")
        wanted = project.annotations_per_claim
        claims = (
            project.claims.filter(status__in=ASSIGNABLE)
            .annotate(n_assigned=Count("assignments"))
            .filter(n_assigned__lt=wanted)
            .order_by("-score", "document_id", "start", "id")
            .values_list("pk", "n_assigned")
        )
        if limit is not None:
            claims = claims[:limit]
        claims = list(claims)
        # Who is already on each open claim, by assignment or by having started it.
        busy: dict[int, set[int]] = defaultdict(set)
        open_claims = {"claim__project": project, "claim__status__in": ASSIGNABLE}
        for claim_id, user_id in Assignment.objects.filter(**open_claims).values_list(
            "claim_id", "user_id"
        ):
            busy[claim_id].add(user_id)
        for claim_id, user_id in Annotation.objects.filter(**open_claims).values_list(
            "claim_id", "annotator_id"
        ):
            busy[claim_id].add(user_id)

        heap = [(load, user_id) for user_id, load in loads.items()]
        heapq.heapify(heap)
        new = []
        for claim_id, n_assigned in claims:
            skipped, chosen = [], 0
            while heap and chosen < wanted - n_assigned:
                load, user_id = heapq.heappop(heap)
                if user_id in busy[claim_id]:
                    skipped.append((load, user_id))
                    continue
                new.append(Assignment(claim_id=claim_id, user_id=user_id, assigned_by=actor))
                skipped.append((load + 1, user_id))
                chosen += 1
            for item in skipped:
                heapq.heappush(heap, item)
        created = Assignment.objects.bulk_create(new, batch_size=1000)
        project.claims.filter(status__in=ASSIGNABLE).refresh_in_queue(project)
        record_events(actor, created, "create", assignment_record, project)
    return created
