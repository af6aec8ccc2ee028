"""Organisations, their admins and their projects: seen and changed by their admins only."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from .. import access
from ..models import Organisation
from ..organisations import (
    add_admin,
    add_project,
    create_organisation,
    remove_admin,
    remove_project,
    update_organisation,
)
from .serializers import StrictModelSerializer, StrictSerializer


class OrganisationSerializer(StrictModelSerializer):
    slug = serializers.SlugField(required=False, max_length=60)
    # Checked by create_organisation, whose message names the field.
    url = serializers.CharField(required=False, allow_blank=True)
    admins = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    projects = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = ["slug", "name", "url", "admins", "projects", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"slug": {"validators": []}}


class OrganisationChangeSerializer(StrictSerializer):
    name = serializers.CharField(required=False, allow_blank=True)
    url = serializers.CharField(required=False, allow_blank=True)


class AdminSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)


class ProjectSlugSerializer(StrictSerializer):
    project = serializers.CharField(max_length=60)


class OrganisationProjectSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


def organisations_of(user):
    return Organisation.objects.administered_by(user).prefetch_related("admins", "projects")


class OrganisationList(generics.ListCreateAPIView):
    """The organisations you administer; creating one makes you its first admin."""

    serializer_class = OrganisationSerializer
    pagination_class = None

    def get_queryset(self):
        return organisations_of(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = create_organisation(self.request.user, **serializer.validated_data)


class OrganisationDetail(generics.RetrieveAPIView):
    serializer_class = OrganisationSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return organisations_of(self.request.user)

    @extend_schema(request=OrganisationChangeSerializer, responses=OrganisationSerializer)
    def patch(self, request: Request, slug: str) -> Response:
        organisation = access.get_organisation_for_user(request.user, slug)
        serializer = OrganisationChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = update_organisation(organisation, request.user, serializer.validated_data)
        return Response(
            OrganisationSerializer(organisations_of(request.user).get(pk=organisation.pk)).data
        )


class OrganisationAdminList(generics.ListAPIView):
    """The organisation's admins; an admin adds another by username."""

    serializer_class = AdminSerializer
    pagination_class = None

    def get_queryset(self):
        organisation = access.get_organisation_for_user(self.request.user, self.kwargs["slug"])
        return organisation.admins.order_by("username")

    @extend_schema(request=AdminSerializer, responses={201: AdminSerializer})
    def post(self, request: Request, slug: str) -> Response:
        organisation = access.get_organisation_for_user(request.user, slug)
        serializer = AdminSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = add_admin(organisation, request.user, serializer.validated_data["username"])
        return Response(AdminSerializer(user).data, status=status.HTTP_201_CREATED)


class OrganisationAdminDetail(generics.GenericAPIView):
    serializer_class = AdminSerializer

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, username: str) -> Response:
        organisation = access.get_organisation_for_user(request.user, slug)
        user = get_object_or_404(get_user_model(), username=username)
        remove_admin(organisation, request.user, user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganisationProjectList(generics.ListAPIView):
    """The organisation's projects; an admin adds one she also administers."""

    serializer_class = OrganisationProjectSerializer
    pagination_class = None

    def get_queryset(self):
        organisation = access.get_organisation_for_user(self.request.user, self.kwargs["slug"])
        return organisation.projects.order_by("name")

    @extend_schema(request=ProjectSlugSerializer, responses={201: OrganisationProjectSerializer})
    def post(self, request: Request, slug: str) -> Response:
        organisation = access.get_organisation_for_user(request.user, slug)
        serializer = ProjectSlugSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = add_project(organisation, request.user, serializer.validated_data["project"])
        return Response(OrganisationProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class OrganisationProjectDetail(generics.GenericAPIView):
    serializer_class = OrganisationProjectSerializer

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, project: str) -> Response:
        organisation = access.get_organisation_for_user(request.user, slug)
        member = get_object_or_404(organisation.projects, slug=project)
        remove_project(organisation, request.user, member)
        return Response(status=status.HTTP_204_NO_CONTENT)
