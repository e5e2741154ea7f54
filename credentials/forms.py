from __future__ import annotations

from typing import Any

from django import forms

from credentials.models import Credential


class CredentialForm(forms.Form):
    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=Credential.Kind.choices)
    # Write-only: PasswordInput never renders the value back (render_value=False).
    value = forms.CharField(
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="The secret. It is stored in the vault and never shown again.",
    )
    username = forms.CharField(required=False, help_text="For 'Username and password'.")
    password = forms.CharField(
        required=False, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )

    def secret(self) -> Any:
        data = self.cleaned_data
        if data.get("kind") == Credential.Kind.BASIC:
            return {"username": data.get("username", ""), "password": data.get("password", "")}
        return data.get("value", "")


class RotateForm(forms.Form):
    value = forms.CharField(
        required=False, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )
    username = forms.CharField(required=False)
    password = forms.CharField(
        required=False, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )

    def secret(self, kind: str) -> Any:
        data = self.cleaned_data
        if kind == Credential.Kind.BASIC:
            return {"username": data.get("username", ""), "password": data.get("password", "")}
        return data.get("value", "")
