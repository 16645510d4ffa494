"""Writes on a convention's terms: creation (with its reference), the draft's fields,
parties, managers, commitments and the signed document. Terms change only in draft;
the workflow (conventions.services.workflow) is the only writer of the status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.policy import (
    user_may_attach_document,
    user_may_edit_terms,
)
from conventions.models import (
    Commitment,
    Convention,
    ConventionParty,
    ConventionReferenceCounter,
    Filiere,
    Indicator,
    Partner,
    Region,
    Zone,
)
from conventions.services.documents import document_check_pdf
from conventions.services.errors import WorkflowError, require

REFERENCE_FORMAT = "CONV-{year}-{number:04d}"


def convention_reference_next(*, year: int) -> str:
    """Issues the next reference of ``year``. The counter row is locked (select_for_update)
    so two concurrent creations never get the same number, and it only moves forward, so
    a number is never reused, even after a deletion. Call inside a transaction."""
    try:
        with transaction.atomic():
            ConventionReferenceCounter.objects.get_or_create(year=year)
    except IntegrityError:  # created concurrently by another transaction: just lock it
        pass
    counter = ConventionReferenceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return REFERENCE_FORMAT.format(year=year, number=counter.last_number)


def _check_terms(
    *,
    starts_on: dt.date,
    ends_on: dt.date,
    signed_on: dt.date | None,
    budget_state_mad: Decimal,
    budget_partner_mad: Decimal,
    title: str,
    kind: str,
) -> None:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("L'intitulé est obligatoire.")
    if kind not in Convention.Kind.values:
        errors["kind"] = _("Type de convention inconnu.")
    if ends_on <= starts_on:
        errors["ends_on"] = _("La date de fin doit être postérieure à la date de début.")
    if budget_state_mad < 0:
        errors["budget_state_mad"] = _("Un montant ne peut pas être négatif.")
    if budget_partner_mad < 0:
        errors["budget_partner_mad"] = _("Un montant ne peut pas être négatif.")
    if signed_on is not None and signed_on > timezone.localdate():
        errors["signed_on"] = _("La date de signature ne peut pas être dans le futur.")
    if errors:
        raise WorkflowError(errors)


def _check_managers(managers: Iterable[User]) -> list[User]:
    managers = list(managers)
    for manager in managers:
        if manager.role != Role.MANAGER or not manager.is_active:
            raise WorkflowError(
                {
                    "managers": _("%(user)s n'est pas un chargé de programme actif.")
                    % {"user": manager.get_full_name() or manager.username}
                }
            )
    return managers


@transaction.atomic
def convention_create(
    *,
    actor: User,
    title: str,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    signed_on: dt.date | None = None,
    budget_state_mad: Decimal = Decimal(0),
    budget_partner_mad: Decimal = Decimal(0),
    regions: Iterable[Region] = (),
    zones: Iterable[Zone] = (),
    filieres: Iterable[Filiere] = (),
    managers: Iterable[User] | None = None,
) -> Convention:
    """A new draft. A programme manager who creates it manages it."""
    require(
        actor.is_staff_role,
        _("Seuls les administrateurs et les chargés de programme créent des conventions."),
    )
    _check_terms(
        starts_on=starts_on,
        ends_on=ends_on,
        signed_on=signed_on,
        budget_state_mad=budget_state_mad,
        budget_partner_mad=budget_partner_mad,
        title=title,
        kind=kind,
    )
    manager_list = _check_managers(managers or [])
    if actor.is_manager and actor not in manager_list:
        manager_list.append(actor)
    convention = Convention.objects.create(
        reference=convention_reference_next(year=timezone.localdate().year),
        title=title.strip(),
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        signed_on=signed_on,
        budget_state_mad=budget_state_mad,
        budget_partner_mad=budget_partner_mad,
        created_by=actor,
    )
    convention.regions.set(list(regions))
    convention.zones.set(list(zones))
    convention.filieres.set(list(filieres))
    convention.managers.set(manager_list)
    return convention


def _lock(convention: Convention) -> Convention:
    """Re-reads the convention under a row lock: the status checked is the status
    written against."""
    return Convention.objects.select_for_update().get(pk=convention.pk)


def _require_terms_editable(actor: User, convention: Convention) -> None:
    if convention.status != Convention.Status.DRAFT:
        raise WorkflowError(
            _(
                "La convention %(reference)s n'est plus un brouillon (statut : %(status)s) : "
                "ses termes ne se modifient plus que par avenant."
            )
            % {"reference": convention.reference, "status": convention.get_status_display()}
        )
    require(
        user_may_edit_terms(actor, convention),
        _("Seuls les gestionnaires de la convention et les administrateurs la modifient."),
    )


@transaction.atomic
def convention_update(
    *,
    actor: User,
    convention: Convention,
    title: str,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    signed_on: dt.date | None = None,
    budget_state_mad: Decimal = Decimal(0),
    budget_partner_mad: Decimal = Decimal(0),
    regions: Iterable[Region] = (),
    zones: Iterable[Zone] = (),
    filieres: Iterable[Filiere] = (),
    managers: Iterable[User] | None = None,
) -> Convention:
    """Changes a draft's terms (not its status, reference or document)."""
    convention = _lock(convention)
    _require_terms_editable(actor, convention)
    _check_terms(
        starts_on=starts_on,
        ends_on=ends_on,
        signed_on=signed_on,
        budget_state_mad=budget_state_mad,
        budget_partner_mad=budget_partner_mad,
        title=title,
        kind=kind,
    )
    convention.title, convention.kind = title.strip(), kind
    convention.starts_on, convention.ends_on, convention.signed_on = starts_on, ends_on, signed_on
    convention.budget_state_mad = budget_state_mad
    convention.budget_partner_mad = budget_partner_mad
    convention.save(
        update_fields=[
            "title",
            "kind",
            "starts_on",
            "ends_on",
            "signed_on",
            "budget_state_mad",
            "budget_partner_mad",
            "updated_at",
        ]
    )
    convention.regions.set(list(regions))
    convention.zones.set(list(zones))
    convention.filieres.set(list(filieres))
    if managers is not None:
        manager_list = _check_managers(managers)
        require(
            bool(manager_list) or actor.is_admin,
            _("Un chargé de programme ne peut pas se retirer seul de la convention."),
        )
        convention.managers.set(manager_list)
    return convention


@transaction.atomic
def convention_party_add(
    *, actor: User, convention: Convention, partner: Partner, role: str
) -> ConventionParty:
    convention = _lock(convention)
    _require_terms_editable(actor, convention)
    if role not in ConventionParty.Role.values:
        raise WorkflowError({"role": _("Rôle de partie inconnu.")})
    if role == ConventionParty.Role.TRAINING_OPERATOR and partner.kind not in (
        Partner.Kind.TRAINING_OPERATOR,
        Partner.Kind.UNIVERSITY,
        Partner.Kind.ASSOCIATION,
    ):
        raise WorkflowError(
            {
                "partner": _("%(partner)s (%(kind)s) ne peut pas être opérateur de formation.")
                % {"partner": partner.name, "kind": partner.get_kind_display()}
            }
        )
    if ConventionParty.objects.filter(convention=convention, partner=partner, role=role).exists():
        raise WorkflowError(
            {
                "partner": _("%(partner)s est déjà partie à cette convention avec ce rôle.")
                % {"partner": partner.name}
            }
        )
    return ConventionParty.objects.create(convention=convention, partner=partner, role=role)


@transaction.atomic
def convention_party_remove(*, actor: User, party: ConventionParty) -> None:
    convention = _lock(party.convention)
    _require_terms_editable(actor, convention)
    if (
        party.role == ConventionParty.Role.TRAINING_OPERATOR
        and convention.cohorts.filter(operator_id=party.partner_id).exists()
    ):
        raise WorkflowError(
            _("%(partner)s opère des cohortes de cette convention : retirez d'abord les cohortes.")
            % {"partner": party.partner.name}
        )
    party.delete()


def _check_commitment(
    *, indicator: str, year: int, target_value: Decimal, starts_on: dt.date, ends_on: dt.date
) -> None:
    """The one rule of a commitment (original or amendment): a known indicator, a year
    within the convention's period (a target for 2035 on a 2027-2029 convention would
    enter every year selector and chart), a value that can be true."""
    errors: dict[str, str] = {}
    if indicator not in Indicator.values:
        errors["indicator"] = _("Indicateur inconnu.")
    if not starts_on.year <= year <= ends_on.year:
        errors["year"] = _(
            "L'année %(year)s est hors de la période de la convention (%(start)s – %(end)s)."
        ) % {"year": year, "start": starts_on.year, "end": ends_on.year}
    if target_value < 0:
        errors["target_value"] = _("Une cible ne peut pas être négative.")
    elif indicator in (Indicator.PLACEMENT_RATE_6M, Indicator.WOMEN_SHARE) and target_value > 100:
        errors["target_value"] = _("Un taux est exprimé en pourcentage (0 à 100).")
    if errors:
        raise WorkflowError(errors)


@transaction.atomic
def convention_commitment_set(
    *, actor: User, convention: Convention, indicator: str, year: int, target_value: Decimal
) -> Commitment:
    """Sets the original target for one indicator and year (creates or replaces it)."""
    convention = _lock(convention)
    _require_terms_editable(actor, convention)
    _check_commitment(
        indicator=indicator,
        year=year,
        target_value=target_value,
        starts_on=convention.starts_on,
        ends_on=convention.ends_on,
    )
    commitment, _created = Commitment.objects.update_or_create(
        convention=convention,
        amendment=None,
        indicator=indicator,
        year=year,
        defaults={"target_value": target_value},
    )
    return commitment


CommitmentTargets = Mapping[tuple[str, int], Decimal | None]  # (indicator, year) -> target


def commitment_cell_key(indicator: str, year: int) -> str:
    """The error key of one cell of a commitments grid (see ``commitment_targets_check``)."""
    return f"{indicator}:{year}"


def _cell_message(indicator: str, year: int, error: ValidationError) -> str:
    label = Indicator(indicator).label if indicator in Indicator.values else indicator
    return _("%(indicator)s, %(year)s : %(error)s") % {
        "indicator": label,
        "year": year,
        "error": " ".join(str(message) for message in error.messages),
    }


def commitment_targets_check(
    targets: CommitmentTargets, *, starts_on: dt.date, ends_on: dt.date
) -> None:
    """Checks every target of a set at once (blank cells, None, are not targets) against
    the period ``starts_on``-``ends_on`` and refuses them together: one error per cell,
    keyed by ``commitment_cell_key`` and naming its indicator and year, so a grid shows
    all of them in one go."""
    errors: dict[str, str] = {}
    for (indicator, year), value in targets.items():
        if value is None:
            continue
        try:
            _check_commitment(
                indicator=indicator,
                year=year,
                target_value=value,
                starts_on=starts_on,
                ends_on=ends_on,
            )
        except ValidationError as error:
            errors[commitment_cell_key(indicator, year)] = _cell_message(indicator, year, error)
    if errors:
        raise WorkflowError(errors)


@transaction.atomic
def convention_commitments_replace(
    *, actor: User, convention: Convention, targets: CommitmentTargets
) -> int:
    """Applies a whole grid of original targets, all or nothing: a value sets the cell, None
    clears it, a cell absent from ``targets`` is left alone. Each changed cell goes through
    ``convention_commitment_set`` / ``convention_commitment_remove``, so the checks are
    exactly those of a one-cell edit; every refused cell is collected before the whole
    transaction is rolled back. Returns the number of cells changed."""
    convention = _lock(convention)
    _require_terms_editable(actor, convention)
    commitment_targets_check(targets, starts_on=convention.starts_on, ends_on=convention.ends_on)
    existing = {
        (c.indicator, c.year): c
        for c in Commitment.objects.filter(convention=convention, amendment__isnull=True)
    }
    errors: dict[str, str] = {}
    changed = 0
    for (indicator, year), value in targets.items():
        current = existing.get((indicator, year))
        if value is None and current is None:
            continue
        if current is not None and value is not None and current.target_value == value:
            continue  # unchanged: no write, so rules on new targets do not refire
        try:
            with transaction.atomic():  # a savepoint: the next cells are still checked
                if value is None:
                    assert current is not None
                    convention_commitment_remove(actor=actor, commitment=current)
                else:
                    convention_commitment_set(
                        actor=actor,
                        convention=convention,
                        indicator=indicator,
                        year=year,
                        target_value=value,
                    )
        except ValidationError as error:
            errors[commitment_cell_key(indicator, year)] = _cell_message(indicator, year, error)
        else:
            changed += 1
    if errors:
        raise WorkflowError(errors)  # rolls back the cells already written
    return changed


@transaction.atomic
def convention_commitment_remove(*, actor: User, commitment: Commitment) -> None:
    convention = _lock(commitment.convention)
    _require_terms_editable(actor, convention)
    require(commitment.amendment_id is None, _("Les engagements d'un avenant ne se retirent pas."))
    commitment.delete()


@transaction.atomic
def convention_document_attach(
    *, actor: User, convention: Convention, file: UploadedFile
) -> Convention:
    """Stores the signed document (PDF) in the private storage, replacing any previous
    one. Drafts: managers and admins; under review: admins."""
    convention = _lock(convention)
    require(
        user_may_attach_document(actor, convention),
        _("Le document signé ne peut plus être remplacé à ce stade, ou pas par vous."),
    )
    document_check_pdf(file=file)
    previous = convention.document.name if convention.document else ""
    convention.document.save(f"{convention.reference}.pdf", file, save=False)
    convention.save(update_fields=["document", "updated_at"])
    if previous:
        # The old file is removed only once the new one is committed.
        storage, name = convention.document.storage, previous
        transaction.on_commit(lambda: storage.delete(name))
    return convention
