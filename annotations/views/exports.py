from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from .. import access, exports
from ..forms import (
    ExportForm,
)


@login_required
@require_GET
def export_page(request: HttpRequest, slug: str) -> HttpResponse:
    project, membership = access.get_project_for_user(request.user, slug)
    form = ExportForm(request.GET or None)
    if form.is_valid():
        return exports.streaming_response(project, form.cleaned_data["format"])
    return TemplateResponse(
        request,
        "annotations/export.html",
        {"project": project, "membership": membership, "form": ExportForm()},
    )
