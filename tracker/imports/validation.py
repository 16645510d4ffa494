"""Validation of import rows: each row through the shared rules (tracker.rules), then the
database checks for a whole chunk of rows at once (a handful of queries per chunk, never
one per row).

``parse_row`` turns the cells of one row into a ``RowRecord`` (normalised values) or
errors; ``plan_chunk`` compares a chunk of records with the database and says, for each
row, whether it creates, updates or leaves unchanged its enrollment (and its trainee and
hire), building the objects the commit writes. The validation and the commit run the
same two functions, so the preview and the write can never disagree on a rule."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, F, Model, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policy import sees_nationally
from conventions.models import Filiere, Partner, Region, Zone, ice_validator
from tracker import lifecycle, rules
from tracker.identity import (
    IDENTITY_MISMATCH_MESSAGE,
    SHARED_IDENTITY_MESSAGE,
    identity_changes,
    identity_matches,
    knows_arabic_names,
)
from tracker.imports.columns import COLUMNS_BY_KEY, HIRE_KEYS, normalize_label, value_lookup
from tracker.models import Enrollment, Placement, Trainee, TraineeContact
from tracker.selectors import cohort_list
from tracker.services.placements import hire_key

# Model field -> import column, to place the errors the rules raise by field name.
# The same dates and amounts recur on thousands of rows: memoise the shared rules
# (a failing value raises again each time: lru_cache never caches exceptions).
parse_date = functools.lru_cache(maxsize=65536)(rules.parse_date)
parse_decimal = functools.lru_cache(maxsize=16384)(rules.parse_decimal)

FIELD_COLUMNS = {
    "enrolled_on": "enrolled_on",
    "graduated_on": "graduated_on",
    "exited_on": "exited_on",
    "hired_on": "hired_on",
    "ended_on": "hire_ended_on",
    "gross_monthly_salary_mad": "salary",
}
# The national record's columns (identity), and one operator's record of the person.
TRAINEE_FIELDS = ("first_name", "last_name", "first_name_ar", "last_name_ar", "sex", "birth_date")
CONTACT_FIELDS = ("phone", "email", "residence_region_id", "education_level")
ENROLLMENT_FIELDS = ("status", "enrolled_on", "exited_on", "graduated_on", "certificate_ref")
PLACEMENT_FIELDS = (
    "employer_id",
    "employer_name",
    "employer_ice",
    "hired_on",
    "contract_type",
    "job_title",
    "filiere_id",
    "zone_id",
    "region_id",
    "gross_monthly_salary_mad",
    "ended_on",
    "cnss_verified_on",
)
MAX_TEXT = {
    "first_name": 100,
    "last_name": 100,
    "first_name_ar": 100,
    "last_name_ar": 100,
    "certificate_ref": 60,
    "employer_name": 200,
    "job_title": 150,
}


@dataclass(frozen=True)
class CohortInfo:
    id: int
    starts_on: dt.date
    ends_on: dt.date
    filiere_id: int
    operator_id: int


@dataclass
class ImportContext:
    """What every row needs, loaded once per file: the cohorts in the user's scope and
    the small reference tables."""

    user: User
    cohorts: dict[str, CohortInfo]  # normalised code -> cohort
    regions: dict[str, int]
    zones: dict[str, int]
    filieres: dict[str, int]
    employers_by_ice: dict[str, int]
    today: dt.date
    # Staff may update any trainee's identity; a partner only those of trainees it
    # already enrolls and no other operator trains (anyone else must match the national
    # record, plan_chunk's _identity_error). Contact details go to the row's operator.
    partner_id: int | None

    @classmethod
    def for_user(cls, user: User) -> ImportContext:
        cohorts = {
            normalize_code(code): CohortInfo(pk, starts_on, ends_on, filiere_id, operator_id)
            for pk, code, starts_on, ends_on, filiere_id, operator_id in cohort_list(
                user=user
            ).values_list("id", "code", "starts_on", "ends_on", "filiere_id", "operator_id")
        }
        return cls(
            user=user,
            cohorts=cohorts,
            regions=_lookup(
                Region.objects.values_list("id", "code", "name_fr", "name_ar", "name_en")
            ),
            zones=_lookup(Zone.objects.values_list("id", "code", "name_fr", "name_ar", "name_en")),
            filieres=_lookup(
                Filiere.objects.values_list("id", "code", "name_fr", "name_ar", "name_en")
            ),
            employers_by_ice={
                ice: pk
                for ice, pk in Partner.objects.filter(
                    kind=Partner.Kind.EMPLOYER, ice__isnull=False
                ).values_list("ice", "id")
                if ice
            },
            today=timezone.localdate(),
            partner_id=None if sees_nationally(user) else user.partner_id,
        )


def _lookup(rows: Iterable[tuple[Any, ...]]) -> dict[str, int]:
    lookup: dict[str, int] = {}
    for pk, *labels in rows:
        for label in labels:
            if label:  # names in every interface language; a blank one matches nothing
                lookup.setdefault(normalize_label(label), pk)
    return lookup


def normalize_code(raw: str) -> str:
    return " ".join(raw.split()).upper()


@dataclass(slots=True)
class RowRecord:
    """One valid row, normalised. Only the columns present in the file are set, so a
    file without (say) the phone column never blanks the phones already recorded."""

    row_number: int
    cohort_id: int
    cin: str
    trainee: dict[str, Any]
    enrollment: dict[str, Any]
    hire: dict[str, Any] | None


RowError = tuple[int, str, str]  # row number, column header, reason


class Reason(str):
    """A row error's reason carrying the stable code the single API endpoints answer for
    the same refusal (``closed_enrollment``, ``identity_mismatch``, ``invalid_cin``...):
    the file import stores the words only, the API batch answers the code too. A plain
    str reason has the code ``invalid``."""

    code: str

    def __new__(cls, message: str, code: str = "invalid") -> Reason:
        reason = super().__new__(cls, message)
        reason.code = code
        return reason


def reason_code(reason: str) -> str:
    return getattr(reason, "code", "invalid")


def _error_code(error: ValidationError) -> str:
    """The code of a ValidationError raised without a field (its first coded error)."""
    return next((e.code for e in error.error_list if e.code), "invalid")


def _clean(cell: str) -> str:
    """Stray spaces go: around the value, and runs of spaces inside it."""
    cell = cell.strip()
    if "  " in cell or "\u00a0" in cell:
        cell = " ".join(cell.split())
    return cell


class _CellReader:
    """The recognised columns' keys, and a picker of their cells out of a row."""

    __slots__ = ("keys", "pick")

    def __init__(self, positions: dict[str, int]) -> None:
        self.keys = tuple(positions)
        indexes = tuple(positions.values())
        self.pick: Callable[[list[str]], tuple[str, ...]]
        if len(indexes) > 1:
            self.pick = operator.itemgetter(*indexes)
        elif indexes:  # itemgetter of one index returns the cell, not a tuple
            (only,) = indexes
            self.pick = lambda cells: (cells[only],)
        else:  # an API record with no known field
            self.pick = lambda cells: ()


# (positions, its reader) of the last layout read, replaced as one tuple (threads see
# a consistent pair). A file's rows share one positions dict, never changed once rows
# are read with it (match_header's, or the API's one per record): one reader per file.
_last_reader: tuple[dict[str, int], _CellReader] | None = None


def _cell_reader(positions: dict[str, int]) -> _CellReader:
    global _last_reader
    last = _last_reader
    if last is not None and last[0] is positions:
        return last[1]
    reader = _CellReader(positions)
    _last_reader = (positions, reader)
    return reader


# Coded values and reference labels repeat on most rows ("Diplômé", a region's name):
# normalise each distinct one once.
_label = functools.lru_cache(maxsize=8192)(normalize_label)


class _Row:
    """Reads one row's cells by column key and collects its errors."""

    __slots__ = ("errors", "number", "positions", "values")

    def __init__(self, number: int, cells: list[str], positions: dict[str, int]) -> None:
        self.number = number
        # Only the recognised columns' cells are cleaned, once, and read by key.
        reader = _cell_reader(positions)
        try:
            raw = reader.pick(cells)
        except IndexError:  # a short row: the missing cells are absent
            width = len(cells)
            self.values = {
                key: _clean(cells[index]) for key, index in positions.items() if index < width
            }
        else:
            # Most rows hold no run of spaces and no no-break space anywhere: stripping
            # is all _clean would do to each cell, in one pass over the row (the
            # separator keeps two cells' edges from making a run).
            if "  " in (joined := "\x00".join(raw)) or "\u00a0" in joined:
                self.values = dict(zip(reader.keys, map(_clean, raw), strict=True))
            else:
                self.values = dict(zip(reader.keys, map(str.strip, raw), strict=True))
        self.positions = positions
        self.errors: list[RowError] = []

    def has(self, key: str) -> bool:
        return key in self.positions

    def text(self, key: str) -> str:
        return self.values.get(key, "")

    def error(self, key: str, message: str, code: str = "invalid") -> None:
        self.errors.append((self.number, COLUMNS_BY_KEY[key].header, Reason(message, code)))

    def required(self, key: str) -> str:
        value = self.values.get(key, "")
        if not value:
            self.error(key, _("Valeur obligatoire manquante."), "required")
        return value

    def apply(self, key: str, function: Callable[[str], Any], raw: str) -> Any:
        try:
            return function(raw)
        except ValidationError as error:
            self.error(key, " ".join(error.messages), _error_code(error))
            return None

    # The readers below are on every row's path: they read self.values directly.
    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        raw = self.required(key) if required else self.values.get(key, "")
        if not raw:
            return None
        try:
            return parse_date(raw)
        except ValidationError as error:
            self.error(key, " ".join(error.messages), _error_code(error))
            return None

    def coded(self, key: str, *, required: bool = False) -> str:
        raw = self.required(key) if required else self.values.get(key, "")
        if not raw:
            return ""
        value = value_lookup(key).get(_label(raw))
        if value is None:
            self.error(
                key,
                _("Valeur « %(value)s » non reconnue (voir la feuille Valeurs).") % {"value": raw},
                "invalid_choice",
            )
            return ""
        return value

    def reference(self, key: str, lookup: dict[str, int]) -> int | None:
        raw = self.values.get(key, "")
        if not raw:
            return None
        pk = lookup.get(_label(raw))
        if pk is None:
            self.error(
                key,
                _("Valeur « %(value)s » non reconnue (voir la feuille Valeurs).") % {"value": raw},
                "does_not_exist",
            )
        return pk

    def limited(self, key: str, field_name: str, *, required: bool = False) -> str:
        value = self.required(key) if required else self.values.get(key, "")
        if len(value) > MAX_TEXT[field_name]:
            self.error(
                key,
                _("Trop long : %(n)s caractères au plus.") % {"n": MAX_TEXT[field_name]},
                "max_length",
            )
        return value

    def rule(self, check: Callable[[], None], default_key: str) -> None:
        """Runs one of tracker.rules' checks and files its errors under their columns."""
        try:
            check()
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field_name, errors in error.error_dict.items():
                    key = FIELD_COLUMNS.get(field_name, default_key)
                    field_error = ValidationError(errors)
                    self.error(key, " ".join(field_error.messages), _error_code(field_error))
            else:
                self.error(default_key, " ".join(error.messages), _error_code(error))


def parse_row(
    number: int, cells: list[str], positions: dict[str, int], context: ImportContext
) -> tuple[RowRecord | None, list[RowError]]:
    row = _Row(number, cells, positions)
    code = row.required("cohort")
    cohort = context.cohorts.get(normalize_code(code)) if code else None
    if code and cohort is None:
        # Same words whether the cohort does not exist or belongs to someone else.
        row.error(
            "cohort",
            _("Cohorte « %(code)s » inconnue ou hors de votre périmètre.") % {"code": code},
            "does_not_exist",
        )
    cin = row.apply("cin", rules.normalize_cin, row.text("cin"))

    # A file always has the identity columns (required headers); an API record may leave
    # them out for a person the caller already records (its stored values stay), which
    # plan_chunk checks once it knows the person.
    trainee: dict[str, Any] = {}
    for key in ("last_name", "first_name"):
        if row.has(key):
            trainee[key] = row.limited(key, key, required=True)
    if row.has("sex"):
        trainee["sex"] = row.coded("sex", required=True)
    if row.has("birth_date"):
        birth_date = row.date("birth_date", required=True)
        if birth_date is not None:
            row.rule(lambda: rules.check_birth_date(birth_date, on=context.today), "birth_date")
        trainee["birth_date"] = birth_date
    for key in ("first_name_ar", "last_name_ar"):
        if row.has(key):
            trainee[key] = row.limited(key, key)
    if row.has("phone"):
        trainee["phone"] = row.apply("phone", rules.normalize_phone, row.text("phone")) or ""
    if row.has("email"):
        trainee["email"] = row.apply("email", rules.normalize_email, row.text("email")) or ""
    if row.has("residence_region"):
        trainee["residence_region_id"] = row.reference("residence_region", context.regions)
    if row.has("education_level"):
        trainee["education_level"] = row.coded("education_level")

    status = row.coded("status", required=True)
    enrolled_on = row.date("enrolled_on", required=True)
    enrollment: dict[str, Any] = {"status": status, "enrolled_on": enrolled_on}
    exited_on = row.date("exited_on") if row.has("exited_on") else None
    graduated_on = row.date("graduated_on") if row.has("graduated_on") else None
    if row.has("exited_on"):
        enrollment["exited_on"] = exited_on
    if row.has("graduated_on"):
        enrollment["graduated_on"] = graduated_on
    if row.has("certificate_ref"):
        enrollment["certificate_ref"] = row.limited("certificate_ref", "certificate_ref")
    # A graduate leaves on its graduation day (as enrollment_graduate records it): a
    # blank exit date (the export for update leaves it blank) is that day.
    if (
        status == Enrollment.Status.GRADUATED
        and graduated_on is not None
        and enrollment.get("exited_on") is None
    ):
        enrollment["exited_on"] = graduated_on
    if status in Enrollment.Status.values:
        # The dates the row gives must agree with its status; a date the row leaves out
        # is checked against the stored one (plan_chunk) or, for a new row, as absent.
        for key, message in lifecycle.state_errors(
            status,
            graduated_on=enrollment.get("graduated_on"),
            exited_on=enrollment.get("exited_on"),
        ).items():
            if row.has(key) or status == Enrollment.Status.GRADUATED:
                row.error(key, message)
    if cohort is not None and enrolled_on is not None:
        row.rule(
            lambda: rules.check_enrollment_date(
                enrolled_on, cohort_starts_on=cohort.starts_on, cohort_ends_on=cohort.ends_on
            ),
            "enrolled_on",
        )
        if graduated_on is not None:
            row.rule(
                lambda: rules.check_graduation_date(
                    graduated_on,
                    enrolled_on=enrolled_on,
                    cohort_starts_on=cohort.starts_on,
                    cohort_ends_on=cohort.ends_on,
                ),
                "graduated_on",
            )
    if exited_on is not None and enrolled_on is not None:
        row.rule(lambda: rules.check_exit_date(exited_on, enrolled_on=enrolled_on), "exited_on")

    hire = _parse_hire(row, context, cohort, enrolled_on)
    if row.errors or cohort is None or cin is None:
        return None, row.errors
    return RowRecord(number, cohort.id, cin, trainee, enrollment, hire), []


def _parse_hire(
    row: _Row, context: ImportContext, cohort: CohortInfo | None, enrolled_on: dt.date | None
) -> dict[str, Any] | None:
    if not any(map(row.values.get, HIRE_KEYS)):
        return None
    hired_on = row.date("hired_on", required=True)
    ice = row.text("employer_ice").replace(" ", "")
    if ice:
        row.rule(lambda: ice_validator(ice), "employer_ice")
    employer_id = context.employers_by_ice.get(ice) if ice else None
    employer_name = row.limited("employer_name", "employer_name")
    if employer_id is None and not employer_name:
        row.error(
            "employer_name", _("Nom de l'employeur obligatoire pour une embauche."), "required"
        )
    hire: dict[str, Any] = {
        "employer_id": employer_id,
        "employer_name": employer_name,
        "employer_ice": ice,
        "hired_on": hired_on,
        "contract_type": row.coded("contract_type", required=True),
        "job_title": row.limited("job_title", "job_title", required=True),
        "filiere_id": row.reference("job_filiere", context.filieres)
        or (cohort.filiere_id if cohort else None),
        "zone_id": row.reference("job_zone", context.zones),
        "region_id": row.reference("job_region", context.regions),
        "gross_monthly_salary_mad": row.apply("salary", parse_decimal, row.text("salary")),
        "ended_on": row.date("hire_ended_on"),
        "cnss_verified_on": row.date("cnss_verified_on"),
    }
    salary = hire["gross_monthly_salary_mad"]
    if salary is not None:
        if salary.as_tuple().exponent < -2:
            salary = salary.quantize(Decimal("0.01"))
            hire["gross_monthly_salary_mad"] = salary
        row.rule(lambda: rules.check_salary(salary), "salary")
    if hired_on is not None and enrolled_on is not None:
        row.rule(
            lambda: rules.check_hire_dates(
                hired_on, enrolled_on=enrolled_on, ended_on=hire["ended_on"]
            ),
            "hired_on",
        )
    return hire


# --- Whole-file state: duplicates and overlaps between rows of different chunks ------


class FileState:
    """What later chunks must know about earlier rows of the same file, kept compact
    (integers) so a million-row file stays within the memory budget."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        # hash(CIN) -> number of the chunk where the person first appears. A person in
        # an earlier chunk means this chunk's plan, made before that chunk is written,
        # cannot be replayed as is at the commit (see ChunkPlan.replan_at_commit).
        self.first_chunk: dict[int, int] = {}
        self.chunk = 0
        self.chunk_repeats_earlier = False

    def start_chunk(self) -> None:
        self.chunk += 1
        self.chunk_repeats_earlier = False
        # hash(CIN) -> packed (cohort id, start ordinal, end ordinal) of an in-progress
        # enrollment earlier in the file.
        self.in_progress: dict[int, int] = {}

    def check(self, record: RowRecord, cohort: CohortInfo) -> list[RowError]:
        errors: list[RowError] = []
        key = hash((record.cin, record.cohort_id))
        if key in self.seen:
            errors.append(
                (
                    record.row_number,
                    COLUMNS_BY_KEY["cin"].header,
                    Reason(
                        _("Cette CIN figure déjà plus haut dans le fichier pour la même cohorte."),
                        "duplicate_record",
                    ),
                )
            )
            return errors
        self.seen.add(key)
        person = hash(record.cin)
        if self.first_chunk.setdefault(person, self.chunk) != self.chunk:
            self.chunk_repeats_earlier = True
        if record.enrollment["status"] != Enrollment.Status.ENROLLED:
            return errors
        start, end = record.enrollment["enrolled_on"], cohort.ends_on
        packed = self.in_progress.get(person)
        if packed is not None:
            other_cohort = packed >> 40
            other_start = dt.date.fromordinal((packed >> 20) & 0xFFFFF)
            other_end = dt.date.fromordinal(packed & 0xFFFFF)
            if other_cohort != record.cohort_id and rules.periods_overlap(
                start, end, other_start, other_end
            ):
                errors.append(
                    (
                        record.row_number,
                        COLUMNS_BY_KEY["enrolled_on"].header,
                        Reason(overlap_message(), "overlapping_enrollment"),
                    )
                )
                return errors
        self.in_progress[person] = (
            (record.cohort_id << 40) | (start.toordinal() << 20) | end.toordinal()
        )
        return errors


def overlap_message() -> str:
    # Never names the other cohort: it may belong to another organisation.
    return _(
        "Cette personne a déjà une inscription en cours sur une période qui chevauche "
        "celle-ci, dans une autre cohorte."
    )


# --- Chunk plan: the set-based database checks and the diff -----------------------


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def diff(instance: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """field -> [old, new] for the values that differ from the instance's."""
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(instance, name)
        if old != new:
            changes[name] = [_json(old), _json(new)]
    return changes


ARABIC_NAME_KEYS = ("first_name_ar", "last_name_ar")
EMPLOYER_KEYS = ("employer_id", "employer_name", "employer_ice")


def hire_values_to_compare(existing: Placement, hire: dict[str, Any]) -> dict[str, Any]:
    """A row's hire values compared with the stored hire it matched. A hire whose
    employer is a partner stores neither name nor ICE (the partner's are read, as
    tracker.services.placements records it): a row naming that partner, by its ICE or its
    name, leaves the employer as it is."""
    if existing.employer_id is None or hire["employer_id"] not in (None, existing.employer_id):
        return hire
    return {name: value for name, value in hire.items() if name not in EMPLOYER_KEYS}


def created(values: dict[str, Any]) -> dict[str, list[Any]]:
    return {name: [None, _json(new)] for name, new in values.items() if new not in (None, "")}


@dataclass
class ChunkPlan:
    errors: list[RowError] = field(default_factory=list)
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    cohort_ids: set[int] = field(default_factory=set)
    # Row number -> "created", "updated" or "unchanged" (the API batch lists them).
    outcomes: dict[int, str] = field(default_factory=dict)
    # Writes, for the commit: new objects and (object, changes) pairs.
    # New rows are plain field -> value dicts (no model instances: the commit writes
    # them with COPY on PostgreSQL).
    new_trainees: dict[str, dict[str, Any]] = field(default_factory=dict)  # by CIN
    updated_trainees: list[tuple[Trainee, dict[str, list[Any]]]] = field(default_factory=list)
    # Each operator's record of its people (TraineeContact): new ones by (CIN, operator).
    new_contacts: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    updated_contacts: list[tuple[TraineeContact, dict[str, list[Any]]]] = field(
        default_factory=list
    )
    # People already trained elsewhere, enrolled by a new operator: (trainee id, operator).
    linked: set[tuple[int, int]] = field(default_factory=set)
    # New enrollments wait for their trainee's id: (CIN, enrollment).
    new_enrollments: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    updated_enrollments: list[tuple[Enrollment, dict[str, list[Any]]]] = field(default_factory=list)
    # New placements wait for their enrollment's id: ((CIN, cohort id), placement).
    new_placements: list[tuple[tuple[str, int], dict[str, Any]]] = field(default_factory=list)
    updated_placements: list[tuple[Placement, dict[str, list[Any]]]] = field(default_factory=list)
    # Made at validation, the plan is staged and replayed by the commit when the
    # database has not changed since; except when a person of this chunk also appears
    # in an earlier chunk (the earlier chunk's writes change this chunk's plan).
    replan_at_commit: bool = False


def key_in(model: type[Model], attname: str, values: Collection[Any]) -> Q | RawSQL:
    """``attname IN values`` for a chunk's thousands of keys. On PostgreSQL one array
    parameter (``= ANY(%s)``): with ``__in``, Django prepares and psycopg parses
    thousands of placeholders one by one, for every chunk."""
    if connection.vendor != "postgresql":
        return Q(**{f"{attname}__in": values})
    column = next(f.column for f in model._meta.concrete_fields if f.attname == attname)
    quote = connection.ops.quote_name
    return RawSQL(  # noqa: S611 - identifiers from the model; the values are a parameter
        f"{quote(model._meta.db_table)}.{quote(column)} = ANY(%s)",
        (list(values),),
        output_field=BooleanField(),
    )


IDENTITY_KEYS = ("last_name", "first_name", "sex", "birth_date")


def _contact_values(record: RowRecord) -> dict[str, Any]:
    """The row's contact columns (only those in the file), for its operator's record."""
    return {k: v for k, v in record.trainee.items() if k in CONTACT_FIELDS}


def _plan_new_contact(plan: ChunkPlan, key: tuple[str, int], values: dict[str, Any]) -> None:
    filled = {name: value for name, value in values.items() if value not in ("", None)}
    if set(filled) - {"trainee_id"}:
        plan.new_contacts.setdefault(key, {}).update(filled)


def _identity_error(
    record: RowRecord,
    trainee: Trainee | None,
    context: ImportContext,
    editable: set[int],
    operators: dict[int, set[int]],
) -> RowError | None:
    """The row's identity against the national record of its CIN (tracker.identity): a
    new person needs every identity column; a person the caller does not record yet must
    match it (one neutral message, nothing stored shown); a person shared with another
    operator keeps its identity (staff correct it)."""
    missing = [key for key in IDENTITY_KEYS if key not in record.trainee]
    if missing and (trainee is None or trainee.id not in editable):
        return (
            record.row_number,
            COLUMNS_BY_KEY[missing[0]].header,
            Reason(_("Valeur obligatoire manquante."), "required"),
        )
    if trainee is None or context.partner_id is None:
        return None
    values = record.trainee
    if trainee.id not in editable:
        if identity_matches(
            trainee,
            first_name=values["first_name"],
            last_name=values["last_name"],
            birth_date=values["birth_date"],
            first_name_ar=values.get("first_name_ar", ""),
            last_name_ar=values.get("last_name_ar", ""),
        ):
            return None
        return (
            record.row_number,
            COLUMNS_BY_KEY["cin"].header,
            Reason(str(IDENTITY_MISMATCH_MESSAGE), "identity_mismatch"),
        )
    changed = identity_changes(trainee, values)
    if changed and len(operators.get(trainee.id, ())) > 1:
        return (
            record.row_number,
            COLUMNS_BY_KEY[changed[0]].header,
            Reason(str(SHARED_IDENTITY_MESSAGE), "shared_identity"),
        )
    return None


def _lifecycle_errors(record: RowRecord, stored: Enrollment | None) -> list[RowError]:
    """The row's status against the lifecycle (tracker.lifecycle): a stored enrollment
    moves only along it, and the dates the row leaves out keep their stored values."""
    values = record.enrollment
    status = values["status"]
    if stored is not None and not lifecycle.move_allowed(stored.status, status):
        try:
            lifecycle.check_move(stored.status, status)
        except ValidationError as error:
            return [
                (
                    record.row_number,
                    COLUMNS_BY_KEY["status"].header,
                    Reason(message, "closed_enrollment"),
                )
                for message in error.messages
            ]

    def current(name: str) -> Any:
        if name in values:
            return values[name]
        return getattr(stored, name) if stored is not None else None

    errors = lifecycle.state_errors(
        status, graduated_on=current("graduated_on"), exited_on=current("exited_on")
    )
    return [
        (record.row_number, COLUMNS_BY_KEY[key].header, message) for key, message in errors.items()
    ]


def plan_chunk(
    records: list[RowRecord], context: ImportContext, state: FileState | None
) -> ChunkPlan:
    """Three queries for the whole chunk: the trainees by CIN, all their enrollments
    (to match, to check overlaps, and to know which trainees the partner already
    enrolls), and the hires of the matched enrollments."""
    plan = ChunkPlan()
    cohorts_by_id = {info.id: info for info in context.cohorts.values()}
    accepted: list[RowRecord] = []
    if state:
        state.start_chunk()
    for record in records:
        # In-file checks (duplicates, overlaps between rows) depend on the file only: the
        # validation runs them; the commit (state None) need not hold that state again.
        errors = state.check(record, cohorts_by_id[record.cohort_id]) if state else []
        if errors:
            plan.errors.extend(errors)
        else:
            accepted.append(record)
    plan.replan_at_commit = bool(state and state.chunk_repeats_earlier)
    cins = {record.cin for record in accepted}
    trainees = (
        {t.cin: t for t in Trainee.objects.filter(key_in(Trainee, "cin", cins)).order_by()}
        if cins
        else {}
    )
    enrollments: dict[tuple[int, int], Enrollment] = {}
    in_progress: dict[int, list[tuple[int, dt.date, dt.date]]] = {}
    editable: set[int] = set()
    operators: dict[int, set[int]] = {}  # trainee id -> operators that train(ed) them
    if trainees:
        rows = (
            Enrollment.objects.filter(
                key_in(Enrollment, "trainee_id", [t.id for t in trainees.values()])
            )
            .annotate(cohort_ends_on=F("cohort__ends_on"))
            .order_by()
        )
        for found in rows:
            enrollments[(found.trainee_id, found.cohort_id)] = found
            if found.status == Enrollment.Status.ENROLLED:
                in_progress.setdefault(found.trainee_id, []).append(
                    (found.cohort_id, found.enrolled_on, found.cohort_ends_on)
                )
            if context.partner_id is None or found.operator_id == context.partner_id:
                editable.add(found.trainee_id)
            operators.setdefault(found.trainee_id, set()).add(found.operator_id)
    contacts: dict[tuple[int, int], TraineeContact] = {}
    if trainees:  # the operators' records of the people already known (one query)
        for contact in TraineeContact.objects.filter(
            key_in(TraineeContact, "trainee_id", [t.id for t in trainees.values()])
        ).order_by():
            contacts[(contact.trainee_id, contact.operator_id)] = contact
    placements: dict[tuple[int, dt.date, int | None, str], Placement] = {}
    # Hires with an employer partner, also by its name (an exported row names it so).
    by_employer_name: dict[tuple[int, dt.date, str], Placement] = {}
    hired = [e.id for (t, c), e in enrollments.items()]
    if hired and any(record.hire for record in accepted):
        for placement in (
            Placement.objects.filter(key_in(Placement, "enrollment_id", hired))
            .select_related("employer")
            .order_by()
        ):
            if placement.employer is not None:
                by_employer_name[
                    (placement.enrollment_id, placement.hired_on, _label(placement.employer.name))
                ] = placement
            placements[
                hire_key(
                    enrollment_id=placement.enrollment_id,
                    hired_on=placement.hired_on,
                    employer_id=placement.employer_id,
                    employer_ice=placement.employer_ice,
                )
            ] = placement
    # Enrollments that this chunk closes (status no longer "enrolled") do not overlap.
    closing = {
        (record.cin, record.cohort_id)
        for record in accepted
        if record.enrollment["status"] != Enrollment.Status.ENROLLED
    }
    updated_trainees: dict[int, tuple[Trainee, dict[str, list[Any]]]] = {}
    enrollment: Enrollment | None
    for record in accepted:
        cohort = cohorts_by_id[record.cohort_id]
        plan.cohort_ids.add(record.cohort_id)
        trainee = trainees.get(record.cin)
        row_changed = False
        identity_error = _identity_error(record, trainee, context, editable, operators)
        if identity_error is not None:
            plan.errors.append(identity_error)
            continue
        if trainee is not None and record.enrollment["status"] == Enrollment.Status.ENROLLED:
            start = record.enrollment["enrolled_on"]
            if any(
                other_cohort != record.cohort_id
                and (record.cin, other_cohort) not in closing
                and rules.periods_overlap(start, cohort.ends_on, other_start, other_end)
                for other_cohort, other_start, other_end in in_progress.get(trainee.id, ())
            ):
                plan.errors.append(
                    (
                        record.row_number,
                        COLUMNS_BY_KEY["enrolled_on"].header,
                        Reason(overlap_message(), "overlapping_enrollment"),
                    )
                )
                continue
        identity = {k: v for k, v in record.trainee.items() if k in TRAINEE_FIELDS}
        contact_values = _contact_values(record)
        given_ar = (identity.get("first_name_ar", ""), identity.get("last_name_ar", ""))
        if (
            any(given_ar)
            if trainee is None
            else context.partner_id is not None
            and knows_arabic_names(trainee, first_name_ar=given_ar[0], last_name_ar=given_ar[1])
        ):
            # The importer supplied the Arabic names: it may read them (TraineeContact).
            # Staff re-sending a known person's names (an export for update) supply
            # nothing on the operator's behalf.
            contact_values["arabic_names_known"] = True
        if trainee is None:
            new = plan.new_trainees.get(record.cin)
            if new is None:
                plan.new_trainees[record.cin] = {"cin": record.cin, **identity}
            else:  # the same person twice in the chunk (two cohorts): the later row wins
                new.update(identity)
            _plan_new_contact(plan, (record.cin, cohort.operator_id), contact_values)
            enrollment = None
        else:
            if contact_values:
                found_contact = contacts.get((trainee.id, cohort.operator_id))
                if found_contact is None:
                    _plan_new_contact(
                        plan,
                        (record.cin, cohort.operator_id),
                        {**contact_values, "trainee_id": trainee.id},
                    )
                    row_changed = any(v not in ("", None) for v in contact_values.values())
                else:
                    contact_changes = diff(found_contact, contact_values)
                    if contact_changes:
                        row_changed = True
                        for name in contact_changes:
                            setattr(found_contact, name, contact_values[name])
                        plan.updated_contacts.append((found_contact, contact_changes))
            if (
                trainee.id in operators
                and cohort.operator_id not in operators[trainee.id]
                and (trainee.id, record.cohort_id) not in enrollments
            ):
                plan.linked.add((trainee.id, cohort.operator_id))
            if trainee.id in editable:
                # An empty Arabic name changes nothing (tracker.identity.identity_changes).
                changes = diff(
                    trainee,
                    {k: v for k, v in identity.items() if v or k not in ARABIC_NAME_KEYS},
                )
                if changes:
                    row_changed = True
                    for name in changes:
                        setattr(trainee, name, identity[name])
                    if trainee.id not in updated_trainees:
                        trainee.version += 1  # once per chunk, as one save
                    _, merged = updated_trainees.setdefault(trainee.id, (trainee, {}))
                    for name, (old, new_value) in changes.items():
                        merged[name] = [merged.get(name, [old])[0], new_value]
            enrollment = enrollments.get((trainee.id, record.cohort_id))
        lifecycle_errors = _lifecycle_errors(record, enrollment)
        if lifecycle_errors:
            plan.errors.extend(lifecycle_errors)
            continue
        if enrollment is None:
            plan.to_create += 1
            plan.outcomes[record.row_number] = "created"
            plan.new_enrollments.append(
                (
                    record.cin,
                    {"cohort_id": record.cohort_id, **record.enrollment},
                )
            )
            if record.hire:
                plan.new_placements.append(
                    (
                        (record.cin, record.cohort_id),
                        dict(record.hire),
                    )
                )
            continue
        changes = diff(enrollment, record.enrollment)
        if changes:
            row_changed = True
            for name in changes:
                setattr(enrollment, name, record.enrollment[name])
            enrollment.version += 1
            enrollment.updated_by = context.user
            plan.updated_enrollments.append((enrollment, changes))
        if record.hire:
            existing_hire = placements.get(
                hire_key(
                    enrollment_id=enrollment.id,
                    hired_on=record.hire["hired_on"],
                    employer_id=record.hire["employer_id"],
                    employer_ice=record.hire["employer_ice"],
                )
            ) or by_employer_name.get(
                (enrollment.id, record.hire["hired_on"], _label(record.hire["employer_name"]))
            )
            if existing_hire is None:
                row_changed = True
                plan.new_placements.append(
                    (
                        (record.cin, record.cohort_id),
                        {"enrollment_id": enrollment.id, **record.hire},
                    )
                )
            else:
                compared = hire_values_to_compare(existing_hire, record.hire)
                hire_changes = diff(existing_hire, compared)
                if hire_changes:
                    row_changed = True
                    for name in hire_changes:
                        setattr(existing_hire, name, compared[name])
                    existing_hire.version += 1
                    existing_hire.updated_by = context.user
                    plan.updated_placements.append((existing_hire, hire_changes))
        if row_changed:
            plan.to_update += 1
        else:
            plan.unchanged += 1
        plan.outcomes[record.row_number] = "updated" if row_changed else "unchanged"
    plan.updated_trainees = list(updated_trainees.values())
    return plan
