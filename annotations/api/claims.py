"""A project's claims over the API: listed with filters, read and edited."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from .. import access
from ..claims import update_claim
from ..models import Claim
from .filters import ClaimFilter
from .pagination import Cursor
from .serializers import ClaimSerializer, ClaimUpdateSerializer


class ClaimPagination(Cursor):
    ordering = ("document_id", "start", "id")
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class ClaimList(generics.ListAPIView):
    serializer_class = ClaimSerializer
    # For the schema's filter parameters only: get_queryset() scopes every request.
    queryset = Claim.objects.none()
    pagination_class = ClaimPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = ClaimFilter

    def get_queryset(self):
        project, _ = access.get_project_for_user(self.request.user, self.kwargs["slug"])
        return project.claims.all()


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
