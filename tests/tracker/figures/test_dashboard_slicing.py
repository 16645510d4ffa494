"""The dashboard sliced by any combination of filters: read from the rollup store in a
constant number of queries whatever the data size, the filters in the URL and in words,
the drill-downs carrying the slice (their row count equal to the figure), and the map of
the regions filtering the dashboard."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conventions.models import Filiere, Partner, Region
from tests.support.factories import (
    CohortFactory,
    EnrollmentFactory,
    PlacementFactory,
    TraineeFactory,
)
from tests.tracker.figures.test_dashboard import REFERENCE, convention_for, populate
from tracker.figures.links import figure_url
from tracker.figures.rollups import rollup_full_recompute
from tracker.models import Cohort

pytestmark = pytest.mark.django_db


def _slice_query(cohort: Any, **extra: str) -> str:
    params = {"region": cohort.region_id, "filiere": cohort.filiere_id, **extra}
    return "&".join(f"{key}={value}" for key, value in params.items())


def _grow(operator: Partner, cohort_like: Any, cohorts: int, per_cohort: int) -> None:
    """More cohorts in the same region and filière (inside the slice) and elsewhere."""
    convention = convention_for(operator)
    for index in range(cohorts):
        cohort = CohortFactory.create(
            convention=convention,
            operator=operator,
            region=cohort_like.region
            if index % 2
            else Region.objects.exclude(pk=cohort_like.region_id).first(),
            filiere=cohort_like.filiere,
        )
        for number in range(per_cohort):
            enrollment = EnrollmentFactory.create(
                cohort=cohort,
                trainee=TraineeFactory.create(sex="F" if number % 2 else "M"),
                status="graduated",
                graduated_on=cohort.starts_on,
            )
            PlacementFactory.create(enrollment=enrollment, hired_on=cohort.starts_on)


@pytest.mark.parametrize(
    ("client_fixture", "extra"),
    [
        ("admin_client", {}),
        ("admin_client", {"sex": "F", "year": "2025"}),
        ("partner_a_client", {"sex": "M"}),
    ],
)
def test_a_sliced_dashboard_runs_a_constant_number_of_queries(
    request: pytest.FixtureRequest,
    client_fixture: str,
    extra: dict[str, str],
    operator_a: Partner,
    django_assert_max_num_queries: Any,
) -> None:
    client: Client = request.getfixturevalue(client_fixture)
    convention = populate(operator_a, region_code="MA-06", cohorts=1)
    cohort = convention.cohorts.get()
    rollup_full_recompute(reference_date=REFERENCE)
    url = f"{reverse('dashboard')}?{_slice_query(cohort, **extra)}"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(operator_a, cohort, cohorts=8, per_cohort=6)
    rollup_full_recompute(reference_date=REFERENCE)  # a new state: computed again
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    # Computed, not served from the cache: the larger data shows.
    assert response.context["programme"]


def test_no_query_reads_the_source_rows_on_a_page_view(
    admin_client: Client, operator_a: Partner
) -> None:
    """Enrollments and hires are read only for the rest of today's quarter (figures to
    date: tracker.figures.to_date), never grouped whole: the figures come from the
    rollup table."""
    cohort = populate(operator_a, region_code="MA-06").cohorts.get()
    rollup_full_recompute(reference_date=REFERENCE)
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(f"{reverse('dashboard')}?{_slice_query(cohort, sex='F')}")
    source_reads = [
        query["sql"]
        for query in queries.captured_queries
        if "tracker_enrollment" in query["sql"] or "tracker_placement" in query["sql"]
    ]
    # The two reads of the rows dated after today in its quarter (to date), no more.
    assert len(source_reads) <= 2, source_reads
    assert any("tracker_rollup" in query["sql"] for query in queries.captured_queries)


def test_the_slice_is_in_the_url_in_words_and_in_the_drill_down_links(
    admin_client: Client, operator_a: Partner
) -> None:
    cohort = populate(operator_a, region_code="MA-09", cohorts=1, per_cohort=6).cohorts.get()
    rollup_full_recompute(reference_date=REFERENCE)
    response = admin_client.get(f"{reverse('dashboard')}?{_slice_query(cohort, sex='F')}")
    content = response.content.decode()
    assert response.status_code == 200
    words = dict(response.context["part"].words)
    assert words["Région"] == Region.objects.get(code="MA-09").name
    assert words["Filière"] == str(Filiere.objects.get(pk=cohort.filiere_id))
    assert words["Sexe"] == "Femmes"
    programme = response.context["programme"]
    row = next(r for r in programme if r["year"] == 2025)
    assert row["figures"].enrolled == 3  # the women of the 6
    link = figure_url(
        "enrolled",
        year=2025,
        sex="F",
        until=response.context["today"],
        cohort_filters={"region": cohort.region_id, "filiere": cohort.filiere_id},
    )
    assert link.replace("&", "&amp;") in content
    drill = admin_client.get(link)
    assert drill.status_code == 200
    assert drill.context["row_count"] == 3
    stated = dict(drill.context["active_filters"])
    assert stated["Région"] == Region.objects.get(code="MA-09").name


def test_another_region_s_slice_shows_nothing_of_this_one(
    admin_client: Client, operator_a: Partner
) -> None:
    populate(operator_a, region_code="MA-09")
    rollup_full_recompute(reference_date=REFERENCE)
    other = Region.objects.get(code="MA-01")
    response = admin_client.get(f"{reverse('dashboard')}?region={other.pk}")
    assert all(not any(r["figures"].values.values()) for r in response.context["programme"])


def test_a_malformed_year_keeps_the_page_and_a_quarter_needs_a_year(
    admin_client: Client,
) -> None:
    response = admin_client.get(f"{reverse('dashboard')}?year=abc")
    assert response.status_code == 200
    assert "invalide" in response.content.decode()
    assert admin_client.get(f"{reverse('dashboard')}?quarter=2").status_code == 404


def test_the_map_has_twelve_tiles_each_filtering_the_dashboard(
    admin_client: Client, operator_a: Partner
) -> None:
    populate(operator_a, region_code="MA-09", per_cohort=4)
    rollup_full_recompute(reference_date=REFERENCE)
    response = admin_client.get(reverse("dashboard") + "?map=enrolled")
    region_map = response.context["region_map"]
    assert len(region_map.tiles) == 12
    souss = next(tile for tile in region_map.tiles if tile.code == "MA-09")
    assert souss.value == 4
    assert souss.step == 5
    assert all(tile.step == 0 for tile in region_map.tiles if tile.code != "MA-09")
    content = response.content.decode()
    assert f"{souss.name} : 4</title>" in content  # the value on hover
    assert 'data-testid="region-map-table"' in content  # and in a table
    assert 'data-testid="map-legend"' in content
    souss_pk = Region.objects.get(code="MA-09").pk
    assert souss.url == f"{reverse('dashboard')}?region={souss_pk}&map=enrolled"
    filtered = admin_client.get(souss.url)
    assert filtered.context["part"].region == souss_pk
    assert next(t for t in filtered.context["region_map"].tiles if t.code == "MA-09").selected
    assert "<script>" not in content
    assert "style=" not in content


def test_commitments_stand_beside_a_convention_slice_only(
    admin_client: Client, operator_a: Partner
) -> None:
    from conventions.models import Indicator
    from tests.support.factories import CommitmentFactory

    convention = populate(operator_a, region_code="MA-06")
    CommitmentFactory.create(
        convention=convention, indicator=Indicator.JOBS_CREATED, year=2025, target_value=9
    )
    rollup_full_recompute(reference_date=REFERENCE)
    by_convention = admin_client.get(f"{reverse('dashboard')}?convention={convention.pk}")
    row = next(r for r in by_convention.context["programme"] if r["year"] == 2025)
    assert row["targets"]["jobs_created"] == 9
    assert by_convention.context["commitments_apply"]
    # Women of one region under the convention: its whole commitment, said to be so.
    cohort = convention.cohorts.get()
    finer = admin_client.get(
        f"{reverse('dashboard')}?convention={convention.pk}&region={cohort.region_id}&sex=F"
    )
    row = next(r for r in finer.context["programme"] if r["year"] == 2025)
    assert row["targets"]["jobs_created"] == 9
    assert row["figures"].jobs_created == 2  # the women hired of its 4 trainees
    assert 'data-testid="whole-convention-commitments"' in finer.content.decode()
    # No convention chosen: a region's or the women's figures have no commitment.
    by_sex = admin_client.get(f"{reverse('dashboard')}?region={cohort.region_id}&sex=F")
    row = next(r for r in by_sex.context["programme"] if r["year"] == 2025)
    assert row["targets"]["jobs_created"] is None
    assert 'data-testid="no-commitments"' in by_sex.content.decode()


def test_the_conventions_table_and_own_cohorts_follow_the_slice(
    admin_client: Client, partner_a_client: Client, operator_a: Partner
) -> None:
    in_souss = populate(operator_a, region_code="MA-09")
    in_casablanca = populate(operator_a, region_code="MA-06")
    rollup_full_recompute(reference_date=REFERENCE)
    souss = Region.objects.get(code="MA-09")
    for client in (admin_client, partner_a_client):
        response = client.get(f"{reverse('dashboard')}?region={souss.pk}")
        listed = [convention.pk for convention, _progress in response.context["conventions"]]
        assert listed == [in_souss.pk], listed
        assert in_casablanca.pk not in listed
    response = partner_a_client.get(f"{reverse('dashboard')}?region={souss.pk}")  # as cached
    shown = [int(pk) for pk in re.findall(r'<tr id="cohort-(\d+)"', response.content.decode())]
    assert shown
    assert set(Cohort.objects.filter(pk__in=shown).values_list("region_id", flat=True)) == {
        souss.pk
    }
    # The table's own filter keeps the slice.
    assert f'name="region" value="{souss.pk}"' in response.content.decode()


def test_typed_text_in_a_search_box_picks_the_one_match_or_drops_the_filter(
    admin_client: Client, operator_a: Partner
) -> None:
    convention = populate(operator_a, region_code="MA-06")
    rollup_full_recompute(reference_date=REFERENCE)
    response = admin_client.get(f"{reverse('dashboard')}?convention={convention.reference}")
    assert response.status_code == 200
    assert response.context["part"].convention == convention.pk
    response = admin_client.get(f"{reverse('dashboard')}?convention=nothing-like-it")
    assert response.status_code == 200
    assert response.context["part"].convention is None
    assert "Rien ne correspond" in response.content.decode()
