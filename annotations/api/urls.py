from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import (
    annotations,
    assignments,
    auth,
    claims,
    dashboard,
    desk,
    documents,
    exports,
    history,
    imports,
    jobs,
    matches,
    members,
    organisations,
    projects,
    review,
)

app_name = "api"

urlpatterns = [
    path("auth/token/", auth.ObtainToken.as_view(), name="token"),
    path("projects/", projects.ProjectList.as_view(), name="project-list"),
    path("projects/<slug:slug>/", projects.ProjectDetail.as_view(), name="project-detail"),
    path(
        "projects/<slug:slug>/documents/",
        documents.DocumentListCreate.as_view(),
        name="document-list",
    ),
    path("projects/<slug:slug>/claims/", claims.ClaimList.as_view(), name="claim-list"),
    path("projects/<slug:slug>/export/", exports.ProjectExport.as_view(), name="project-export"),
    path("projects/<slug:slug>/members/", members.MemberList.as_view(), name="member-list"),
    path(
        "projects/<slug:slug>/members/<str:member>/",
        members.MemberDetail.as_view(),
        name="member-detail",
    ),
    path(
        "projects/<slug:slug>/assignments/",
        assignments.AssignmentList.as_view(),
        name="assignment-list",
    ),
    path(
        "projects/<slug:slug>/assignments/distribute/",
        assignments.AssignmentDistribute.as_view(),
        name="assignment-distribute",
    ),
    path("assignments/<int:pk>/", assignments.AssignmentDetail.as_view(), name="assignment-detail"),
    path("projects/<slug:slug>/review-queue/", review.ReviewQueue.as_view(), name="review-queue"),
    path("projects/<slug:slug>/agreement/", dashboard.ProjectAgreement.as_view(), name="agreement"),
    path("projects/<slug:slug>/dashboard/", dashboard.ProjectDashboard.as_view(), name="dashboard"),
    path("projects/<slug:slug>/audit-log/", history.AuditLog.as_view(), name="audit-log"),
    path("projects/<slug:slug>/returned/", dashboard.ReturnedToMe.as_view(), name="returned"),
    path(
        "projects/<slug:slug>/exports/",
        exports.ExportListCreate.as_view(),
        name="export-list",
    ),
    path("projects/<slug:slug>/imports/", imports.DatasetImport.as_view(), name="import"),
    path("exports/<int:pk>/", exports.ExportDetail.as_view(), name="export-detail"),
    path("exports/<int:pk>/download/", exports.ExportDownload.as_view(), name="export-download"),
    path("documents/<int:pk>/", documents.DocumentDetail.as_view(), name="document-detail"),
    path(
        "documents/<int:pk>/extraction/",
        jobs.DocumentExtraction.as_view(),
        name="document-extraction",
    ),
    path("projects/<slug:slug>/jobs/", jobs.ProjectJobs.as_view(), name="project-jobs"),
    path("claims/<int:pk>/", claims.ClaimDetail.as_view(), name="claim-detail"),
    path("claims/<int:pk>/annotation/", annotations.MyAnnotation.as_view(), name="my-annotation"),
    path("claims/<int:pk>/matches/", matches.ClaimMatchList.as_view(), name="claim-matches"),
    path("claims/<int:pk>/review/", review.ClaimReview.as_view(), name="claim-review"),
    path("projects/<slug:slug>/queue/next/", desk.NextClaim.as_view(), name="queue-next"),
    path("documents/<int:pk>/claims/", desk.DocumentClaimCreate.as_view(), name="document-claims"),
    path("claims/<int:pk>/skip/", desk.SkipClaim.as_view(), name="claim-skip"),
    path("claims/<int:pk>/reject/", desk.RejectClaim.as_view(), name="claim-reject"),
    path("claims/<int:pk>/merge/", desk.MergeClaims.as_view(), name="claim-merge"),
    path("claims/<int:pk>/lock/", review.ClaimLock.as_view(), name="claim-lock"),
    path("claims/<int:pk>/history/", history.ClaimHistory.as_view(), name="claim-history"),
    path("claims/<int:pk>/comments/", history.ClaimComments.as_view(), name="claim-comments"),
    path("organisations/", organisations.OrganisationList.as_view(), name="organisation-list"),
    path(
        "organisations/<slug:slug>/",
        organisations.OrganisationDetail.as_view(),
        name="organisation-detail",
    ),
    path(
        "organisations/<slug:slug>/admins/",
        organisations.OrganisationAdminList.as_view(),
        name="organisation-admin-list",
    ),
    path(
        "organisations/<slug:slug>/admins/<str:username>/",
        organisations.OrganisationAdminDetail.as_view(),
        name="organisation-admin-detail",
    ),
    path(
        "organisations/<slug:slug>/projects/",
        organisations.OrganisationProjectList.as_view(),
        name="organisation-project-list",
    ),
    path(
        "organisations/<slug:slug>/projects/<slug:project>/",
        organisations.OrganisationProjectDetail.as_view(),
        name="organisation-project-detail",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, as the CSP requires.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
