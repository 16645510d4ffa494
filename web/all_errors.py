"""Every error of a form at once: checks that each raise a ValidationError are all run,
and their errors raised together, so the user fixes every field in one go instead of
meeting the next error after each correction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError


def check_all(*checks: Callable[[], Any]) -> None:
    """Runs every check; raises one ValidationError holding all of their errors."""
    combined: dict[str, list[ValidationError]] = {}
    for check in checks:
        try:
            check()
        except ValidationError as error:
            error.update_error_dict(combined)
    if combined:
        raise ValidationError(combined)
