"""Project members: listed for editors and admins, changed by admins only."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from .. import access
from ..models import Membership, Role
from ..projects import change_role, invite_member, remove_member
from .serializers import StrictSerializer


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "role", "created_at"]
        read_only_fields = fields


class MemberInputSerializer(StrictSerializer):
    # The role is checked by invite_member, whose message lists the allowed roles.
    username = serializers.CharField(max_length=150)
    role = serializers.CharField(default=Role.ANNOTATOR)


class RoleInputSerializer(StrictSerializer):
    role = serializers.CharField()


class MemberList(generics.ListAPIView):
    serializer_class = MemberSerializer
    pagination_class = None

    def get_queryset(self):
        project, _ = access.get_project_for_user(
            self.request.user, self.kwargs["slug"], review=True
        )
        return project.memberships.select_related("user").order_by("user__username")

    @extend_schema(request=MemberInputSerializer, responses={201: MemberSerializer})
    def post(self, request: Request, slug: str) -> Response:
        project, _ = access.get_project_for_user(request.user, slug, admin=True)
        serializer = MemberInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = invite_member(project, request.user, **serializer.validated_data)
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)


class MemberDetail(generics.GenericAPIView):
    """One member, addressed by username or by membership id."""

    serializer_class = MemberSerializer

    def get_object(self):
        project, _ = access.get_project_for_user(self.request.user, self.kwargs["slug"], admin=True)
        key = self.kwargs["member"]
        lookup = {"pk": int(key)} if key.isdigit() else {"user__username": key}
        return project, get_object_or_404(project.memberships.select_related("user"), **lookup)

    def get(self, request: Request, slug: str, member: str) -> Response:
        _, membership = self.get_object()
        return Response(MemberSerializer(membership).data)

    @extend_schema(request=RoleInputSerializer, responses=MemberSerializer)
    def patch(self, request: Request, slug: str, member: str) -> Response:
        project, membership = self.get_object()
        serializer = RoleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = change_role(
            project, request.user, membership, serializer.validated_data["role"]
        )
        return Response(MemberSerializer(membership).data)

    def delete(self, request: Request, slug: str, member: str) -> Response:
        project, membership = self.get_object()
        remove_member(project, request.user, membership)
        return Response(status=status.HTTP_204_NO_CONTENT)
