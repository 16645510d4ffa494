"""URLs of the imports pages (included by config/urls.py), the CNSS declarations
import's with them (tracker.imports.declarations.urls)."""

from django.urls import include, path

from tracker.imports import views as imports

urlpatterns = [
    path("imports/", imports.ImportListView.as_view(), name="import_list"),
    path("imports/new/", imports.import_new, name="import_new"),
    path("imports/template/", imports.import_template, name="import_template"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/status/", imports.import_status, name="import_status"),
    path("imports/<int:pk>/annotated/", imports.import_annotated, name="import_annotated"),
    path("imports/<int:pk>/confirm/", imports.import_confirm_view, name="import_confirm"),
    path("imports/<int:pk>/cancel/", imports.import_cancel_view, name="import_cancel"),
    path("", include("tracker.imports.declarations.urls")),
]
