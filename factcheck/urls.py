from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from annotations.views.people import log_in

# A database outage outside any view is answered 503, like those inside one.
handler500 = "annotations.outage.server_error"
handler404 = "annotations.api.not_found.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", log_in, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # A password reset link an administrator hands over (People page); nothing is e-mailed.
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("api/", include("annotations.api.urls")),
    path("", include("annotations.urls")),
]
