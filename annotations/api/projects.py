"""Projects over the API: listed, created, read and changed."""

from __future__ import annotations

from rest_framework import generics

from .. import access
from ..models import Project
from ..projects import create_project, update_project
from .serializers import ProjectSerializer


class ProjectList(generics.ListCreateAPIView):
    serializer_class = ProjectSerializer
    pagination_class = None

    def get_queryset(self):
        return (
            Project.objects.for_user(self.request.user)
            .select_related("rating_scale", "organisation")
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
        return Project.objects.for_user(self.request.user).select_related(
            "rating_scale", "organisation"
        )

    def perform_update(self, serializer):
        project = serializer.instance
        access.check_role(access.get_membership(self.request.user, project), admin=True)
        changes = dict(serializer.validated_data)
        changes.pop("slug", None)
        serializer.instance = update_project(project, self.request.user, changes)
