"""What every API view does around its own work (``ApiViewMixin``, first base of every
view in tracker.api and conventions.api): the answer's language (``Accept-Language``),
unknown query parameters refused, ``Idempotency-Key`` on POST, ``If-Match`` beside
``version``, and the headers an integrator reads (``Content-Language``, ``ETag``,
``RateLimit-*``)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import trans_real
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from tracker.api.errors import PROBLEM_CONTENT_TYPE
from tracker.api.throttling import rate_limit_headers
from tracker.models import IdempotentRequest
from tracker.services.idempotency import StoredAnswer, idempotency_begin, idempotency_finish

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY = 255


class _Replay(Exception):  # noqa: N818 - not an error: the way out of DRF's initial()
    def __init__(self, answer: StoredAnswer) -> None:
        self.answer = answer


def request_language(request: Request, user: Any) -> str:
    """``Accept-Language`` (fr, ar, en) when the client sends one it can be answered in;
    otherwise the user's own choice; otherwise French, as the pages."""
    available = dict(settings.LANGUAGES)
    header = request.headers.get("Accept-Language", "")
    for code, _quality in trans_real.parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    language = getattr(user, "language", "") if user is not None else ""
    return language if language in available else settings.LANGUAGE_CODE


def _leaves(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(path, text) of every key and string in a parsed JSON body."""
    if isinstance(data, dict):
        found = []
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            found += [(name, str(key)), *_leaves(value, name)]
        return found
    if isinstance(data, list):
        return [
            leaf for index, item in enumerate(data) for leaf in _leaves(item, f"{prefix}[{index}]")
        ]
    return [(prefix, data)] if isinstance(data, str) else []


def fingerprint(request: Request) -> str:
    """The request as the key protects it: method, path and body (as JSON, keys sorted:
    the same body sent with other spacing is the same request)."""
    try:
        body = json.dumps(request.data, sort_keys=True, default=str)
    except (TypeError, ValueError):
        body = request.body.decode(errors="replace")
    text = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(text.encode()).hexdigest()


class ApiViewMixin:
    # The first base of every API view. (A comment, not a docstring: the schema would
    # take a docstring for the description of every operation without its own.)

    _idempotent: IdempotentRequest | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Early, so that even a 401 or a 403 speaks the client's language.
        translation.activate(request_language(request, None))
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        user = request.user if request.user.is_authenticated else None
        translation.activate(request_language(request, user))
        self._refuse_unknown_query_parameters(request)
        self._refuse_nul_characters(request)
        if request.method == "POST" and IDEMPOTENCY_HEADER in request.headers:
            self._begin_idempotent(request)

    # --- Query parameters: an unknown one is an error, never silently ignored -----------

    extra_query_parameters: tuple[str, ...] = ()

    def allowed_query_parameters(self) -> set[str]:
        view: Any = self
        allowed = set(self.extra_query_parameters)
        filterset = getattr(view, "filterset_class", None)
        if filterset is not None:
            allowed |= set(filterset.base_filters)
        backends = getattr(view, "filter_backends", None) or ()
        if any(getattr(backend, "ordering_param", None) for backend in backends):
            allowed.add("ordering")
        pagination = getattr(view, "pagination_class", None)
        for name in ("cursor_query_param", "page_query_param", "page_size_query_param"):
            parameter = getattr(pagination, name, None) if pagination else None
            if parameter:
                allowed.add(parameter)
        return allowed

    def _refuse_unknown_query_parameters(self, request: Request) -> None:
        unknown = sorted(set(request.query_params) - self.allowed_query_parameters())
        if unknown:
            raise ValidationError(
                {
                    name: ValidationError(
                        _("Paramètre inconnu : les paramètres admis sont %(names)s.")
                        % {"names": ", ".join(sorted(self.allowed_query_parameters())) or "—"},
                        code="unknown_parameter",
                    )
                    for name in unknown
                }
            )

    def _refuse_nul_characters(self, request: Request) -> None:
        """A NUL character (U+0000) in a value is refused at the door: PostgreSQL cannot
        hold one in a text, and no field of this API has any use for it."""
        fields = [
            name
            for name, value in [*request.query_params.items(), *_leaves(request.data)]
            if "\x00" in value or "\x00" in name
        ]
        if fields:
            raise ValidationError(
                {
                    field.replace("\x00", "") or "body": ValidationError(
                        _("Caractère nul (U+0000) refusé."), code="invalid_character"
                    )
                    for field in fields
                }
            )

    # --- If-Match beside ``version`` ---------------------------------------------------

    def expected_version(self, request: Request, current: int) -> int:
        """The version the client expects: ``If-Match: "3"`` (the ETag it read), else the
        current one (no conflict check), as a ``version`` left out of the body."""
        header = request.headers.get("If-Match", "").strip()
        if not header or header == "*":
            return current
        tag = header.removeprefix("W/").strip('"')
        if not tag.isdigit():
            raise ValidationError(
                {"If-Match": _('Attendu : l\'ETag lu, par exemple "3".')},
                code="invalid_if_match",
            )
        return int(tag)

    def _begin_idempotent(self, request: Request) -> None:
        key = request.headers[IDEMPOTENCY_HEADER].strip()
        if not key or len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
            raise ValidationError(
                {
                    IDEMPOTENCY_HEADER: _(
                        "Clé d'idempotence invalide : de 1 à %(n)s caractères imprimables."
                    )
                    % {"n": MAX_IDEMPOTENCY_KEY}
                },
                code="invalid_idempotency_key",
            )
        assert isinstance(request.user, User)
        outcome = idempotency_begin(user=request.user, key=key, fingerprint=fingerprint(request))
        if isinstance(outcome, StoredAnswer):
            raise _Replay(outcome)
        self._idempotent = outcome

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, _Replay):
            code = exc.answer.status_code
            response = Response(
                json.loads(exc.answer.body),
                status=code,
                content_type=PROBLEM_CONTENT_TYPE if code >= 400 else None,
            )
            response["Idempotent-Replayed"] = "true"
            return response
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(  # type: ignore[misc]
            request, response, *args, **kwargs
        )
        record, self._idempotent = self._idempotent, None
        if record is not None:
            body = JSONRenderer().render(getattr(response, "data", None)).decode()
            idempotency_finish(record=record, status_code=response.status_code, body=body)
        response["Content-Language"] = translation.get_language()
        for name, value in rate_limit_headers(request).items():
            response[name] = value
        data = getattr(response, "data", None)
        if (
            200 <= response.status_code < 300
            and isinstance(data, dict)
            and isinstance(data.get("version"), int)
            and "id" in data
        ):
            response["ETag"] = f'"{data["version"]}"'
        return response
