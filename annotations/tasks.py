"""Celery tasks: thin wrappers that take ids, load rows and call the domain code."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError

from .claims import mark_extraction_failed, run_extraction
from .matches import match_claim_with_verdict
from .models import Claim, Document, Export
from .sources import archive_source

log = logging.getLogger(__name__)

MAX_RETRIES = 3


@shared_task(bind=True, max_retries=MAX_RETRIES)
def extract_claims(self, document_id: int) -> None:
    """Pre-extract the claims of one document; the outcome is recorded on the document.

    A database that went away for a moment (OperationalError) is retried with backoff; once the retries are
    spent, or for any other error, the document is marked failed with the reason."""
    try:
        document = Document.objects.select_related("project").filter(pk=document_id).first()
        if document is None:
            return
        run_extraction(document)
    except OperationalError as exc:
        if self.request.retries < MAX_RETRIES:
            raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
        log.exception("extraction of document %s failed after retries", document_id)
        mark_extraction_failed(
            document_id, f"The database was unavailable ({MAX_RETRIES} retries): {exc}"
        )
    except SoftTimeLimitExceeded:
        mark_extraction_failed(document_id, "Extraction took longer than the time limit.")
    except Exception as exc:
        log.exception("extraction of document %s failed", document_id)
        mark_extraction_failed(document_id, f"{type(exc).__name__}: {exc}")


@shared_task(
    autoretry_for=(OperationalError,),  # the database went away for a moment
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=150,
)
def fetch_source(source_id: int) -> None:
    """Archive the page behind one source URL; the outcome is recorded on the source."""
    archive_source(source_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def refresh_dashboard(project_id: int) -> None:
    """Recompute a project's dashboard figures; a failure is recorded on the snapshot."""
    from .dashboard import refresh_snapshot
    from .models import DashboardSnapshot, Project

    project = Project.objects.select_related("rating_scale").filter(pk=project_id).first()
    if project is None:
        return
    try:
        refresh_snapshot(project)
    except OperationalError:
        raise
    except Exception as exc:
        log.exception("dashboard refresh of project %s failed", project_id)
        DashboardSnapshot.objects.filter(project_id=project_id).update(
            state=DashboardSnapshot.State.FAILED, error=f"{type(exc).__name__}: {exc}"
        )


@shared_task(
    autoretry_for=(OperationalError,),  # the database went away for a moment
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=60 * 60,
    time_limit=65 * 60,
)
def build_export(export_id: int) -> None:
    """Build one background export's file; the outcome is recorded on the Export row."""
    from .exports.jobs import mark_export_failed, run_export

    export = Export.objects.filter(pk=export_id, status=Export.Status.QUEUED).first()
    if export is None:
        return
    try:
        run_export(export)
    except OperationalError:
        Export.objects.filter(pk=export_id).update(status=Export.Status.QUEUED)
        raise
    except SoftTimeLimitExceeded:
        mark_export_failed(export_id, "The export took longer than the time limit.")
    except Exception as exc:
        log.exception("export %s failed", export_id)
        mark_export_failed(export_id, f"{type(exc).__name__}: {exc}")


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=MAX_RETRIES)
def match_checked_claim(claim_id: int) -> None:
    """A claim got its verdict: link the organisation's open claims that repeat it."""
    claim = Claim.objects.select_related("project").filter(pk=claim_id).first()
    if claim is not None:
        match_claim_with_verdict(claim)
