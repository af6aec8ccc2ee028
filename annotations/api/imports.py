"""Imports of annotated datasets over the API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import access
from ..imports import IMPORT_FORMATS, import_dataset
from .serializers import StrictSerializer


class ImportInputSerializer(StrictSerializer):
    file = serializers.FileField()
    format = serializers.ChoiceField(choices=list(IMPORT_FORMATS))
    dry_run = serializers.BooleanField(default=False)
    skip_bad_lines = serializers.BooleanField(default=False)


class DatasetImport(APIView):
    """Import an annotated dataset (multipart `file`, `format`, `dry_run`,
    `skip_bad_lines`). Editors and admins only: imported claims arrive approved."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ImportInputSerializer, responses={201: dict, 200: dict})
    def post(self, request: Request, slug: str) -> Response:
        project, _ = access.get_project_for_user(request.user, slug, review=True)
        serializer = ImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        summary = import_dataset(
            project,
            request.user,
            data["format"],
            data["file"].name,
            data["file"].read(),
            dry_run=data["dry_run"],
            skip_bad_lines=data["skip_bad_lines"],
        )
        return Response(
            summary.as_dict() | {"summary": summary.describe()},
            status=status.HTTP_200_OK if summary.dry_run else status.HTTP_201_CREATED,
        )
