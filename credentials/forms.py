from __future__ import annotations

from typing import Any

from django import forms

from credentials.models import Credential
from integrations import registry
from integrations.service import CredentialKind, field_label, is_secret

# Write-only: PasswordInput never renders the value back (render_value=False).
SECRET_INPUT = {"autocomplete": "off"}


def kind_choices() -> list[tuple[str, Any]]:
    """The kinds grouped for the picker: the general ones, then one group per service."""
    services = [
        (service.label, [(kind.kind, kind.label) for kind in service.kinds])
        for service in registry.SERVICES
    ]
    return [("General", Credential.Kind.choices), *services]


class CredentialForm(forms.Form):
    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=kind_choices)
    value = forms.CharField(
        required=False,
        widget=forms.PasswordInput(attrs=SECRET_INPUT),
        help_text="The secret. It is stored in the vault and never shown again.",
    )
    username = forms.CharField(required=False, help_text="For 'Username and password'.")
    password = forms.CharField(required=False, widget=forms.PasswordInput(attrs=SECRET_INPUT))

    def secret(self) -> Any:
        data = self.cleaned_data
        if data.get("kind") == Credential.Kind.BASIC:
            return {"username": data.get("username", ""), "password": data.get("password", "")}
        return data.get("value", "")


class RotateForm(forms.Form):
    value = forms.CharField(required=False, widget=forms.PasswordInput(attrs=SECRET_INPUT))
    username = forms.CharField(required=False)
    password = forms.CharField(required=False, widget=forms.PasswordInput(attrs=SECRET_INPUT))

    def secret(self, kind: str) -> Any:
        data = self.cleaned_data
        if kind == Credential.Kind.BASIC:
            return {"username": data.get("username", ""), "password": data.get("password", "")}
        return data.get("value", "")


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


class FieldsForm(forms.Form):
    """An integration credential's fields, from its kind's model, posted as `value-<field>`
    (the API's `value.<field>`). Secret fields are password inputs that never show a value;
    when `editing` an existing credential, a secret left empty keeps its value, and the other
    fields show their current settings."""

    prefix = "value"

    def __init__(self, kind: CredentialKind, *args: Any, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.needed: set[str] = set()  # shown with a star
        for name in kind.field_names:
            info = kind.Fields.model_fields[name]
            secret = is_secret(info.annotation)
            attrs = dict(SECRET_INPUT)
            if secret and editing:
                attrs["placeholder"] = "Unchanged unless you type a new one"
            field = forms.CharField(
                label=_sentence(field_label(name)),
                required=False,  # the kind's model decides, with messages naming the field
                help_text=info.description or "",
                widget=forms.PasswordInput(attrs=attrs) if secret else forms.TextInput(),
            )
            self.fields[name] = field
            if info.is_required() and not (secret and editing):
                self.needed.add(name)

    def value(self) -> dict[str, Any]:
        """The fields as the store takes them: an empty secret is left out (on creation the
        store then asks for it; when editing it keeps its value), an empty setting is null."""
        self.is_valid()
        value: dict[str, Any] = {}
        for name in self.fields:
            text = self.cleaned_data.get(name, "")
            if name in self.kind.secret_fields:
                if text:
                    value[name] = text
            else:
                value[name] = text or None
        return value

    def place(self, errors: list[tuple[str, str]]) -> None:
        """The store's refusals (`value.<field>`) on their fields."""
        for where, message in errors:
            name = where.removeprefix("value.")
            self.add_error(name if name in self.fields else None, message)
