"""Who may see or do what: the one place that decides.

- Edit rights on conventions (drafting, terms, documents, amendments) and on the
  tracking data (cohorts, enrollments, hires, people, identity corrections), and who
  may import files: pure predicates, shared by services, views and templates so the
  buttons shown are exactly the actions the services accept.
- Personal data under law 09-08 (``PrivacyPolicy``), below.
- What a user may list, the scope of every page, export, import, figure and API
  answer (``scoped``, ``sees_nationally``, ``scope_key``): staff nationally, a partner
  its own organisation. The role-scoping selectors (tracker.selectors,
  conventions.selectors) name each table's path to its owning organisation and ask
  ``scoped``.

This module imports no domain model (accounts is below conventions and tracker): it
reads the objects it is given, and names the one table it queries by its label.

Personal data under law 09-08:

Names, CIN and birth date of a trainee (the national identity) are visible to admins,
to the managers of the convention the cohort belongs to, and to the operating partner
(its editors and viewers). Contact details are kept per operator (TraineeContact): an
operator sees only its own record of a person; admins and the convention's managers see
every operator's, labelled by operator. Everyone else sees masked values. Pages, tables,
person-level exports, the API and every generated file (an import's preview, its
annotated file) all ask ``PrivacyPolicy``; none decides on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import apps
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import PARTNER_ROLES, STAFF_ROLES, Role, User

if TYPE_CHECKING:  # types only: the domain rooms are above this one
    from conventions.models import Convention
    from tracker.models import Cohort, ImportBatch, Trainee


M = TypeVar("M", bound=Model)


def _cohorts() -> Any:
    """The cohorts table, by its label (see the module's docstring)."""
    return apps.get_model("tracker", "Cohort")._default_manager


# --- Scope: what a user may list -----------------------------------------------------


def sees_nationally(user: User) -> bool:
    """Staff (admins, programme managers) read the whole programme."""
    return bool(user.is_staff_role)


def scope_key(user: User) -> str:
    """Users with the same scope see the same rows: every staff role the whole
    programme ("national"), a partner user its own organisation's ("partner:<id>")."""
    if sees_nationally(user):
        return "national"
    if user.is_partner and user.partner_id is not None:
        return f"partner:{user.partner_id}"
    return "none"


def colleagues_of(user: User, *, person: str) -> Q:
    """The people of ``user``'s organisation, as a condition on the user path ``person``
    (e.g. "owner" of a saved view): staff for staff (the ministry and its agencies), the
    same partner organisation for a partner user, nobody for anyone else. What one shares
    with colleagues reaches these only, never another organisation."""
    if sees_nationally(user):
        return Q(**{f"{person}__role__in": STAFF_ROLES, f"{person}__is_active": True})
    if user.is_partner and user.partner_id is not None:
        return Q(**{f"{person}__partner_id": user.partner_id})
    return Q(pk__in=[])


def scoped(
    queryset: QuerySet[M], *, user: User, organisation: str | Callable[[int], Q]
) -> QuerySet[M]:
    """The rows of ``queryset`` the user may read: staff (admins, programme managers)
    every row, nationally; a partner user the rows of its own organisation, found by
    ``organisation`` (the path to the owning partner's id, e.g. ``"operator_id"``, or a
    condition built from that id); anyone else nothing. Every role-scoping selector
    (tracker.selectors, conventions.selectors) asks this, so a partner asking for
    another partner's object does not find it (404)."""
    if sees_nationally(user):
        return queryset
    if not user.is_partner or user.partner_id is None:
        return queryset.none()
    if isinstance(organisation, str):
        return queryset.filter(**{organisation: user.partner_id})
    return queryset.filter(organisation(user.partner_id))


# --- Edit rights: conventions ------------------------------------------------------


def user_manages_convention(user: User, convention: Convention) -> bool:
    """True when ``user`` is an active programme manager assigned to ``convention``.
    Admins are not managers: use ``user_may_edit_convention`` for "managers or admins"."""
    if not user.is_manager or convention.pk is None:
        return False
    return convention.managers.filter(pk=user.pk).exists()


def user_may_edit_convention(user: User, convention: Convention) -> bool:
    """Admins, and the convention's own managers."""
    return user.is_admin or user_manages_convention(user, convention)


def user_may_edit_terms(user: User, convention: Convention) -> bool:
    """Terms (dates, budget, parties, commitments, managers) change only in draft."""
    return convention.status == convention.Status.DRAFT and user_may_edit_convention(
        user, convention
    )


def user_may_attach_document(user: User, convention: Convention) -> bool:
    """The signed document is attached while drafting, or by the reviewing admin."""
    if convention.status == convention.Status.DRAFT:
        return user_may_edit_convention(user, convention)
    return user.is_admin and convention.status == convention.Status.SUBMITTED


def user_may_amend(user: User, convention: Convention) -> bool:
    """Amendments change a signed agreement: admins and the convention's managers."""
    amendable = (convention.Status.SIGNED, convention.Status.ACTIVE, convention.Status.SUSPENDED)
    return convention.status in amendable and user_may_edit_convention(user, convention)


# --- Edit rights: cohorts, people, identity corrections -----------------------------


def is_convention_manager(user: User, convention: Convention) -> bool:
    """The user is one of the programme managers assigned to the convention."""
    return user_manages_convention(user, convention)


def can_create_cohorts(user: User) -> bool:
    """May open the cohort form at all (the convention is checked on save)."""
    return bool(user.is_admin or user.is_manager)


def can_manage_cohort_under(user: User, convention: Convention) -> bool:
    return user_may_edit_convention(user, convention)


def can_edit_people_in(user: User, cohort: Cohort) -> bool:
    """Enroll, graduate, record hires: admins, the convention's managers and the editors
    of the operating partner. Viewers never."""
    if not user.is_active:
        return False
    if user.is_admin:
        return True
    if user.can_edit_partner_data:
        return user.partner_id == cohort.operator_id
    return is_convention_manager(user, cohort.convention)


def can_reopen_enrollment(user: User, cohort: Cohort) -> bool:
    """Reopen a closed enrollment (a staff correction, with a reason): admins and the
    convention's managers; never a partner, whose writes follow the lifecycle."""
    if not user.is_active:
        return False
    return bool(user.is_admin) or is_convention_manager(user, cohort.convention)


def can_create_person(user: User) -> bool:
    """Record a person outside any cohort: admins only. Everyone else creates a person by
    enrolling them (can_edit_people_in): personal data follow the cohorts
    (accounts.policy), so only an admin would see a person enrolled nowhere."""
    return bool(user.is_admin)


def can_edit_person(user: User, trainee: Trainee) -> bool:
    """Correct a person's record: who may edit people in one of the cohorts the person is
    enrolled in. A partner never rewrites a person enrolled only by another organisation
    (as the enrollment services and the import), a viewer never writes."""
    if not user.is_active:
        return False
    if user.is_admin:
        return True
    cohorts = _cohorts().filter(enrollments__trainee=trainee).select_related("convention")
    return any(can_edit_people_in(user, cohort) for cohort in cohorts.distinct())


def can_request_identity_correction(user: User, trainee: Trainee) -> bool:
    """Ask staff to correct a person's identity: the editors of an operator that trains
    the person (a viewer never writes; staff correct it directly)."""
    return bool(
        user.is_active
        and user.is_partner
        and user.can_edit_partner_data
        and _cohorts().filter(enrollments__trainee=trainee, operator_id=user.partner_id).exists()
    )


def can_handle_identity_correction(user: User, trainee: Trainee) -> bool:
    """Apply or decline a correction: admins, and the managers of a convention under
    which the person trains (need-to-see)."""
    if not user.is_active:
        return False
    if user.is_admin:
        return True
    return bool(
        user.is_manager
        and _cohorts().filter(enrollments__trainee=trainee, convention__managers=user).exists()
    )


# --- File imports -------------------------------------------------------------------

IMPORT_ROLES = (Role.ADMIN, Role.PARTNER_EDITOR)


def user_can_import(user: User) -> bool:
    return user.is_active and user.role in IMPORT_ROLES


def user_may_act_on_import(user: User, batch: ImportBatch) -> bool:
    """Only the organisation that uploaded the file (or an admin) acts on it."""
    return user_can_import(user) and (
        user.role == Role.ADMIN or batch.partner_id == user.partner_id
    )


# --- CNSS verification (tracker/verification) -----------------------------------------
# Declarations are personal data (law 09-08) handed to the ministry: admins only import
# and read them. Staff read the figures, the follow-up lists and the incentive estimates
# nationally; a partner the verification status of its own hires and graduates (the
# scope: tracker.verification.selectors), never a declared salary or employer.


def can_import_declarations(user: User) -> bool:
    return bool(user.is_active and user.is_admin)


def can_export_request_file(user: User) -> bool:
    return bool(user.is_active and user.is_staff_role)


def can_read_incentives(user: User) -> bool:
    return bool(user.is_active and user.is_staff_role)


def can_read_verification(user: User) -> bool:
    return bool(user.is_active and (user.is_staff_role or user.is_partner))


# --- Personal data -------------------------------------------------------------------

MASK = "•••"
PERSONAL_FIELDS = (
    "cin",
    "first_name",
    "last_name",
    "first_name_ar",
    "last_name_ar",
    "birth_date",
    "phone",
    "email",
)


@dataclass
class PrivacyPolicy:
    """Built once per request (one query for a manager), then asked per row for free."""

    user: User
    managed_convention_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def for_user(cls, user: User) -> PrivacyPolicy:
        managed: frozenset[int] = frozenset()
        if user.is_manager:
            managed = frozenset(user.managed_conventions.values_list("id", flat=True))
        return cls(user=user, managed_convention_ids=managed)

    def __post_init__(self) -> None:
        # Asked for every personal cell of a page (a hundred and more): the user's role
        # is read once, not per cell.
        user = self.user
        active = user is not None and user.is_active
        self._sees_all = active and user.is_admin
        self._partner_id = user.partner_id if active and user.is_partner else None
        self._partner_role = active and user.is_partner
        self._active = active

    def can_see(self, cohort: Cohort) -> bool:
        if not self._active:
            return False
        if self._sees_all:
            return True
        if self._partner_role:
            return self._partner_id is not None and self._partner_id == cohort.operator_id
        return cohort.convention_id in self.managed_convention_ids

    def visible_cohorts_q(self, prefix: str = "") -> Q:
        """The rows (enrollments: prefix "cohort__") whose personal data the user sees;
        used to limit searches by CIN or name, so a search never confirms a person."""
        user = self.user
        if user.is_admin:
            return Q()
        if user.is_partner and user.partner_id is not None:
            return Q(**{f"{prefix}operator_id": user.partner_id})
        return Q(**{f"{prefix}convention_id__in": list(self.managed_convention_ids)})

    def visible_enrollments_q(self, prefix: str = "") -> Q:
        """As visible_cohorts_q, for enrollments (prefix: the path to one): a partner's
        through the operator stored on the enrollment, with no join to its cohort."""
        user = self.user
        if user.is_partner and user.partner_id is not None:
            return Q(**{f"{prefix}operator_id": user.partner_id})
        return self.visible_cohorts_q(f"{prefix}cohort__")

    def can_see_contact(self, cohort: Cohort, contact_operator_id: int) -> bool:
        """One operator's record of a person shown with a row of ``cohort``: a partner's
        own only; staff who see the row see every operator's."""
        if not self.can_see(cohort):
            return False
        if self._partner_role:
            return contact_operator_id == self._partner_id
        return True

    def can_see_arabic_names(self, cohort: Cohort, own_contact: Any) -> bool:
        """The national record's Arabic names with a row of ``cohort``: staff who see the
        row; a partner once it supplied them itself (``own_contact``, its TraineeContact
        of the person, has ``arabic_names_known``)."""
        if not self.can_see(cohort):
            return False
        if self._partner_role:
            return bool(own_contact is not None and own_contact.arabic_names_known)
        return True

    @property
    def sees_every_operator(self) -> bool:
        """Staff with need-to-see read every operator's records (labelled)."""
        return self._active and not self._partner_role

    def can_see_import(self, batch: ImportBatch) -> bool:
        """Whether the personal data an import carries (its file, the values its errors
        quote) is shown. It is the uploading organisation's: its users, the uploader and
        admins see it; a programme manager only when every cohort the import touches is
        under a convention they manage (an import not yet validated touches none known:
        masked). Everyone else reads the import with its personal columns masked."""
        if not self._active:
            return False
        if self._sees_all or batch.uploaded_by_id == self.user.pk:
            return True
        if self._partner_role:
            return self._partner_id is not None and self._partner_id == batch.partner_id
        cohort_ids = list(batch.cohort_ids or [])
        if not cohort_ids or not self.managed_convention_ids:
            return False
        outside = (
            _cohorts()
            .filter(id__in=cohort_ids)
            .exclude(convention_id__in=self.managed_convention_ids)
        )
        return not outside.exists()

    def value(self, cohort: Cohort, raw: Any) -> Any:
        """The value itself, or the mask."""
        if self.can_see(cohort):
            return raw
        return MASK if raw not in (None, "") else raw

    def person_name(self, cohort: Cohort, trainee: Any) -> str:
        if self.can_see(cohort):
            return f"{trainee.first_name} {trainee.last_name}"
        return str(_("Stagiaire n° %(id)s")) % {"id": trainee.pk}


class MaskEverything(PrivacyPolicy):
    """The safe default when no user is known: nothing personal is shown."""

    def __init__(self) -> None:
        super().__init__(user=None)  # type: ignore[arg-type]

    def can_see(self, cohort: Cohort) -> bool:
        return False


def is_personal_column(key: str | None) -> bool:
    """An import column (by key) that carries personal data; an unknown column may carry
    anything, so it counts as personal."""
    return key is None or key in PERSONAL_FIELDS


def mask_birth_year(birth_date: dt.date | None) -> str:
    """What others may know of an age: nothing finer than the year is ever needed."""
    return str(birth_date.year) if birth_date else ""


# --- Account administration: who may administer which accounts -----------------------
# Admins administer everyone (but never deactivate or demote themselves: an admin-less
# product could not be run). A partner editor invites, deactivates and reactivates the
# viewers and editors of its own organisation only; everyone else administers nobody.


def may_administer_users(user: User) -> bool:
    """Opens the users pages at all."""
    return bool(user.is_active and (user.is_admin or user.can_edit_partner_data))


def may_invite(actor: User, *, role: str, partner: Any) -> bool:
    if actor.is_admin:
        return True
    return bool(
        actor.can_edit_partner_data
        and role in PARTNER_ROLES
        and partner is not None
        and partner.pk == actor.partner_id
    )


def may_change_active(actor: User, target: User) -> bool:
    """Deactivate or reactivate ``target``."""
    if target.pk == actor.pk:
        return False
    if actor.is_admin:
        return True
    return bool(
        actor.can_edit_partner_data
        and target.role in PARTNER_ROLES
        and target.partner_id == actor.partner_id
    )


def may_change_role(actor: User, target: User) -> bool:
    return bool(actor.is_admin and target.pk != actor.pk)


def invitable_roles(actor: User) -> list[tuple[str, str]]:
    roles = Role.choices if actor.is_admin else [c for c in Role.choices if c[0] in PARTNER_ROLES]
    return [(value, str(label)) for value, label in roles]
