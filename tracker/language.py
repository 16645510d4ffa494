"""The interface language: chosen in the footer switcher, remembered on the user.

Django's LocaleMiddleware reads the cookie and the browser's Accept-Language; both belong
to one browser. A programme manager who picked Arabic on her laptop expects Arabic on the
office desktop too, so a logged-in user's stored choice wins over both."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from tracker.services.users import user_set_language


@login_not_required
@require_POST
def set_language_view(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie + redirect), plus the user's stored choice."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=request.user, language=language)
    return response


class UserLanguageMiddleware:
    """Activates the logged-in user's stored language (placed after AuthenticationMiddleware;
    LocaleMiddleware still covers anonymous visitors and users who never chose)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if user is not None and user.is_authenticated and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
