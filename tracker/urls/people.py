"""URLs of the people pages: cohorts, enrollments, hires (included by config/urls.py)."""

from django.urls import path

from tracker.views import (
    bulk_enrollments,
    cohort_seats,
    cohorts,
    enrollments,
    identity_corrections,
    placements,
)

urlpatterns = [
    path("cohorts/", cohorts.CohortListView.as_view(), name="cohort_list"),
    path("cohorts/new/", cohorts.cohort_create_view, name="cohort_create"),
    path(
        "conventions/<int:pk>/planned-seats/",
        cohort_seats.cohort_seats_grid_view,
        name="cohort_seats_grid",
    ),
    path("cohorts/<int:pk>/", cohorts.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/edit/", cohorts.cohort_update_view, name="cohort_update"),
    path(
        "cohorts/<int:pk>/enroll/",
        enrollments.enrollment_create_view,
        name="enrollment_create",
    ),
    path("enrollments/", enrollments.EnrollmentListView.as_view(), name="enrollment_list"),
    path("enrollments/bulk/", bulk_enrollments.enrollment_bulk_view, name="enrollment_bulk"),
    path("enrollments/<int:pk>/", enrollments.enrollment_detail, name="enrollment_detail"),
    path(
        "enrollments/<int:pk>/edit/",
        enrollments.enrollment_update_view,
        name="enrollment_update",
    ),
    path(
        "enrollments/<int:pk>/graduate/",
        enrollments.enrollment_graduate_view,
        name="enrollment_graduate",
    ),
    path(
        "enrollments/<int:pk>/drop-out/",
        enrollments.enrollment_drop_out_view,
        name="enrollment_drop_out",
    ),
    path("enrollments/<int:pk>/fail/", enrollments.enrollment_fail_view, name="enrollment_fail"),
    path(
        "enrollments/<int:pk>/reopen/",
        enrollments.enrollment_reopen_view,
        name="enrollment_reopen",
    ),
    path(
        "enrollments/<int:pk>/hire/",
        placements.placement_create_view,
        name="placement_create",
    ),
    path(
        "enrollments/<int:pk>/identity-correction/",
        identity_corrections.identity_correction_create_view,
        name="identity_correction_create",
    ),
    path(
        "identity-corrections/",
        identity_corrections.identity_correction_list_view,
        name="identity_correction_list",
    ),
    path(
        "identity-corrections/<int:pk>/apply/",
        identity_corrections.identity_correction_apply_view,
        name="identity_correction_apply",
    ),
    path(
        "identity-corrections/<int:pk>/decline/",
        identity_corrections.identity_correction_decline_view,
        name="identity_correction_decline",
    ),
    path("hires/", placements.PlacementListView.as_view(), name="placement_list"),
    path("hires/<int:pk>/", placements.placement_detail, name="placement_detail"),
    path("hires/<int:pk>/edit/", placements.placement_update_view, name="placement_update"),
]
