from django.urls import path

from chat.consumers import OwnerChatConsumer, PublicChatConsumer

websocket_urlpatterns = [
    path("ws/chat/<int:workflow_id>/<str:session_id>/", OwnerChatConsumer.as_asgi()),
    path("ws/chat/p/<str:token>/", PublicChatConsumer.as_asgi()),
]
