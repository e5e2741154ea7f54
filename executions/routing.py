from django.urls import path

from executions.consumers import ExecutionConsumer, WorkflowConsumer

websocket_urlpatterns = [
    path("ws/executions/<uuid:execution_id>/", ExecutionConsumer.as_asgi()),
    path("ws/workflows/<int:workflow_id>/", WorkflowConsumer.as_asgi()),
]
