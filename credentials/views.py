from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from credentials import connection, store
from credentials.forms import CredentialForm, FieldsForm, RotateForm
from credentials.models import Credential
from credentials.vault import VaultError
from integrations import registry
from workfuse.lib.params import row_id
from workfuse.lib.requests import SignedInRequest

TEMPLATE = "credentials/list.html"


def _get_credential_for_user(request: SignedInRequest, pk: str) -> Credential:
    number = row_id(pk)
    if number is None:  # a malformed id names no credential (not a server error)
        raise Http404("No such credential.")
    return get_object_or_404(Credential, pk=number, owner=request.user)


def _fields_form(kind: str, data: Any = None, **kwargs: Any) -> FieldsForm | None:
    """The fields of an integration's kind; None for the base kinds."""
    integration = registry.credential_kind(kind)
    return FieldsForm(integration, data, **kwargs) if integration else None


def credentials(request: SignedInRequest) -> HttpResponse:
    """The credentials page: list, add (the form follows the chosen kind), edit or rotate,
    rename, test the connection, delete (refused while in use)."""
    if request.method == "GET" and request.htmx and "kind" in request.GET:
        kind = request.GET["kind"]
        context = {"form": CredentialForm(initial={"kind": kind}), "kind": kind}
        return render(
            request, f"{TEMPLATE}#kind-fields", {**context, "fields_form": _fields_form(kind)}
        )
    form = CredentialForm()
    fields_form = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                form = CredentialForm(request.POST)
                fields_form = _fields_form(request.POST.get("kind", ""), request.POST)
                if form.is_valid():
                    value = fields_form.value() if fields_form else form.secret()
                    credential = store.create(
                        request.user,
                        form.cleaned_data["name"],
                        form.cleaned_data["kind"],
                        value,
                        request,
                    )
                    messages.success(
                        request,
                        f"Saved “{credential.name}”. Its secret is in the vault and will "
                        "not be shown again.",
                    )
                    return redirect("credentials:list")
                status = 400
            elif action == "test":
                return _test(request)
            elif action in ("rotate", "rename", "delete"):
                credential = _get_credential_for_user(request, request.POST.get("id", ""))
                if action == "rotate":
                    _rotate(request, credential)
                elif action == "rename":
                    store.rename(credential, request.POST.get("name", ""))
                    messages.success(request, f"Renamed to “{credential.name}”.")
                else:
                    store.delete(credential, request)
                    messages.success(request, f"Deleted “{credential.name}”.")
                return redirect("credentials:list")
        except store.CredentialRefused as exc:
            if action == "create":
                _place(form, fields_form, exc)
            else:
                messages.error(request, exc.message)
            status = 400
        except store.CredentialInUse as exc:
            messages.error(request, str(exc))
            status = 409
        except VaultError as exc:
            messages.error(request, f"The credential vault did not answer: {exc}")
            status = 503
    kind = form["kind"].value() or ""
    context = {
        "rows": [_row(c) for c in Credential.objects.filter(owner=request.user)],
        "form": form,
        "kind": kind,
        "fields_form": fields_form or _fields_form(kind),
        "add_open": form.is_bound and bool(form.errors or (fields_form and fields_form.errors)),
        "vault_is_aws": settings.WORKFUSE_VAULT == "aws",
    }
    return render(request, TEMPLATE, context, status=status)


def _row(credential: Credential) -> dict[str, Any]:
    return {
        "credential": credential,
        "workflows": store.usage(credential),
        "edit_form": _fields_form(
            credential.kind,
            initial=credential.settings,
            editing=True,
            auto_id=f"id_{credential.pk}_%s",
        ),
    }


def _rotate(request: SignedInRequest, credential: Credential) -> None:
    fields_form = _fields_form(credential.kind, request.POST, editing=True)
    if fields_form is not None:
        store.rotate(credential, fields_form.value(), request)
        messages.success(request, f"Saved “{credential.name}”: the next runs use it.")
        return
    rotate = RotateForm(request.POST)
    rotate.is_valid()
    store.rotate(credential, rotate.secret(credential.kind), request)
    messages.success(request, f"Rotated “{credential.name}”: the next runs use the new value.")


def _test(request: SignedInRequest) -> HttpResponse:
    """Test connection: htmx gets the answer in place; a plain form post, a message."""
    credential = _get_credential_for_user(request, request.POST.get("id", ""))
    try:
        result = connection.test(credential, request)
    except connection.NotTestable as exc:
        result = connection.Result(False, str(exc))
    except VaultError as exc:
        result = connection.Result(False, f"The credential vault did not answer: {exc}")
    if request.htmx:
        return render(request, f"{TEMPLATE}#test-result", {"result": result})
    (messages.success if result.ok else messages.error)(request, result.message)
    return redirect("credentials:list")


def _place(
    form: CredentialForm, fields_form: FieldsForm | None, exc: store.CredentialRefused
) -> None:
    if fields_form is not None and exc.field.startswith("value"):
        fields_form.place(exc.errors)
    else:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
