from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from editor import views as editor_views
from executions import form_pages, resumes, webhooks
from workfuse.api import api

urlpatterns = [
    path("", editor_views.landing, name="landing"),
    # Accounts (allauth; its sign-in page answers a lockout with 429) and the user's settings
    path("accounts/login/", account_views.login, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("settings/", include("accounts.urls")),
    # Workflows
    path("workflows/", include("editor.urls")),
    # Executions: manual runs (history pages to come)
    path("", include("executions.urls")),
    # Credentials (values live in the vault, never here)
    path("credentials/", include("credentials.urls")),
    # Webhooks: public, authenticated per workflow
    path("hooks/<str:token>", webhooks.receive, name="webhook"),
    # --- wait: resume URLs, public, the token is the capability ---
    path("hooks/resume/<str:token>", resumes.resume, name="resume"),
    # --- end wait ---
    # --- forms: a form's next page, followed by whoever sent the page before ---
    path("hooks/form/<str:token>", form_pages.follow, name="form_follow"),
    # --- end forms ---
    # --- chat: the chat pages (the public link is open, its token the capability) ---
    path("chat/", include("chat.urls")),
    # --- end chat ---
    # JSON API and operators' admin
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "workfuse.views.bad_request"
handler429 = "accounts.views.rate_limited"  # read by allauth's rate limits
handler403 = "workfuse.views.permission_denied"
handler404 = "workfuse.views.not_found"
handler500 = "workfuse.views.server_error"
