from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    # The owner's chat with a workflow, and where its messages are posted
    path("<int:workflow_id>/", views.page, name="page"),
    path("<int:workflow_id>/send", views.send, name="send"),
    # The public link: anyone, the token is the capability
    path("p/<str:token>/", views.public_page, name="public"),
    path("p/<str:token>/send", views.public_send, name="public_send"),
]
