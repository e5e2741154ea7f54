from django.urls import path

from editor import views

app_name = "editor"

urlpatterns = [
    # Dashboard: list, search, create, rename, duplicate, delete, import; the templates gallery
    path("", views.dashboard, name="dashboard"),
    path("import/", views.import_workflow, name="import"),
    path("templates/", views.gallery, name="gallery"),
    # One workflow
    path("<int:pk>/", views.workflow, name="workflow"),
    path("<int:pk>/export/", views.export, name="export"),
    # The canvas editor's node settings panel
    path("<int:pk>/node-settings/", views.node_settings, name="node_settings"),
]
