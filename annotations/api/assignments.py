"""Assignments of claims to annotators, made by editors and admins."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import access
from ..assignments import assign_claims, assign_document, distribute_claims, unassign
from ..errors import InvalidInput
from ..models import Assignment, Claim
from .filters import AssignmentFilter
from .serializers import StrictSerializer


class AssignmentSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    assigned_by = serializers.CharField(
        source="assigned_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Assignment
        fields = ["id", "claim", "user", "assigned_by", "created_at"]
        read_only_fields = fields


class AssignInputSerializer(StrictSerializer):
    user = serializers.CharField(help_text="username")
    claims = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    document = serializers.IntegerField(required=False, allow_null=True, default=None)


class DistributeInputSerializer(StrictSerializer):
    limit = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class AssignmentList(generics.ListAPIView):
    serializer_class = AssignmentSerializer
    # For the schema's filter parameters only: get_queryset() scopes every request.
    queryset = Assignment.objects.none()
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssignmentFilter

    def get_queryset(self):
        project, _ = access.get_project_for_user(
            self.request.user, self.kwargs["slug"], review=True
        )
        rows = Assignment.objects.filter(claim__project=project).select_related(
            "user", "assigned_by"
        )
        return rows.order_by("-created_at", "-id")

    @extend_schema(request=AssignInputSerializer, responses={201: AssignmentSerializer(many=True)})
    def post(self, request: Request, slug: str) -> Response:
        project, _ = access.get_project_for_user(request.user, slug, review=True)
        serializer = AssignInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = get_user_model().objects.filter(username=data["user"]).first()
        if data["document"] is not None:
            document = project.documents.defer("text").filter(pk=data["document"]).first()
            if document is None:
                raise InvalidInput("That document is not in this project.", field="document")
            created = assign_document(project, request.user, user, document)
        elif data["claims"]:
            claims = [Claim(pk=pk) for pk in data["claims"]]
            created = assign_claims(project, request.user, user, claims)
        else:
            raise InvalidInput("Give `claims` (a list of ids) or a `document`.", field="claims")
        return Response(
            AssignmentSerializer(created, many=True).data, status=status.HTTP_201_CREATED
        )


class AssignmentDistribute(APIView):
    """Spread the project's open claims over its annotators, least-loaded first."""

    @extend_schema(request=DistributeInputSerializer, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, slug: str) -> Response:
        project, _ = access.get_project_for_user(request.user, slug, review=True)
        serializer = DistributeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = distribute_claims(project, request.user, serializer.validated_data["limit"])
        return Response({"created": len(created)}, status=status.HTTP_201_CREATED)


class AssignmentDetail(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        assignment = get_object_or_404(Assignment.objects.select_related("claim__project"), pk=pk)
        access.check_role(
            access.get_membership(request.user, assignment.claim.project), review=True
        )
        unassign(assignment, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
