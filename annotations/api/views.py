from __future__ import annotations

from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import access, exports
from ..annotating import save_annotation
from ..claims import update_claim
from ..exports.filters import FILTER_NAMES, ExportFilters, split_list
from ..ingest import DocumentInput, create_document, create_documents, parse_file
from ..models import Annotation, Project
from ..projects import create_project, update_project
from ..review import review_claim
from .serializers import (
    AnnotationInputSerializer,
    AnnotationSerializer,
    ClaimSerializer,
    ClaimUpdateSerializer,
    DocumentInputSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    ProjectSerializer,
    ReviewInputSerializer,
    ReviewSerializer,
)


class ProjectList(generics.ListCreateAPIView):
    serializer_class = ProjectSerializer
    pagination_class = None

    def get_queryset(self):
        return (
            Project.objects.for_user(self.request.user)
            .select_related("rating_scale")
            .prefetch_related("rating_scale__labels")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = create_project(
            self.request.user, name=data.pop("name"), slug=data.pop("slug", ""), **data
        )


class ProjectDetail(generics.RetrieveUpdateAPIView):
    serializer_class = ProjectSerializer
    lookup_field = "slug"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return Project.objects.for_user(self.request.user).select_related("rating_scale")

    def perform_update(self, serializer):
        project = serializer.instance
        access.check_role(access.get_membership(self.request.user, project), admin=True)
        changes = dict(serializer.validated_data)
        changes.pop("slug", None)
        serializer.instance = update_project(project, self.request.user, changes)


class DocumentPagination(CursorPagination):
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
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_project(self) -> Project:
        project, _ = access.get_project_for_user(self.request.user, self.kwargs["slug"])
        return project

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="title or text contains (case-insensitive)"),
            OpenApiParameter(
                "extraction_status", str, description="comma-separated: queued,running,done,failed"
            ),
            OpenApiParameter("count", bool, description="add the number of matching documents"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        documents = self.get_project().documents.select_related("extraction_job")
        params = self.request.query_params
        if params.get("q"):
            # Trigram indexes serve this on PostgreSQL (migration document_list_index).
            documents = documents.filter(
                Q(title__icontains=params["q"]) | Q(text__icontains=params["q"])
            )
        if params.get("extraction_status"):
            documents = documents.filter(
                extraction_job__state__in=split_list(params["extraction_status"])
            )
        return documents

    @extend_schema(request=DocumentInputSerializer, responses={201: DocumentSerializer})
    def post(self, request: Request, slug: str) -> Response:
        project = self.get_project()
        if "file" in request.FILES:
            upload = DocumentUploadSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            file = upload.validated_data["file"]
            docs = parse_file(file.name, file.read())
            documents = create_documents(project, request.user, docs)
            payload = DocumentSerializer(documents, many=True).data
            if len(payload) == 1:
                return Response(payload[0], status=status.HTTP_201_CREATED)
            return Response({"documents": payload}, status=status.HTTP_201_CREATED)
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


class ClaimPagination(CursorPagination):
    ordering = ("document_id", "start", "id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class ClaimList(generics.ListAPIView):
    serializer_class = ClaimSerializer
    pagination_class = ClaimPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("document", int),
            OpenApiParameter("min_score", float),
            OpenApiParameter("q", str, description="text contains"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        project, _ = access.get_project_for_user(self.request.user, self.kwargs["slug"])
        claims = project.claims.all()
        params = self.request.query_params
        if params.get("status"):
            claims = claims.filter(status__in=params["status"].split(","))
        if params.get("document"):
            claims = claims.filter(document_id=params["document"])
        if params.get("min_score"):
            claims = claims.filter(score__gte=params["min_score"])
        if params.get("q"):
            claims = claims.filter(
                Q(text__icontains=params["q"]) | Q(speaker__icontains=params["q"])
            )
        return claims


class ClaimDetail(generics.RetrieveUpdateAPIView):
    serializer_class = ClaimSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        claim, _ = access.get_claim_for_user(self.request.user, self.kwargs["pk"])
        return claim

    @extend_schema(request=ClaimUpdateSerializer, responses=ClaimSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        claim = self.get_object()
        serializer = ClaimUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        claim = update_claim(claim, request.user, changes, version)
        return Response(ClaimSerializer(claim).data)


class MyAnnotation(APIView):
    """The caller's own annotation of a claim."""

    @extend_schema(responses=AnnotationSerializer)
    def get(self, request: Request, pk: int) -> Response:
        claim, _ = access.get_claim_for_user(request.user, pk)
        annotation = get_object_or_404(
            Annotation.objects.with_sources(), claim=claim, annotator=request.user
        )
        annotation.claim = claim
        return Response(AnnotationSerializer(annotation).data)

    @extend_schema(request=AnnotationInputSerializer, responses=AnnotationSerializer)
    def put(self, request: Request, pk: int) -> Response:
        claim, _ = access.get_claim_for_user(request.user, pk)
        serializer = AnnotationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        annotation = save_annotation(claim, request.user, **serializer.validated_data)
        return Response(AnnotationSerializer(annotation).data)


class ClaimReview(APIView):
    @extend_schema(request=ReviewInputSerializer, responses={201: ReviewSerializer})
    def post(self, request: Request, pk: int) -> Response:
        claim, _ = access.get_claim_for_user(request.user, pk, review=True)
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        review = review_claim(claim, request.user, annotation_id=data.pop("annotation"), **data)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class ProjectExport(APIView):
    """The project's claims as a streamed file, whatever its size."""

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=list(exports.FORMATS)),
            *[OpenApiParameter(name, str) for name in FILTER_NAMES],
        ],
        responses={(200, "application/octet-stream"): bytes},
    )
    def get(self, request: Request, slug: str) -> StreamingHttpResponse:
        # Exports hold every annotator's verdicts, which annotators may not see (blind
        # annotation): editors and admins only.
        project, _ = access.get_project_for_user(request.user, slug, review=True)
        name = request.query_params.get("format", "jsonl")
        if name not in exports.FORMATS:
            raise Http404(f"Unknown format {name!r}.")
        filters = ExportFilters.from_params(request.query_params)
        return exports.streaming_response(project, name, filters)
