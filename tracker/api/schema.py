"""The OpenAPI schema's shared parts (a drf-spectacular postprocessing hook): every
operation documents the errors it may answer, all in one body (RFC 9457 problem, see
tracker.api.errors), and the headers every answer carries; every POST documents
``Idempotency-Key``. A generated client thus has a type for every answer."""

from __future__ import annotations

from typing import Any

from tracker.api.errors import PROBLEM_CONTENT_TYPE

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


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM
    schemas["ProblemError"] = PROBLEM_ERROR
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
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
