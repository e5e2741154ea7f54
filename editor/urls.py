from django.urls import path

from editor import views

app_name = "editor"

urlpatterns = [
    # Dashboard: list, search, create, rename, duplicate, delete, import
    path("", views.dashboard, name="dashboard"),
    path("import/", views.import_workflow, name="import"),
    # One workflow
    path("<int:pk>/", views.workflow, name="workflow"),
    path("<int:pk>/export/", views.export, name="export"),
]
