"""The enrollment lifecycle, once for every path (pages, API actions, API batch, file
import): enrolled -> graduated | dropped out | failed, and nothing else. A closed
enrollment is reopened only by staff, through ``enrollment_reopen`` with a reason.

Plain functions without the database, like tracker.rules: the import calls them on
every row."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tracker.models import Enrollment
from web.reader_dates import reader_date

Status = Enrollment.Status

# The moves a status may make (a status may always stay what it is).
MOVES: dict[str, frozenset[str]] = {
    Status.ENROLLED: frozenset({Status.GRADUATED, Status.DROPPED_OUT, Status.FAILED}),
    Status.GRADUATED: frozenset(),
    Status.DROPPED_OUT: frozenset(),
    Status.FAILED: frozenset(),
}


def move_allowed(current: str, new: str) -> bool:
    return new == current or new in MOVES.get(current, frozenset())


def check_move(current: str, new: str) -> None:
    """Refuses a status change off the lifecycle: a closed enrollment is never reopened
    or moved to another outcome by a write of the partner's (code ``closed_enrollment``)."""
    if move_allowed(current, new):
        return
    raise ValidationError(
        {
            "status": ValidationError(
                _(
                    "Cette inscription est close (%(current)s) : elle ne peut pas passer à "
                    "« %(new)s ». Seule une correction du personnel du ministère, motivée, "
                    "peut la rouvrir."
                )
                % {"current": Status(current).label, "new": _label(new)},
                code="closed_enrollment",
            )
        }
    )


def _label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def state_errors(
    status: str, *, graduated_on: dt.date | None, exited_on: dt.date | None
) -> dict[str, str]:
    """What a status says about the dates (field -> message): in training, no exit nor
    graduation date; graduated, a graduation date and the exit on that day; dropped out
    or failed, an exit date and no graduation date."""
    errors: dict[str, str] = {}
    if status == Status.ENROLLED:
        if graduated_on is not None:
            errors["graduated_on"] = _("Une inscription en cours n'a pas de date de diplomation.")
        if exited_on is not None:
            errors["exited_on"] = _("Une inscription en cours n'a pas de date de sortie.")
    elif status == Status.GRADUATED:
        if graduated_on is None:
            errors["graduated_on"] = _("Obligatoire pour le statut Diplômé.")
        elif exited_on is not None and exited_on != graduated_on:
            errors["exited_on"] = _(
                "La sortie d'un diplômé est sa date de diplomation (%(date)s)."
            ) % {"date": reader_date(graduated_on)}
    else:
        if graduated_on is not None:
            errors["graduated_on"] = _("Seule une inscription diplômée a une date de diplomation.")
        if exited_on is None:
            errors["exited_on"] = _("La date de sortie est obligatoire.")
    return errors
