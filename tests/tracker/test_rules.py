"""tracker.rules: the validation rules shared by forms, services, import and API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tracker import rules

D = dt.date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("bk 123456", "BK123456"), (" a-12345 ", "A12345"), ("Ee.654321", "EE654321")],
)
def test_normalize_cin_upper_cases_and_strips(raw: str, expected: str) -> None:
    assert rules.normalize_cin(raw) == expected


@pytest.mark.parametrize("raw", ["123456", "ABC12345", "BK12345678", "BK-12A"])
def test_normalize_cin_rejects_malformed_values(raw: str) -> None:
    with pytest.raises(ValidationError, match="n'est pas une CIN valide"):
        rules.normalize_cin(raw)


def test_normalize_cin_requires_a_value() -> None:
    with pytest.raises(ValidationError, match="La CIN est obligatoire"):
        rules.normalize_cin("  ")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "+212612345678"),
        ("0712345678", "+212712345678"),
        ("+212 5 22 12 34 56", "+212522123456"),
        ("00212612345678", "+212612345678"),
        ("+212 0612345678", "+212612345678"),
        # What a spreadsheet leaves when it reads the cell as a number:
        ("212612345678", "+212612345678"),  # the "+" dropped
        ("612345678", "+212612345678"),  # the leading 0 dropped
        ("522123456", "+212522123456"),
        ("", ""),
    ],
)
def test_normalize_phone_gives_e164(raw: str, expected: str) -> None:
    assert rules.normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw", ["12345", "0812345678", "+33612345678", "06123", "812345678", "213612345678"]
)
def test_normalize_phone_rejects_non_moroccan_numbers(raw: str) -> None:
    with pytest.raises(ValidationError, match="n'est pas un numéro marocain valide"):
        rules.normalize_phone(raw)


def test_normalize_email() -> None:
    assert rules.normalize_email(" Salma@Example.MA ") == "salma@example.ma"
    assert rules.normalize_email("") == ""
    with pytest.raises(ValidationError, match="n'est pas une adresse e-mail valide"):
        rules.normalize_email("salma@")


# Valid, invalid and edge-case addresses: quoted local parts, IP literals, IDN, the
# allow-listed "localhost", lengths around the limits, trailing newlines, dots.
EMAIL_CASES = [
    "salma@example.ma",
    "a.b-c+d@sub.example.co.ma",
    "x@localhost",
    "x@[127.0.0.1]",
    "x@[::1]",
    "x@[999.1.1.1]",
    "x@[ipv6:::1]",
    '"quoted local"@example.ma',
    '"bad"quote"@example.ma',
    "stagiaire@exemple.ma\n",
    "x@example.ma.",
    "x@-example.ma",
    "x@exa_mple.ma",
    "x@xn--bcher-kva.ma",
    "x@bücher.ma",
    "x@example",
    ".x@example.ma",
    "x..y@example.ma",
    "x@@example.ma",
    "@example.ma",
    "x@",
    "",
    "x" * 64 + "@example.ma",
    "x" * 310 + "@example.ma",
    "x@" + "a" * 63 + ".ma",
    "x@" + "a" * 64 + ".ma",
    "x@example.m4",
    "x@123.123.123.123",
]


@pytest.mark.parametrize("address", EMAIL_CASES)
def test_email_rule_is_djangos(address: str) -> None:
    """The rules' e-mail validator (patterns compiled once) accepts and refuses exactly
    what Django's validate_email (the forms' and the model field's) does."""
    from django.core.validators import validate_email as django_validate_email

    def verdict(validator: object) -> bool:
        try:
            validator(address)  # type: ignore[operator]
        except ValidationError:
            return False
        return True

    assert verdict(rules.validate_email) is verdict(django_validate_email)


def test_check_birth_date_bounds() -> None:
    on = D(2026, 6, 1)
    rules.check_birth_date(D(2011, 6, 1), on=on)  # 15 today
    rules.check_birth_date(D(1956, 6, 2), on=on)  # 69
    for implausible in (D(2011, 6, 2), D(1955, 1, 1), D(2030, 1, 1)):
        with pytest.raises(ValidationError, match="Date de naissance invraisemblable"):
            rules.check_birth_date(implausible, on=on)


def test_check_enrollment_date() -> None:
    start, end = D(2026, 1, 5), D(2026, 6, 30)
    rules.check_enrollment_date(D(2026, 3, 1), cohort_starts_on=start, cohort_ends_on=end)
    with pytest.raises(ValidationError, match="après la fin de la cohorte") as caught:
        rules.check_enrollment_date(D(2026, 7, 1), cohort_starts_on=start, cohort_ends_on=end)
    assert "enrolled_on" in caught.value.message_dict
    with pytest.raises(ValidationError, match="précède de plus de six mois"):
        rules.check_enrollment_date(D(2025, 6, 1), cohort_starts_on=start, cohort_ends_on=end)


def test_check_graduation_date() -> None:
    kwargs = {
        "enrolled_on": D(2026, 1, 5),
        "cohort_starts_on": D(2026, 1, 5),
        "cohort_ends_on": D(2026, 6, 30),
    }
    later = {**kwargs, "today": D(2028, 1, 1)}
    rules.check_graduation_date(D(2026, 6, 30), **later)
    rules.check_graduation_date(D(2027, 6, 30), **later)  # grace year
    with pytest.raises(ValidationError, match="précède la date d'inscription"):
        rules.check_graduation_date(D(2026, 1, 4), **later)
    with pytest.raises(ValidationError, match="sort de la période de la cohorte"):
        rules.check_graduation_date(D(2027, 7, 1), **later)


def test_check_exit_date() -> None:
    rules.check_exit_date(D(2026, 1, 5), enrolled_on=D(2026, 1, 5))
    with pytest.raises(ValidationError, match=r"La date de sortie .* précède"):
        rules.check_exit_date(D(2026, 1, 4), enrolled_on=D(2026, 1, 5))


def test_check_hire_dates() -> None:
    rules.check_hire_dates(D(2026, 1, 5), enrolled_on=D(2026, 1, 5), ended_on=D(2026, 1, 5))
    with pytest.raises(ValidationError, match=r"La date d'embauche .* précède"):
        rules.check_hire_dates(D(2026, 1, 4), enrolled_on=D(2026, 1, 5))
    with pytest.raises(ValidationError, match=r"La date de fin .* précède la date d'embauche"):
        rules.check_hire_dates(D(2026, 2, 1), enrolled_on=D(2026, 1, 5), ended_on=D(2026, 1, 31))


def test_check_salary() -> None:
    rules.check_salary(None)
    rules.check_salary(Decimal("9500"))
    rules.check_salary(Decimal("3422.72"))  # the 2026 SMIG for a full-time month
    for wrong in (Decimal("-1"), Decimal("300"), Decimal("3422.71")):
        with pytest.raises(ValidationError, match="sous le salaire minimum légal") as caught:
            rules.check_salary(wrong)
        assert "gross_monthly_salary_mad" in caught.value.message_dict
    with pytest.raises(ValidationError, match="au-dessus du plafond"):
        rules.check_salary(Decimal("200000.01"))


def test_salary_bounds_are_settings(settings) -> None:
    settings.SALARY_MIN_MONTHLY_MAD = 4000
    settings.SALARY_MAX_MONTHLY_MAD = 50000
    rules.check_salary(Decimal("4000"))
    with pytest.raises(ValidationError, match="4000"):
        rules.check_salary(Decimal("3999"))
    with pytest.raises(ValidationError, match="au-dessus du plafond"):
        rules.check_salary(Decimal("50001"))


@pytest.mark.parametrize(
    ("check", "field"),
    [
        (lambda day: rules.check_exit_date(day, enrolled_on=D(2026, 1, 5)), "exited_on"),
        (lambda day: rules.check_hire_dates(day, enrolled_on=D(2026, 1, 5)), "hired_on"),
        (
            lambda day: rules.check_graduation_date(
                day,
                enrolled_on=D(2026, 1, 5),
                cohort_starts_on=D(2026, 1, 5),
                cohort_ends_on=D(2099, 1, 1),
            ),
            "graduated_on",
        ),
    ],
)
def test_graduation_exit_and_hire_dates_after_today_are_refused(check, field) -> None:
    today = timezone.localdate()
    check(today)  # today is fine
    with pytest.raises(ValidationError, match="est dans le futur") as caught:
        check(today + dt.timedelta(days=1))
    assert field in caught.value.message_dict


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9 500,50", Decimal("9500.50")),
        ("9500.50", Decimal("9500.50")),
        ("9.500,50", Decimal("9500.50")),
        ("", None),
    ],
)
def test_parse_decimal(raw: str, expected: Decimal | None) -> None:
    assert rules.parse_decimal(raw) == expected


def test_parse_decimal_rejects_text() -> None:
    with pytest.raises(ValidationError, match="n'est pas un nombre"):
        rules.parse_decimal("neuf mille")


@pytest.mark.parametrize("raw", ["05/01/2026", "2026-01-05", "05-01-2026", "05.01.2026"])
def test_parse_date_formats(raw: str) -> None:
    assert rules.parse_date(raw) == D(2026, 1, 5)


def test_parse_date_rejects_garbage() -> None:
    assert rules.parse_date("") is None
    with pytest.raises(ValidationError, match="n'est pas une date"):
        rules.parse_date("31/02/2026")


def test_periods_overlap() -> None:
    assert rules.periods_overlap(D(2026, 1, 1), D(2026, 6, 30), D(2026, 6, 30), D(2026, 12, 31))
    assert not rules.periods_overlap(D(2026, 1, 1), D(2026, 6, 29), D(2026, 6, 30), D(2026, 9, 1))
    assert rules.periods_overlap(D(2026, 3, 1), D(2026, 4, 1), D(2026, 1, 1), D(2026, 12, 31))
