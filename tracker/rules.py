"""The validation rules for people, enrollments and hires, as plain functions.

Forms, services, the bulk import and the API all call these, so a rule exists once.
Each ``normalize_*`` returns the canonical value or raises ``ValidationError`` with a
message a partner can act on (it names the value, never another partner's data). They
touch no database: the import calls them on every row at full speed.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from web.reader_dates import reader_date

# Moroccan CIN: one or two letters then digits (e.g. "BK123456", "A12345").
CIN_PATTERN = re.compile(r"^[A-Z]{1,2}\d{1,7}$")
# Compiled once: the import runs these rules on every row of files of a million rows.
_CIN_SEPARATORS = re.compile(r"[\s\-.]")
_PHONE_SEPARATORS = re.compile(r"[\s\-.()/]")
_PHONE_NATIONAL = re.compile(r"[5-7]\d{8}")
MIN_TRAINEE_AGE = 15
MAX_TRAINEE_AGE = 70
# A graduation is accepted from the cohort's start up to this long after its end
# (resits, late juries); outside that window it is a typing error.
GRADUATION_GRACE_DAYS = 365


class _EmailValidator(EmailValidator):
    """Django's e-mail rule itself (its ``__call__``, its patterns and flags, its
    allow-list), with the patterns compiled here once: Django's are lazy objects, and
    every match went through the lazy proxy (three proxied look-ups per address, on
    every row of an import). ``tests/tracker/test_rules.py`` checks both agree."""

    user_regex = re.compile(EmailValidator.user_regex.pattern, EmailValidator.user_regex.flags)
    domain_regex = re.compile(
        EmailValidator.domain_regex.pattern, EmailValidator.domain_regex.flags
    )
    literal_regex = re.compile(
        EmailValidator.literal_regex.pattern, EmailValidator.literal_regex.flags
    )


validate_email = _EmailValidator()


def normalize_cin(raw: str) -> str:
    """Upper-case, no spaces or dashes; one or two letters then up to seven digits."""
    cin = _CIN_SEPARATORS.sub("", raw or "").upper()
    if not cin:
        raise ValidationError(_("La CIN est obligatoire."), code="required")
    if not CIN_PATTERN.match(cin):
        raise ValidationError(
            _("« %(value)s » n'est pas une CIN valide (une ou deux lettres puis des chiffres)."),
            code="invalid_cin",
            params={"value": raw},
        )
    return cin


def normalize_phone(raw: str) -> str:
    """A Moroccan number in E.164 (+212XXXXXXXXX); empty stays empty.

    Accepts 06XXXXXXXX, 07..., 05..., +212 6..., 00212 6..., with spaces, dots, dashes;
    and the forms a spreadsheet leaves of them when it reads the cell as a number:
    212612345678 (the "+" dropped) and 612345678 (the leading 0 dropped).
    """
    digits = _PHONE_SEPARATORS.sub("", raw or "")
    if not digits:
        return ""
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("212") and len(digits) in (12, 13):
        digits = "+" + digits  # "+212..." typed into a number cell
    if digits.startswith("+212"):
        national = digits[4:]
        national = national.removeprefix("0")
    elif digits.startswith("0") and len(digits) == 10:
        national = digits[1:]
    elif len(digits) == 9 and digits.isdigit():
        national = digits  # "06..." typed into a number cell
    else:
        national = ""
    if not _PHONE_NATIONAL.fullmatch(national):
        raise ValidationError(
            _("« %(value)s » n'est pas un numéro marocain valide (ex. 06 12 34 56 78)."),
            code="invalid_phone",
            params={"value": raw},
        )
    return "+212" + national


def normalize_email(raw: str) -> str:
    email = (raw or "").strip().lower()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            _("« %(value)s » n'est pas une adresse e-mail valide."),
            code="invalid_email",
            params={"value": raw},
        ) from None
    return email


def check_birth_date(birth_date: dt.date, *, on: dt.date | None = None) -> None:
    """A trainee is between MIN_TRAINEE_AGE and MAX_TRAINEE_AGE years old."""
    today = on or timezone.localdate()
    age = (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
    if age < MIN_TRAINEE_AGE or age > MAX_TRAINEE_AGE:
        raise ValidationError(
            _(
                "Date de naissance invraisemblable (%(date)s) : un stagiaire a entre "
                "%(min)s et %(max)s ans."
            ),
            code="implausible_birth_date",
            params={
                "date": reader_date(birth_date),
                "min": MIN_TRAINEE_AGE,
                "max": MAX_TRAINEE_AGE,
            },
        )


def check_not_after_today(day: dt.date, *, field: str, today: dt.date | None = None) -> None:
    """Graduations, exits and hires are facts: dated today at the latest. (A figure "to
    date" ends on the reference day; a future fact would be counted nowhere it belongs.)"""
    today = today or timezone.localdate()
    if day > today:
        raise ValidationError(
            {
                field: ValidationError(
                    _("La date %(date)s est dans le futur : au plus tard aujourd'hui (%(today)s)."),
                    code="date_in_future",
                    params={"date": reader_date(day), "today": reader_date(today)},
                )
            }
        )


def check_enrollment_date(
    enrolled_on: dt.date, *, cohort_starts_on: dt.date, cohort_ends_on: dt.date
) -> None:
    """Enrollment happens before the cohort ends (late entries after the start are fine)."""
    if enrolled_on > cohort_ends_on:
        raise ValidationError(
            {
                "enrolled_on": ValidationError(
                    _("La date d'inscription (%(date)s) est après la fin de la cohorte (%(end)s)."),
                    code="enrolled_after_cohort_end",
                    params={"date": reader_date(enrolled_on), "end": reader_date(cohort_ends_on)},
                )
            }
        )
    if enrolled_on < cohort_starts_on - dt.timedelta(days=180):
        raise ValidationError(
            {
                "enrolled_on": ValidationError(
                    _(
                        "La date d'inscription (%(date)s) précède de plus de six mois le début "
                        "de la cohorte (%(start)s)."
                    ),
                    code="enrolled_too_early",
                    params={
                        "date": reader_date(enrolled_on),
                        "start": reader_date(cohort_starts_on),
                    },
                )
            }
        )


def check_graduation_date(
    graduated_on: dt.date,
    *,
    enrolled_on: dt.date,
    cohort_starts_on: dt.date,
    cohort_ends_on: dt.date,
    today: dt.date | None = None,
) -> None:
    """Graduation on or after enrollment, not after today, within the cohort's dates plus
    a grace period."""
    check_not_after_today(graduated_on, field="graduated_on", today=today)
    if graduated_on < enrolled_on:
        raise ValidationError(
            {
                "graduated_on": ValidationError(
                    _(
                        "La date de diplomation (%(date)s) précède la date d'inscription "
                        "(%(enrolled)s)."
                    ),
                    code="graduated_before_enrollment",
                    params={
                        "date": reader_date(graduated_on),
                        "enrolled": reader_date(enrolled_on),
                    },
                )
            }
        )
    latest = cohort_ends_on + dt.timedelta(days=GRADUATION_GRACE_DAYS)
    if graduated_on < cohort_starts_on or graduated_on > latest:
        raise ValidationError(
            {
                "graduated_on": ValidationError(
                    _(
                        "La date de diplomation (%(date)s) sort de la période de la cohorte "
                        "(%(start)s – %(end)s, plus un an)."
                    ),
                    code="graduated_outside_cohort",
                    params={
                        "date": reader_date(graduated_on),
                        "start": reader_date(cohort_starts_on),
                        "end": reader_date(cohort_ends_on),
                    },
                )
            }
        )


def check_exit_date(
    exited_on: dt.date, *, enrolled_on: dt.date, today: dt.date | None = None
) -> None:
    """A drop-out or a failure is dated on or after the enrollment, and not after today."""
    check_not_after_today(exited_on, field="exited_on", today=today)
    if exited_on < enrolled_on:
        raise ValidationError(
            {
                "exited_on": ValidationError(
                    _("La date de sortie (%(date)s) précède la date d'inscription (%(enrolled)s)."),
                    code="exited_before_enrollment",
                    params={"date": reader_date(exited_on), "enrolled": reader_date(enrolled_on)},
                )
            }
        )


def check_hire_dates(
    hired_on: dt.date,
    *,
    enrolled_on: dt.date,
    ended_on: dt.date | None = None,
    today: dt.date | None = None,
) -> None:
    """A hire may precede graduation (pre-hiring) but never the enrollment, nor today; it
    ends after it starts (an end date may be planned: a fixed-term contract's)."""
    check_not_after_today(hired_on, field="hired_on", today=today)
    if hired_on < enrolled_on:
        raise ValidationError(
            {
                "hired_on": ValidationError(
                    _(
                        "La date d'embauche (%(date)s) précède la date d'inscription "
                        "(%(enrolled)s)."
                    ),
                    code="hired_before_enrollment",
                    params={"date": reader_date(hired_on), "enrolled": reader_date(enrolled_on)},
                )
            }
        )
    if ended_on is not None and ended_on < hired_on:
        raise ValidationError(
            {
                "ended_on": ValidationError(
                    _("La date de fin (%(date)s) précède la date d'embauche (%(hired)s)."),
                    code="ended_before_hire",
                    params={"date": reader_date(ended_on), "hired": reader_date(hired_on)},
                )
            }
        )


def salary_bounds() -> tuple[Decimal, Decimal]:
    """The plausible gross monthly salary of a hire, in MAD: from the legal minimum wage
    for a full-time month (settings.SALARY_MIN_MONTHLY_MAD) to a ceiling
    (settings.SALARY_MAX_MONTHLY_MAD)."""
    return (
        Decimal(str(settings.SALARY_MIN_MONTHLY_MAD)),
        Decimal(str(settings.SALARY_MAX_MONTHLY_MAD)),
    )


def check_salary(salary: Decimal | None) -> None:
    if salary is None:
        return
    low, high = salary_bounds()
    if salary < low:
        raise ValidationError(
            {
                "gross_monthly_salary_mad": ValidationError(
                    _(
                        "Salaire brut mensuel de %(value)s MAD sous le salaire minimum légal "
                        "(SMIG, %(minimum)s MAD pour un mois à temps plein)."
                    ),
                    code="salary_below_minimum_wage",
                    params={"value": salary, "minimum": low},
                )
            }
        )
    if salary > high:
        raise ValidationError(
            {
                "gross_monthly_salary_mad": ValidationError(
                    _(
                        "Salaire brut mensuel de %(value)s MAD au-dessus du plafond "
                        "vraisemblable (%(maximum)s MAD)."
                    ),
                    code="salary_above_ceiling",
                    params={"value": salary, "maximum": high},
                )
            }
        )


def parse_decimal(raw: str) -> Decimal | None:
    """Reads '9 500,50', '9500.50' or '9.500,50' as written in French-locale files."""
    text = (raw or "").strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            _("« %(value)s » n'est pas un nombre."), code="invalid_number", params={"value": raw}
        ) from None


def parse_date(raw: str) -> dt.date | None:
    """Reads dd/mm/yyyy (also with - or .) and ISO yyyy-mm-dd."""
    text = (raw or "").strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise ValidationError(
        _("« %(value)s » n'est pas une date (jj/mm/aaaa ou aaaa-mm-jj)."),
        code="invalid_date",
        params={"value": raw},
    )


def periods_overlap(
    first_start: dt.date, first_end: dt.date, second_start: dt.date, second_end: dt.date
) -> bool:
    """Two enrollments in progress overlap when their periods (enrollment date to the
    cohort's end) share a day. A trainee may not hold two overlapping enrollments in
    progress (status ``enrolled``): checked by the enrollment services and the import."""
    return first_start <= second_end and second_start <= first_end
