from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tracker.form_styles import StyledPasswordChangeForm
from tracker.language import set_language_view
from tracker.views import accounts, home

urlpatterns = [
    path("", home.home, name="home"),
    path("privacy/", home.PrivacyView.as_view(), name="privacy"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(form_class=StyledPasswordChangeForm),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/setlang/", set_language_view, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("conventions.urls")),
    path("", include("tracker.routes.people")),
    path("", include("tracker.routes.figures")),
    path("", include("tracker.routes.imports")),
    path("", include("tracker.routes.api_tokens")),
    path("", include("tracker.routes.choices")),
    path("", include("tracker.routes.health")),
    path("", include("accounts.urls")),
    path("api/", include("tracker.api.urls")),
]

# The error pages in the site's layout and language (tracker/views/errors.py).
handler400 = "tracker.views.errors.bad_request"
handler403 = "tracker.views.errors.permission_denied"
handler404 = "tracker.views.errors.page_not_found"
handler500 = "tracker.views.errors.server_error"
