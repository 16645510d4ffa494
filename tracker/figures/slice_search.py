"""Typed text in the dashboard's convention and operator boxes (staff: a search box,
web.choices.SearchInput). With the script, a picked suggestion submits its id;
without it, the typed text arrives: one matching row is taken as chosen, none or several
drop the filter with a message saying so (the page never answers 404 for a search)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import sees_nationally
from conventions.selectors import convention_list, partner_list
from web.choices import search_choices

# Box -> (the rows it searches, their label).
SEARCHED = {
    "convention": (convention_list, ("reference", "title")),
    "operator": (partner_list, ("name",)),
}


def resolve_typed_text(request: HttpRequest, params: dict[str, str]) -> None:
    """Replaces, in ``params``, a staff user's typed text by the id of the one row it
    matches, or drops it with a warning. Ids and partners' choices are left as they are
    (a partner's boxes are selects; its ids are checked against its scope)."""
    user: User = request.user  # type: ignore[assignment]
    if not sees_nationally(user):
        return
    for name, (scoped, label_fields) in SEARCHED.items():
        text = params.get(name, "")
        if not text or text.isdigit():
            continue
        rows: QuerySet = scoped(user=user)
        found = list(
            search_choices(rows, label_fields, text[:200]).values_list("pk", flat=True)[:2]
        )
        if len(found) == 1:
            params[name] = str(found[0])
            continue
        params[name] = ""
        message = (
            _("Rien ne correspond à « %(value)s » : ce filtre est ignoré.")
            if not found
            else _("Plusieurs lignes correspondent à « %(value)s » : choisissez une proposition.")
        )
        messages.warning(request, message % {"value": text[:200]})
