"""The error pages (400, 403, 404, 500 and CSRF failures), in the site's layout and the
visitor's language, each with a way back home.

Two families, because the failing request is not always safe to look at:

- 403 and CSRF failures happen on a healthy site: they render with the request, so the
  top bar shows the user's menu and the footer its language switcher (base.html).
- 400, 404 and 500 render WITHOUT the request, hence without context processors: a 500
  is often the database being down (the user, the session and the navigation all query
  it), a 400 is often a hostile request (a forged Host header makes request.get_host()
  raise), and a 404 for another partner's record must be byte for byte the 404 of a
  missing one (base.html carries the path and a fresh CSRF token). Their layout
  (errors/standalone.html) reads nothing but the active language, which the locale
  middleware chose before the failure.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.utils.translation import gettext
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)


@login_not_required
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponseBadRequest(_render_without_request("400.html"))


@login_not_required
@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    # The exception's text is for the logs, never for the page (it may name a record).
    return HttpResponseForbidden(loader.render_to_string("403.html", request=request))


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    # The same bytes whether the address never existed or names another partner's record.
    return HttpResponseNotFound(_render_without_request("404.html"))


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponseServerError(_render_without_request("500.html"))


@login_not_required
@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: an expired form (a tab left open past the session, a login page
    kept overnight) explained in the layout, instead of Django's English page."""
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return HttpResponseForbidden(loader.render_to_string("403_csrf.html", request=request))


def _render_without_request(template_name: str) -> str:
    """The page from a DB-free template; if even that fails (a broken deployment), a bare
    page in the same language rather than a second exception."""
    try:
        return loader.render_to_string(template_name)
    except Exception:  # the last line of defence: anything here would be a blank 500
        logger.exception("Could not render the error page %s", template_name)
        return "<!doctype html><title>{0}</title><h1>{0}</h1><p><a href='/'>{1}</a></p>".format(
            gettext("Le service est momentanément indisponible"),
            gettext("Retour à l'accueil"),
        )
