"""The interface language: chosen in the footer switcher, remembered on the user.

The product speaks French until someone chooses otherwise: the browser's Accept-Language
is not a choice (a French-speaking official on an English-language laptop still gets
French). A choice is the switcher's cookie, and for a logged-in user the choice stored on
the account, which wins over the cookie: a programme manager who picked Arabic on her
laptop expects Arabic on the office desktop too."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.services.users import user_set_language


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
    """Activates the logged-in user's stored language, else the switcher's cookie, else
    French (placed after LocaleMiddleware and AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        available = dict(settings.LANGUAGES)
        if not (user is not None and user.is_authenticated and language in available):
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            if language not in available:
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return self.get_response(request)
