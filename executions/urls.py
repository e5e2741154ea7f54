from django.urls import path

from executions import views

app_name = "executions"

urlpatterns = [
    # Run history, all workflows or one
    path("executions/", views.history, name="history"),
    path("workflows/<int:pk>/executions/", views.history, name="workflow_history"),
    # One execution, live, with its controls
    path("executions/<uuid:execution_id>/", views.detail, name="detail"),
    # Manual runs, posted from the workflow page's Run card
    path("workflows/<int:pk>/run/", views.run_workflow, name="run"),
]
