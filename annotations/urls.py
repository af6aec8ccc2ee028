from django.urls import path

from . import views

app_name = "annotations"

urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("projects/new/", views.project_create, name="project-create"),
    path("projects/<slug:slug>/", views.project_detail, name="project-detail"),
    path("projects/<slug:slug>/settings/", views.project_settings, name="project-settings"),
    path("projects/<slug:slug>/documents/new/", views.document_create, name="document-create"),
    path("projects/<slug:slug>/review/", views.review_queue, name="review-queue"),
    path("projects/<slug:slug>/export/", views.export_page, name="export"),
    path("documents/<int:pk>/", views.document_detail, name="document-detail"),
    path("claims/<int:pk>/", views.claim_annotate, name="claim-annotate"),
    path("claims/<int:pk>/review/", views.claim_review, name="claim-review"),
]
