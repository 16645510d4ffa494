"""The interactive API documentation (Swagger UI, assets from drf-spectacular-sidecar,
served from this host). The split view serves the page's script as a separate file, and
our template drops the inline <style>: the page runs under the site's strict CSP."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api-schema"

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.title = _("API partenaires — documentation")
        return super().get(request, *args, **kwargs)
