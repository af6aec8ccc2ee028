"""A project's claims over the API: listed with filters, read and edited."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from .. import access
from ..claims import update_claim
from .serializers import ClaimSerializer, ClaimUpdateSerializer


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
