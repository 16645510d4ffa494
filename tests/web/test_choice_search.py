"""Typed search of the national choice filters (web.choices.SearchChoiceFilter) and
its suggestions (/choices/<kind>/): a national user gets a search box instead of a select
of thousands of names, filters by id (links) or by typed text, and is told when a value
matches nothing; a partner keeps its scoped select; suggestions are scoped like the
filters, so partner B never reads a name of A's."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conventions.models import Convention
from tests.support.factories import PartnerFactory
from web import choices

# (list page, its search filters).
NATIONAL_FILTERS = [
    ("enrollment_list", ("convention", "operator")),
    ("cohort_list", ("convention", "operator")),
    ("placement_list", ("employer",)),
    ("conventions:convention_list", ("partner",)),
]
# A choice list's query reads (pk, label) of convention or partner rows.
CHOICE_LIST_QUERY = re.compile(r'^SELECT .*AS "pk", .*FROM "conventions_(convention|partner)"')


def _rows(response: Any) -> list[Any]:
    return list(response.context["table"].data.data)


def _suggest(client: Client, kind: str, q: str) -> Any:
    response = client.get(reverse("choice_suggest", args=[kind]), {"q": q})
    assert response.status_code == 200
    return response.json()


# --- National list pages ---------------------------------------------------------------


@pytest.mark.parametrize(("url_name", "names"), NATIONAL_FILTERS)
def test_national_list_renders_search_boxes_without_reading_the_choice_lists(
    people, admin_client: Client, url_name: str, names: tuple[str, ...]
) -> None:
    url = reverse(url_name)
    admin_client.get(url)  # reference data is read once per process, then cached
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for name in names:
        box = re.search(rf'<input type="search" name="{name}"[^>]*>', html)
        assert box is not None, name
        assert 'data-suggest-url="/choices/' in box.group(0)
        assert f'<select id="id_{name}"' not in html
    # No option names a convention or an organisation, and no query listed them.
    for option in re.findall(r"<option[^>]*>([^<]*)</option>", html):
        assert "CONV-" not in option
        assert people.cohort_a.operator.name not in option
        assert people.employer_a.name not in option
    assert not [q["sql"] for q in queries.captured_queries if CHOICE_LIST_QUERY.match(q["sql"])]
    assert 'src="/static/js/choice-search.js"' in html


def test_national_list_costs_fewer_queries_than_a_partners(
    people, admin_client: Client, partner_a_client: Client
) -> None:
    url = reverse("enrollment_list")
    counts = {}
    for role, client in (("admin", admin_client), ("partner", partner_a_client)):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts[role] = len(queries)
    # The partner's page reads its two choice lists (conventions, operators); the admin's none.
    assert counts["admin"] == counts["partner"] - 2


def test_national_filter_by_id_filters_and_shows_the_label(people, admin_client: Client) -> None:
    convention = people.convention_a
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(reverse("enrollment_list"), {"convention": convention.pk})
    assert _rows(response) == [people.enrollment_a]
    html = response.content.decode()
    label = f"{convention.reference} — {convention.title}"
    assert f'name="convention" value="{label}"' in html
    assert f'data-value="{convention.pk}"' in html
    # One scoped lookup of the chosen row, never the whole list.
    lookups = [q["sql"] for q in queries.captured_queries if CHOICE_LIST_QUERY.match(q["sql"])]
    assert len(lookups) == 1
    assert f'"id" = {convention.pk}' in lookups[0]
    cases: list[tuple[str, dict[str, Any], list[Any]]] = [
        ("cohort_list", {"operator": people.cohort_b.operator_id}, [people.cohort_b]),
        ("placement_list", {"employer": people.employer_a.pk}, [people.placement_a]),
        (
            "conventions:convention_list",
            {"partner": people.cohort_b.operator_id},
            [people.convention_b],
        ),
    ]
    for url_name, params, expected in cases:
        assert _rows(admin_client.get(reverse(url_name), params)) == expected, params


def test_national_filter_by_typed_text_matches_labels_within_scope(
    people, admin_client: Client, monkeypatch
) -> None:
    convention_a: Convention = people.convention_a
    cases: list[tuple[str, dict[str, Any], list[Any]]] = [
        ("enrollment_list", {"convention": convention_a.reference.lower()}, [people.enrollment_a]),
        (
            "enrollment_list",
            {"convention": f" {convention_a.title.upper()} "},
            [people.enrollment_a],
        ),
        # The label a picked row shows, submitted again without JavaScript.
        (
            "enrollment_list",
            {"convention": f"{convention_a.reference} — {convention_a.title}"},
            [people.enrollment_a],
        ),
        ("enrollment_list", {"operator": "atlas"}, [people.enrollment_a]),
        ("cohort_list", {"operator": "nord comp"}, [people.cohort_b]),
        ("placement_list", {"employer": "alpha"}, [people.placement_a]),
        ("conventions:convention_list", {"partner": "ATLAS"}, [people.convention_a]),
    ]
    for url_name, params, expected in cases:
        response = admin_client.get(reverse(url_name), params)
        assert response.status_code == 200
        assert _rows(response) == expected, params
    # Text matching several rows keeps them all, by their ids or, beyond SEARCH_MAX_IDS,
    # by a subquery.
    for max_ids in (1000, 1):
        monkeypatch.setattr(choices, "SEARCH_MAX_IDS", max_ids)
        both = admin_client.get(reverse("enrollment_list"), {"convention": "CONV-"})
        assert {e.pk for e in _rows(both)} == {people.enrollment_a.pk, people.enrollment_b.pk}
        partners = admin_client.get(reverse("conventions:convention_list"), {"partner": "it"})
        assert set(_rows(partners)) == {people.convention_a, people.convention_b}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("999999", "Numéro 999999 inconnu"),
        ("zzzz-nothing", "Rien ne correspond à « zzzz-nothing »"),
        ("99999999999999999999", "Rien ne correspond"),
        ("-1", "Rien ne correspond"),
        ("1.5", "Rien ne correspond"),
        ("%", "Rien ne correspond"),
        ("a\x00b", "caractère nul"),
        ("x" * 201, "Tapez au plus 200 caractères"),
    ],
)
@pytest.mark.parametrize(("url_name", "names"), NATIONAL_FILTERS)
def test_national_filter_garbage_is_a_form_error_not_a_crash(
    people, admin_client: Client, url_name: str, names: tuple[str, ...], value: str, message: str
) -> None:
    for name in names:
        response = admin_client.get(reverse(url_name), {name: value})
        assert response.status_code == 200, (name, value)
        assert response.context["filter"].form.errors[name], (name, value)
        html = response.content.decode()
        # The error is the one the box's aria-describedby names.
        assert f'aria-describedby="id_{name}_error"' in html
        assert f'class="invalid-feedback d-block" id="id_{name}_error"' in html
        assert message in html
        assert response.context["table"].paginator.count == 0


def test_api_keeps_filtering_by_id_for_national_users(people, admin_client: Client) -> None:
    response = admin_client.get("/api/v1/enrollments/", {"convention": people.convention_a.pk})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [people.enrollment_a.pk]
    assert admin_client.get("/api/v1/enrollments/", {"convention": "zzzz"}).status_code == 400


# --- Partners keep their scoped selects ------------------------------------------------


def test_partner_keeps_a_scoped_select(people, partner_a_client: Client) -> None:
    response = partner_a_client.get(reverse("enrollment_list"))
    html = response.content.decode()
    assert '<select id="id_convention" name="convention">' in html
    assert f'<option value="{people.convention_a.pk}">{people.convention_a.reference}' in html
    assert people.convention_b.reference not in html
    assert 'type="search" name="convention"' not in html
    # Typed text is not a choice of a select: refused, nothing shown.
    typed = partner_a_client.get(reverse("enrollment_list"), {"convention": "CONV"})
    assert typed.context["filter"].form.errors["convention"]
    assert typed.context["table"].paginator.count == 0
    other = partner_a_client.get(reverse("enrollment_list"), {"convention": people.convention_b.pk})
    assert other.context["table"].paginator.count == 0


def test_partners_search_their_employers_too(people, partner_a_client: Client) -> None:
    """A partner's employers can number a thousand: searched, within its own hires only."""
    url = reverse("placement_list")
    html = partner_a_client.get(url).content.decode()
    assert 'type="search" name="employer"' in html
    assert '<select id="id_employer"' not in html  # no list of options
    assert f">{people.employer_a.name}</option>" not in html
    chosen = partner_a_client.get(url, {"employer": people.employer_a.pk})
    assert [p.pk for p in _rows(chosen)] == [people.placement_a.pk]
    typed = partner_a_client.get(url, {"employer": people.employer_a.name[:5]})
    assert [p.pk for p in _rows(typed)] == [people.placement_a.pk]
    # Partner B's employer, by id or by name: refused as a value that does not exist is
    # (the message repeats what was typed, nothing else).
    for value, unknown in ((people.employer_b.pk, 987654321), (people.employer_b.name, "Zzz")):
        other = partner_a_client.get(url, {"employer": value})
        nowhere = partner_a_client.get(url, {"employer": unknown})
        assert other.context["table"].paginator.count == 0
        errors = other.context["filter"].form.errors["employer"]
        assert errors == [
            e.replace(str(unknown), str(value))
            for e in nowhere.context["filter"].form.errors["employer"]
        ]


# --- Suggestions -----------------------------------------------------------------------


SUGGEST_CASES = [
    # kind, text matching both A's and B's rows
    ("conventions", "conv-"),
    ("operators", "it"),
    ("employers", "employeur"),
    ("partners", "it"),
]


def _a_and_b(people, kind: str) -> tuple[int, int]:
    return {
        "conventions": (people.convention_a.pk, people.convention_b.pk),
        "operators": (people.cohort_a.operator_id, people.cohort_b.operator_id),
        "employers": (people.employer_a.pk, people.employer_b.pk),
        "partners": (people.cohort_a.operator_id, people.cohort_b.operator_id),
    }[kind]


@pytest.mark.parametrize(("kind", "text"), SUGGEST_CASES)
def test_suggestions_are_scoped_like_the_filters(
    people,
    admin_client: Client,
    partner_a_client: Client,
    partner_b_client: Client,
    kind: str,
    text: str,
) -> None:
    a, b = _a_and_b(people, kind)
    national = {row["id"] for row in _suggest(admin_client, kind, text)}
    assert {a, b} <= national
    for_a = {row["id"] for row in _suggest(partner_a_client, kind, text)}
    for_b = _suggest(partner_b_client, kind, text)
    assert a in for_a
    assert b not in for_a
    assert b in {row["id"] for row in for_b}
    assert a not in {row["id"] for row in for_b}
    # Nor does B read A's names by searching them exactly.
    for row in _suggest(admin_client, kind, text):
        if row["id"] == a:
            assert _suggest(partner_b_client, kind, row["label"]) == []


def test_suggestions_give_labels_prefix_matches_first_and_at_most_twenty(
    people, admin_client: Client
) -> None:
    convention = people.convention_a
    rows = _suggest(admin_client, "conventions", convention.reference)
    assert rows == [{"id": convention.pk, "label": f"{convention.reference} — {convention.title}"}]
    starts = PartnerFactory.create(name="Alpha Conseil")
    names = [row["label"] for row in _suggest(admin_client, "partners", "alpha")]
    assert names == [starts.name, people.employer_a.name]
    for n in range(25):
        PartnerFactory.create(name=f"Zeta Services {n:02d}")
    many = _suggest(admin_client, "partners", "zeta services")
    assert len(many) == 20
    assert [row["label"] for row in many] == sorted(row["label"] for row in many)


def test_suggestions_need_two_characters(people, admin_client: Client) -> None:
    assert _suggest(admin_client, "partners", "a") == []
    assert _suggest(admin_client, "partners", "  a  ") == []
    assert _suggest(admin_client, "partners", "") == []
    assert admin_client.get(reverse("choice_suggest", args=["partners"])).json() == []


def test_suggestions_refuse_anonymous_users_and_unknown_kinds(
    people, client: Client, admin_client: Client
) -> None:
    anonymous = client.get(reverse("choice_suggest", args=["conventions"]), {"q": "conv"})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert admin_client.get("/choices/trainees/", {"q": "benali"}).status_code == 404
    assert admin_client.get("/choices/cohorts/", {"q": "coh"}).status_code == 404
    assert admin_client.post(reverse("choice_suggest", args=["partners"])).status_code == 405


def test_suggestions_use_the_filters_own_scoping() -> None:
    from conventions.filters import _scoped_partners
    from tracker.filters import CONVENTION_LABEL, _conventions, _employers, _operators
    from tracker.views.choices import SUGGEST_KINDS

    expected = {
        "conventions": (_conventions, CONVENTION_LABEL),
        "operators": (_operators, ("name",)),
        "employers": (_employers, ("name",)),
        "partners": (_scoped_partners, ("name",)),
    }
    assert dict(SUGGEST_KINDS) == expected
