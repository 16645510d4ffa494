"""The error every conventions service raises when it refuses a write."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError


class WorkflowError(ValidationError):
    """A refused status transition or write: wrong role, wrong status, or a precondition
    not met. A ValidationError, so forms and views show its (translated) message."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise WorkflowError(message)


__all__ = ["PermissionDenied", "ValidationError", "WorkflowError", "require"]
