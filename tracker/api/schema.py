"""The OpenAPI schema's shared parts (a drf-spectacular postprocessing hook): every
operation documents the errors it may answer, all in one body (RFC 9457 problem, see
tracker.api.errors), and the headers every answer carries; every POST documents
``Idempotency-Key``. A generated client thus has a type for every answer."""

from __future__ import annotations

from typing import Any

from tracker.api.base import CheckedPageSize
from tracker.api.errors import PROBLEM_CONTENT_TYPE
from tracker.filters import YEAR_BOUNDS
from tracker.imports.columns import COLUMNS

ERROR_STATUSES = {
    "400": "Requête invalide (paramètres, corps) : les erreurs par champ dans `errors`.",
    "401": "Jeton absent, invalide, révoqué ou expiré.",
    "403": "Action non autorisée pour votre rôle.",
    "404": "Introuvable, ou hors de votre périmètre.",
    "409": "Conflit avec l'état enregistré (version, doublon, clé d'idempotence).",
    "413": "Requête trop volumineuse.",
    "429": "Trop de requêtes : réessayez après `Retry-After` secondes.",
}

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details: the one error body of the API.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "Stable; see docs/api.md."},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemError"}},
        "current_version": {"type": "integer", "nullable": True},
    },
    "required": ["type", "title", "status", "detail", "code", "errors"],
}
PROBLEM_ERROR = {
    "type": "object",
    "properties": {
        "field": {"type": "string", "nullable": True},
        "reason": {"type": "string"},
        "code": {"type": "string"},
        "index": {
            "type": "integer",
            "nullable": True,
            "description": "The record of a batch (from 0); null elsewhere.",
        },
    },
    "required": ["field", "reason", "code", "index"],
}

RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": "Requests allowed per window, for your user.",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the window resets.",
}


def _headers(extra: dict[str, str] | None = None) -> dict[str, Any]:
    described = {**RATE_LIMIT_HEADERS, **(extra or {})}
    return {
        name: {"description": text, "schema": {"type": "integer"}}
        for name, text in described.items()
    }


# Query parameters the API bounds (400 outside): the schema says the same bounds, so that
# a client (and the fuzz, tests/tracker/api/test_api_fuzz.py) knows what is accepted. ``year`` is
# tracker.filters.YEAR_BOUNDS on the lists; ``page_size`` is base.CheckedPageSize.
PARAMETER_BOUNDS = {
    "year": {"minimum": YEAR_BOUNDS["min_value"], "maximum": YEAR_BOUNDS["max_value"]},
    "page_size": {"minimum": 1, "maximum": CheckedPageSize.max_page_size},
}


def _tighten_requests(schemas: dict[str, Any]) -> None:
    """Request bodies as strict as the API: no mass assignment (any key the body does not
    list is a 400 naming it, tracker.api.base), and a batch has at least one record."""
    for name, component in schemas.items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
            for field_schema in component.get("properties", {}).values():
                _refuse_blank(field_schema)
    records = schemas.get("BatchRequestRequest", {}).get("properties", {}).get("records")
    if records is not None:
        records["minItems"] = 1
        # A record's keys are the import's column keys (tracker.imports.columns), each a
        # text, a number or null (tracker.imports.api_batch._cell); any other key or
        # value is refused (unknown_field, invalid_type).
        records["items"] = {
            "type": "object",
            "properties": {
                column.key: {
                    "anyOf": [{"type": "string"}, {"type": "number"}],
                    "nullable": True,
                }
                for column in COLUMNS
            },
            "additionalProperties": False,
        }


def _refuse_blank(field_schema: dict[str, Any]) -> None:
    """A required text (minLength 1) is stripped before it is checked (DRF's
    trim_whitespace): only spaces is blank, refused; the schema says it with a pattern."""
    if (
        field_schema.get("type") == "string"
        and field_schema.get("minLength", 0) >= 1
        and not {"pattern", "format", "enum"} & set(field_schema)
    ):
        field_schema["pattern"] = r"\S"


def _bound_parameters(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        bounds = PARAMETER_BOUNDS.get(parameter.get("name"))
        if parameter.get("in") == "query" and bounds and "minimum" not in parameter["schema"]:
            parameter["schema"].update(bounds)


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM
    schemas["ProblemError"] = PROBLEM_ERROR
    _tighten_requests(schemas)
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            _bound_parameters(operation)
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                response.setdefault("headers", {}).update(_headers())
                if code.startswith("2") and method == "get" and "{id}" in str(path):
                    response["headers"]["ETag"] = {
                        "description": "The version read, for If-Match.",
                        "schema": {"type": "string"},
                    }
            for code, text in ERROR_STATUSES.items():
                extra = {"Retry-After": "Seconds to wait."} if code == "429" else None
                responses[code] = {
                    "description": text,
                    "headers": _headers(extra),
                    "content": {
                        PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
                    },
                }
            if method == "post":
                operation.setdefault("parameters", []).append(
                    {
                        "in": "header",
                        "name": "Idempotency-Key",
                        "required": False,
                        "description": (
                            "Replays the first answer for 24 h (same key and body); another "
                            "body with the same key is a 409."
                        ),
                        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                    }
                )
    return result
