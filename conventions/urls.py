"""URLs of the conventions app: partners, conventions, review queue."""

from django.urls import path

from conventions.views import conventions as views
from conventions.views import partners, review

app_name = "conventions"
urlpatterns = [
    path("partners/", partners.PartnerListView.as_view(), name="partner_list"),
    path("partners/new/", partners.partner_create_view, name="partner_create"),
    path("partners/<int:pk>/", partners.PartnerDetailView.as_view(), name="partner_detail"),
    path("partners/<int:pk>/edit/", partners.partner_update_view, name="partner_update"),
    path("conventions/", views.ConventionListView.as_view(), name="convention_list"),
    path("conventions/new/", views.convention_create_view, name="convention_create"),
    path("review/", review.ReviewQueueView.as_view(), name="review_queue"),
    path("review/<int:pk>/", review.review_convention_view, name="review_convention"),
    path("conventions/<int:pk>/", views.ConventionDetailView.as_view(), name="convention_detail"),
    path("conventions/<int:pk>/edit/", views.convention_update_view, name="convention_update"),
    path("conventions/<int:pk>/parties/", views.party_add_view, name="party_add"),
    path(
        "conventions/<int:pk>/parties/<int:party_pk>/remove/",
        views.party_remove_view,
        name="party_remove",
    ),
    path("conventions/<int:pk>/commitments/", views.commitment_grid_view, name="commitment_grid"),
    path(
        "conventions/<int:pk>/commitments/<int:commitment_pk>/remove/",
        views.commitment_remove_view,
        name="commitment_remove",
    ),
    path("conventions/<int:pk>/document/", views.document_download_view, name="document"),
    path(
        "conventions/<int:pk>/document/upload/", views.document_upload_view, name="document_upload"
    ),
    path(
        "conventions/<int:pk>/amendments/new/", views.amendment_create_view, name="amendment_create"
    ),
    path(
        "conventions/<int:pk>/amendments/<int:number>/document/",
        views.amendment_document_view,
        name="amendment_document",
    ),
    path(
        "conventions/<int:pk>/transitions/<slug:action>/",
        views.transition_view,
        name="transition",
    ),
]
