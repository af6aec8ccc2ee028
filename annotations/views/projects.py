from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from .. import access, jobs
from ..claim_list import DEFAULT_SORT, ClaimFilters, claim_page
from ..errors import InvalidInput
from ..forms import (
    ClaimFilterForm,
    DocumentForm,
    NewProjectForm,
    ProjectForm,
    mapping_from,
)
from ..models import Claim, ClaimStatus, Document, JobKind, Membership, Project
from ..projects import create_project, update_project
from ..review import returned_claims
from ..scales import NeedsMapping


@login_required
@require_GET
def project_list(request: HttpRequest) -> TemplateResponse:
    projects = Project.objects.for_user(request.user).annotate(n_claims=Count("claims"))
    return TemplateResponse(
        request, "annotations/project_list.html", {"projects": projects, "form": NewProjectForm()}
    )


@login_required
@require_POST
def project_create(request: HttpRequest) -> HttpResponse:
    form = NewProjectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A project needs a name.")
        return redirect("annotations:project-list")
    project = create_project(request.user, name=form.cleaned_data["name"])
    return redirect("annotations:project-detail", slug=project.slug)


@login_required
@require_GET
def project_detail(request: HttpRequest, slug: str) -> TemplateResponse:
    project, membership = access.get_project_for_user(request.user, slug)
    return project_page(request, project, membership, DocumentForm())


def project_page(
    request: HttpRequest,
    project: Project,
    membership: Membership,
    form: DocumentForm,
    *,
    duplicate: Document | None = None,
    status: int = 200,
) -> TemplateResponse:
    """The project page: its claims table as the query string filters and orders it, and
    the paste form as given (empty, or as the person filled it in, with what was wrong)."""
    table = claims_table(request, project, membership)
    if table["filter_form"].errors and status == 200:
        status = 400
    return TemplateResponse(
        request,
        "annotations/project_detail.html",
        {
            "project": project,
            "membership": membership,
            **recent_documents(project),
            "extraction": jobs.counts(project)[JobKind.EXTRACT],
            "status_counts": status_counts(project),
            "form": form,
            "duplicate": duplicate,
            "returned": returned_claims(project, request.user)[:20],
            **table,
        },
        status=status,
    )


# The project page lists the latest documents; the claims table finds any other by number.
DOCUMENTS_SHOWN = 20
# Counting a million claims on every visit would cost the page a second: counts stop here
# and read "10,000+" (the dashboard has the exact figures).
COUNT_UP_TO = 10_000


def bounded_count(queryset) -> tuple[int, bool]:
    """The number of rows up to COUNT_UP_TO, and whether there are more."""
    n = queryset.order_by().values("pk")[: COUNT_UP_TO + 1].count()
    return min(n, COUNT_UP_TO), n > COUNT_UP_TO


def status_counts(project: Project) -> list[tuple[str, str, int, bool]]:
    """Per status: its value, label, number of claims (bounded) and whether there are more.
    Each is an index-only range scan of at most COUNT_UP_TO entries."""
    return [
        (value, label, *bounded_count(project.claims.filter(status=value)))
        for value, label in ClaimStatus.choices
    ]


def recent_documents(project: Project) -> dict:
    """The latest documents with their numbers of claims, and how many there are in all."""
    documents = list(
        project.documents.defer("text")
        .select_related("extraction_job")
        .order_by("-id")[:DOCUMENTS_SHOWN]
    )
    counts = dict(
        Claim.objects.filter(document__in=documents)
        .values_list("document")
        .annotate(n=Count("id"))
        .order_by()
    )
    for document in documents:
        document.n_claims = counts.get(document.pk, 0)
    total, more = len(documents), False
    if total == DOCUMENTS_SHOWN:
        total, more = bounded_count(project.documents)
    return {"documents": documents, "n_documents": total, "more_documents": more}


def claims_table(request: HttpRequest, project: Project, membership: Membership) -> dict:
    """The claims table's filter form, page and links to the pages beside it. Filters with
    a mistake are shown with it, and the table unfiltered."""
    form = ClaimFilterForm(request.GET, project=project, membership=membership)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    page = claim_page(
        project,
        form.filters() if valid else ClaimFilters(),
        sort_name=data.get("sort") or DEFAULT_SORT,
        after=data.get("after", ""),
        before=data.get("before", ""),
    )
    if not membership.can_review:  # annotation is blind: her own work only
        me = request.user.username
        page.annotators = {
            pk: [row for row in rows if row[0] == me] for pk, rows in page.annotators.items()
        }
    query = request.GET.copy()
    for name in ("after", "before"):
        query.pop(name, None)
    return {
        "filter_form": form,
        "page": page,
        "labels": dict(project.rating_scale.labels.values_list("key", "label")),
        "statuses": dict(ClaimStatus.choices),
        "table_query": query.urlencode(),
        "filtered": valid
        and any(v for k, v in data.items() if k not in ("sort", "after", "before")),
    }


@login_required
def project_settings(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = access.get_project_for_user(request.user, slug, admin=True)
    form = ProjectForm(request.POST or None, instance=Project.objects.get(pk=project.pk))
    missing: dict[str, int] = {}
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            update_project(
                project, request.user, changes, verdict_mapping=mapping_from(request.POST)
            )
        except NeedsMapping as exc:
            missing, new_scale = exc.missing, changes["rating_scale"]
            form.add_error("rating_scale", "Choose below what each verdict already given becomes.")
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Settings saved.")
            return redirect("annotations:project-settings", slug=project.slug)
    context = {"project": project, "membership": membership, "form": form, "missing": missing}
    if missing:
        context["new_labels"] = new_scale.labels.all()
        context["chosen"] = mapping_from(request.POST)
    status = 400 if form.errors else 200
    return TemplateResponse(request, "annotations/project_settings.html", context, status=status)
