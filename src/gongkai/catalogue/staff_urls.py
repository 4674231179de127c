from django.urls import path

from . import staff_views as views

app_name = "catalogue_staff"

urlpatterns = [
    path("", views.index, name="index"),
    path("domain/<int:pk>/", views.domain_tree, name="domain"),
    path("domain/<int:pk>/add/", views.item_add, name="item_add"),
    path("item/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("item/<int:pk>/move/", views.item_move, name="item_move"),
    path("item/<int:pk>/organisations/", views.item_assign, name="item_assign"),
    path("import/", views.import_upload, name="import"),
    path("import/preview/", views.import_preview, name="import_preview"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("export/", views.export, name="export"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("duties/", views.duties, name="duties"),
    path("versions/", views.versions, name="versions"),
    path("versions/compare/", views.compare, name="compare"),
]
