from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from . import matches, views

app_name = "api"

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="token"),
    path("projects/", views.ProjectList.as_view(), name="project-list"),
    path("projects/<slug:slug>/", views.ProjectDetail.as_view(), name="project-detail"),
    path(
        "projects/<slug:slug>/documents/",
        views.DocumentListCreate.as_view(),
        name="document-list",
    ),
    path("projects/<slug:slug>/claims/", views.ClaimList.as_view(), name="claim-list"),
    path("projects/<slug:slug>/export/", views.ProjectExport.as_view(), name="project-export"),
    path("documents/<int:pk>/", views.DocumentDetail.as_view(), name="document-detail"),
    path("claims/<int:pk>/", views.ClaimDetail.as_view(), name="claim-detail"),
    path("claims/<int:pk>/annotation/", views.MyAnnotation.as_view(), name="my-annotation"),
    path("claims/<int:pk>/matches/", matches.ClaimMatchList.as_view(), name="claim-matches"),
    path("claims/<int:pk>/review/", views.ClaimReview.as_view(), name="claim-review"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
