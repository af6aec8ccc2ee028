"""A project's documents over the API: listed newest first, added one by one or by file,
and read."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from .. import access
from ..ingest import DocumentInput, create_document, create_documents, parse_file
from ..models import Document, Project
from .filters import DocumentFilter
from .pagination import Cursor
from .parsers import JSONParser
from .serializers import (
    DocumentInputSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
)


class DocumentPagination(Cursor):
    """Keyset pages, newest document first: any page costs what the first does, however
    deep (an offset would read and skip every document before it). The number of matching
    documents comes only on request (`count=true`): counting reads them all."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 1000

    def paginate_queryset(self, queryset, request, view=None):
        self.count = queryset.count() if request.query_params.get("count") == "true" else None
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.count is not None:
            response.data = {"count": self.count, **response.data}
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"] = {
            "type": "integer",
            "description": "the number of matching documents, with `count=true`",
        }
        return schema


class DocumentListCreate(generics.ListCreateAPIView):
    """List a project's documents, newest first, or add one: JSON `{title, text, ...}` or a
    multipart `file` (.txt, .md, .html, .jsonl, .csv; a JSONL or CSV file may hold many)."""

    serializer_class = DocumentSerializer
    pagination_class = DocumentPagination
    # For the schema's filter parameters only: get_queryset() scopes every request.
    queryset = Document.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = DocumentFilter

    def get_project(self) -> Project:
        project, _ = access.get_project_for_user(self.request.user, self.kwargs["slug"])
        return project

    @extend_schema(
        parameters=[
            OpenApiParameter("count", bool, description="add the number of matching documents"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.get_project().documents.select_related("extraction_job")

    @extend_schema(request=DocumentInputSerializer, responses={201: DocumentSerializer})
    def post(self, request: Request, slug: str) -> Response:
        project = self.get_project()
        if "file" in request.FILES:
            upload = DocumentUploadSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            file = upload.validated_data["file"]
            docs = parse_file(file.name, file.read())
            documents = create_documents(project, request.user, docs)
            if len(documents) == 1:
                return Response(
                    DocumentSerializer(documents[0]).data, status=status.HTTP_201_CREATED
                )
            # A file of thousands of documents: what was created, not their texts again.
            created = [
                {"id": d.pk, "title": d.title, "extraction_status": d.extraction_job.state}
                for d in documents
            ]
            return Response({"documents": created}, status=status.HTTP_201_CREATED)
        serializer = DocumentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = create_document(
            project, request.user, DocumentInput(**serializer.validated_data)
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDetail(generics.RetrieveAPIView):
    serializer_class = DocumentSerializer

    def get_object(self):
        document, _ = access.get_document_for_user(self.request.user, self.kwargs["pk"])
        return document
