from django.urls import path

from credentials import views

app_name = "credentials"

urlpatterns = [
    path("", views.credentials, name="list"),
]
