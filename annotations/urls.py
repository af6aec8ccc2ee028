from django.urls import path

from .views import annotate, documents, exports, projects, review

app_name = "annotations"

urlpatterns = [
    path("", projects.project_list, name="project-list"),
    path("projects/new/", projects.project_create, name="project-create"),
    path("projects/<slug:slug>/", projects.project_detail, name="project-detail"),
    path("projects/<slug:slug>/settings/", projects.project_settings, name="project-settings"),
    path("projects/<slug:slug>/documents/new/", documents.document_create, name="document-create"),
    path("projects/<slug:slug>/review/", review.review_queue, name="review-queue"),
    path("projects/<slug:slug>/export/", exports.export_page, name="export"),
    path("projects/<slug:slug>/exports/", exports.export_create, name="export-create"),
    path("projects/<slug:slug>/import/", exports.dataset_import, name="dataset-import"),
    path("exports/<int:pk>/download/", exports.export_download, name="export-download"),
    path("documents/<int:pk>/", documents.document_detail, name="document-detail"),
    path("claims/<int:pk>/", annotate.claim_annotate, name="claim-annotate"),
    path("claims/<int:pk>/review/", review.claim_review, name="claim-review"),
]
