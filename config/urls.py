from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.language import set_language_view
from accounts.views import passwords
from tracker.views import home
from web.form_styles import StyledPasswordChangeForm

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
        passwords.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
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
    path("", include("tracker.urls.people")),
    path("", include("tracker.figures.urls")),
    path("", include("tracker.saved_views.urls")),
    path("", include("tracker.imports.urls")),
    path("", include("tracker.verification.urls")),
    path("", include("accounts.urls")),
    path("", include("tracker.urls.choices")),
    path("", include("tracker.urls.health")),
    path("api/", include("tracker.api.urls")),
]

# The error pages in the site's layout and language (web/errors.py).
handler400 = "web.errors.bad_request"
handler403 = "web.errors.permission_denied"
handler404 = "web.errors.page_not_found"
handler500 = "web.errors.server_error"
