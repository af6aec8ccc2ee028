"""The export page: download a dataset now, prepare one in the background and follow its
progress, or import an annotated dataset."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from .. import access, exports
from ..errors import InvalidInput
from ..exports.filters import ExportFilters
from ..exports.jobs import request_export
from ..forms import ExportForm, ImportForm
from ..imports import DatasetErrors, import_dataset
from ..models import ClaimStatus, Export, JobState, Membership, Project


def download_response(
    project: Project, name: str, filters: ExportFilters | None = None
) -> StreamingHttpResponse:
    """The export in format `name`, streamed as a download while it is written (the page
    and the API). A format that refuses the project raises InvalidInput first."""
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in exports.export_chunks(project, name, filters)),
        content_type=f"{exports.FORMATS[name].content_type}; charset=utf-8",
    )
    filename = exports.filename_for(project, name)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_file_response(export: Export) -> FileResponse:
    """A finished background export's file as a download. Callers have checked membership."""
    response = FileResponse(
        default_storage.open(export.file, "rb"),
        as_attachment=True,
        filename=exports.filename_for(export.project, export.format),
        content_type=exports.FORMATS[export.format].content_type,
    )
    response["X-Content-SHA256"] = export.sha256
    return response


def render_page(
    request: HttpRequest,
    project: Project,
    membership: Membership,
    *,
    form: ExportForm | None = None,
    import_form: ImportForm | None = None,
    summary=None,
    import_errors: list | None = None,
    status: int = 200,
) -> TemplateResponse:
    verdicts = dict(project.rating_scale.labels.values_list("key", "label"))
    context = {
        "project": project,
        "membership": membership,
        "form": form or ExportForm(project=project),
        "import_form": import_form or ImportForm(),
        "exports": [
            (
                export,
                exports.FORMATS[export.format].label
                if export.format in exports.FORMATS
                else export.format,
                describe_filters(export.filters, verdicts),
            )
            for export in project.exports.select_related("requested_by", "job")[:10]
        ],
        "summary": summary,
        "import_errors": import_errors,
    }
    return TemplateResponse(request, "annotations/export.html", context, status=status)


def describe_filters(filters: dict, verdicts: dict[str, str]) -> str:
    """A background export's saved filters, as a person reads them."""
    statuses = dict(ClaimStatus.choices)
    parts = []
    if filters.get("status"):
        parts.append("status " + ", ".join(statuses.get(s, s) for s in filters["status"]))
    if filters.get("verdict"):
        parts.append("verdict " + ", ".join(verdicts.get(v, v) for v in filters["verdict"]))
    if filters.get("document"):
        parts.append(f"document {filters['document']}")
    if filters.get("date_from") or filters.get("date_to"):
        parts.append(
            f"claim date {filters.get('date_from') or '…'} to {filters.get('date_to') or '…'}"
        )
    if filters.get("annotator"):
        parts.append(f"annotated by {filters['annotator']}")
    return "; ".join(parts).capitalize()


@login_required
@require_GET
def export_page(request: HttpRequest, slug: str) -> HttpResponse:
    # Exports hold every annotator's verdicts; annotation is blind, so editors and admins only.
    project, membership = access.get_project_for_user(request.user, slug, review=True)
    form = ExportForm(request.GET or None, project=project)
    if not request.GET:
        return render_page(request, project, membership)
    if not form.is_valid():
        return render_page(request, project, membership, form=form, status=400)
    try:
        return download_response(project, form.cleaned_data["format"], form.filters())
    except InvalidInput as exc:
        form.add_error("format", exc.message)
        return render_page(request, project, membership, form=form, status=400)


@login_required
@require_POST
def export_create(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = access.get_project_for_user(request.user, slug, review=True)
    form = ExportForm(request.POST, project=project)
    if not form.is_valid():
        return render_page(request, project, membership, form=form, status=400)
    try:
        request_export(project, request.user, form.cleaned_data["format"], form.filters())
    except InvalidInput as exc:
        form.add_error("format", exc.message)
        return render_page(request, project, membership, form=form, status=400)
    messages.success(request, "The export is being prepared; it appears below when ready.")
    return redirect("annotations:export", slug=project.slug)


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(Export.objects.select_related("project", "job"), pk=pk)
    access.check_role(access.get_membership(request.user, export.project), review=True)
    if export.job.state != JobState.DONE:
        messages.error(request, "That export is not ready yet.")
        return redirect("annotations:export", slug=export.project.slug)
    return export_file_response(export)


@login_required
@require_POST
def dataset_import(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = access.get_project_for_user(request.user, slug, review=True)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_page(request, project, membership, import_form=form, status=400)
    data = form.cleaned_data
    try:
        summary = import_dataset(
            project,
            request.user,
            data["format"],
            data["file"].name,
            data["file"].read(),
            dry_run=data["dry_run"],
            skip_bad_lines=data["skip_bad_lines"],
        )
    except DatasetErrors as exc:
        # The lines are listed below the form; the message above them only counts them.
        n = len(exc.errors)
        form.add_error(
            "file",
            f"{data['file'].name}: {n} line{'s' if n != 1 else ''} cannot be imported, so "
            "nothing was. Fix the file, or choose to skip bad lines.",
        )
        return render_page(
            request, project, membership, import_form=form, import_errors=exc.errors, status=400
        )
    except InvalidInput as exc:
        exc.source = exc.source or data["file"].name
        form.add_error("file", str(exc))
        return render_page(request, project, membership, import_form=form, status=400)
    return render_page(request, project, membership, summary=summary)
