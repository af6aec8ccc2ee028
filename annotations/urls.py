from django.urls import path

from .views import (
    annotate,
    assignment,
    dashboard,
    desk,
    documents,
    exports,
    history,
    members,
    projects,
    review,
)

app_name = "annotations"

urlpatterns = [
    path("", projects.project_list, name="project-list"),
    path("projects/new/", projects.project_create, name="project-create"),
    path("projects/<slug:slug>/", projects.project_detail, name="project-detail"),
    path("projects/<slug:slug>/settings/", projects.project_settings, name="project-settings"),
    path("projects/<slug:slug>/documents/new/", documents.document_create, name="document-create"),
    path("projects/<slug:slug>/review/", review.review_queue, name="review-queue"),
    path("projects/<slug:slug>/export/", exports.export_page, name="export"),
    path("projects/<slug:slug>/next/", desk.queue_next, name="queue-next"),
    path("documents/<int:pk>/", desk.document_desk, name="document-detail"),
    path(
        "documents/<int:pk>/extract/",
        documents.document_extract_again,
        name="document-extract-again",
    ),
    path("projects/<slug:slug>/members/", members.members, name="members"),
    path("projects/<slug:slug>/members/<int:pk>/", members.member_update, name="member-update"),
    path("projects/<slug:slug>/assignments/", assignment.assignments, name="assignments"),
    path(
        "projects/<slug:slug>/assignments/distribute/",
        assignment.assignments_distribute,
        name="assignments-distribute",
    ),
    path(
        "projects/<slug:slug>/assignments/<int:pk>/delete/",
        assignment.assignment_delete,
        name="assignment-delete",
    ),
    path("projects/<slug:slug>/dashboard/", dashboard.project_dashboard, name="dashboard"),
    path(
        "projects/<slug:slug>/dashboard/refresh/",
        dashboard.dashboard_refresh,
        name="dashboard-refresh",
    ),
    path("projects/<slug:slug>/agreement/", dashboard.agreement_page, name="agreement"),
    path("projects/<slug:slug>/returned/", dashboard.returned_to_me, name="returned"),
    path("projects/<slug:slug>/audit-log/", history.audit_export, name="audit-export"),
    path("projects/<slug:slug>/exports/", exports.export_create, name="export-create"),
    path("projects/<slug:slug>/import/", exports.dataset_import, name="dataset-import"),
    path("exports/<int:pk>/download/", exports.export_download, name="export-download"),
    path("claims/<int:pk>/", annotate.claim_annotate, name="claim-annotate"),
    path("claims/<int:pk>/review/", review.claim_review, name="claim-review"),
    path("claims/<int:pk>/lock/", review.claim_lock, name="claim-lock"),
    path("claims/<int:pk>/history/", history.claim_history, name="claim-history"),
    path("claims/<int:pk>/comments/", history.claim_comments, name="claim-comments"),
]
