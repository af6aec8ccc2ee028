from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .. import access
from ..claims import extract_again
from ..errors import Busy, InvalidInput, TooLarge
from ..forms import DocumentForm
from ..ingest import (
    DocumentInput,
    DuplicateDocument,
    create_document,
    create_documents,
    parse_file,
)
from ..models import Document, Project
from .projects import project_page


@login_required
@require_POST
def document_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a pasted text or an uploaded file. Any error shows on the project page beside
    the form, still filled in as it was sent."""
    project, membership = access.get_project_for_user(request.user, slug)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return project_page(request, project, membership, form, status=400)
    try:
        documents = add_documents(project, request.user, form.cleaned_data)
    except InvalidInput as exc:
        form.add_error(*placed_error(form, exc))
        duplicate = exc.document if isinstance(exc, DuplicateDocument) else None
        status = 413 if isinstance(exc, TooLarge) else 400
        return project_page(request, project, membership, form, duplicate=duplicate, status=status)
    if len(documents) == 1:
        return redirect(documents[0])
    messages.success(
        request, f"{len(documents)} documents added; their claims are being extracted."
    )
    return redirect("annotations:project-detail", slug=slug)


@login_required
@require_POST
def document_extract_again(request: HttpRequest, pk: int) -> HttpResponse:
    document, membership = access.get_document_for_user(request.user, pk)
    access.check_role(membership, review=True)
    try:
        extract_again(document, request.user)
    except Busy as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The claims are being extracted again.")
    return redirect("annotations:document-detail", pk=document.pk)


def add_documents(project: Project, user, data: dict[str, Any]) -> list[Document]:
    if data["file"]:
        return create_documents(project, user, parse_file(data["file"].name, data["file"].read()))
    doc = DocumentInput(title=data["title"], text=data["text"], url=data["url"])
    return [create_document(project, user, doc)]


def placed_error(form: DocumentForm, exc: InvalidInput) -> tuple[str | None, str]:
    """Where on the form an error belongs, and its message: anything wrong in an upload
    goes beside the file, naming the file and line; the rest beside the field it names."""
    if form.cleaned_data["file"]:
        return "file", str(exc)
    field = exc.field if exc.field in form.fields else None
    return field, exc.message[:1].upper() + exc.message[1:]
