from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from credentials import store
from credentials.forms import CredentialForm, RotateForm
from credentials.models import Credential
from credentials.vault import VaultError
from workfuse.lib.params import row_id
from workfuse.lib.requests import SignedInRequest


def _get_credential_for_user(request: SignedInRequest, pk: str) -> Credential:
    number = row_id(pk)
    if number is None:  # a malformed id names no credential (not a server error)
        raise Http404("No such credential.")
    return get_object_or_404(Credential, pk=number, owner=request.user)


def credentials(request: SignedInRequest) -> HttpResponse:
    """The credentials page: list, add, rotate, rename, delete (refused while in use)."""
    form = CredentialForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                form = CredentialForm(request.POST)
                if form.is_valid():
                    credential = store.create(
                        request.user,
                        form.cleaned_data["name"],
                        form.cleaned_data["kind"],
                        form.secret(),
                        request,
                    )
                    messages.success(
                        request,
                        f"Saved “{credential.name}”. Its value is in the vault and will "
                        "not be shown again.",
                    )
                    return redirect("credentials:list")
                status = 400
            elif action in ("rotate", "rename", "delete"):
                credential = _get_credential_for_user(request, request.POST.get("id", ""))
                if action == "rotate":
                    rotate = RotateForm(request.POST)
                    rotate.is_valid()
                    store.rotate(credential, rotate.secret(credential.kind), request)
                    messages.success(
                        request, f"Rotated “{credential.name}”: the next runs use the new value."
                    )
                elif action == "rename":
                    store.rename(credential, request.POST.get("name", ""))
                    messages.success(request, f"Renamed to “{credential.name}”.")
                else:
                    store.delete(credential, request)
                    messages.success(request, f"Deleted “{credential.name}”.")
                return redirect("credentials:list")
        except store.CredentialRefused as exc:
            if action == "create":
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.error(request, exc.message)
            status = 400
        except store.CredentialInUse as exc:
            messages.error(request, str(exc))
            status = 409
        except VaultError as exc:
            messages.error(request, f"The credential vault did not answer: {exc}")
            status = 503
    rows = [(c, store.usage(c)) for c in Credential.objects.filter(owner=request.user)]
    context = {"rows": rows, "form": form, "vault_is_aws": settings.WORKFUSE_VAULT == "aws"}
    return render(request, "credentials/list.html", context, status=status)
