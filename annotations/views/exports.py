"""The export page: download a dataset now, prepare one in the background and follow its
progress, or import an annotated dataset."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from .. import access, exports
from ..errors import InvalidInput
from ..exports.jobs import export_file_response, request_export
from ..forms import ExportForm, ImportForm
from ..imports import DatasetErrors, import_dataset
from ..models import Export, JobState, Membership, Project


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
    context = {
        "project": project,
        "membership": membership,
        "form": form or ExportForm(project=project),
        "import_form": import_form or ImportForm(),
        "exports": project.exports.select_related("requested_by", "job")[:10],
        "summary": summary,
        "import_errors": import_errors,
    }
    return TemplateResponse(request, "annotations/export.html", context, status=status)


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
        return exports.streaming_response(project, form.cleaned_data["format"], form.filters())
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
    except InvalidInput as exc:
        form.add_error("file", str(exc))
        errors = exc.errors if isinstance(exc, DatasetErrors) else None
        return render_page(
            request, project, membership, import_form=form, import_errors=errors, status=400
        )
    return render_page(request, project, membership, summary=summary)
