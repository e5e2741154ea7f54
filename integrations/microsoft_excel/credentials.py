"""Microsoft Excel 365's credential: the same app registration and refresh-token fields as
Outlook's (integrations/outlook/credentials.py), granted the Files scopes that workbooks in
OneDrive or SharePoint need."""

from __future__ import annotations

from pydantic import Field, SecretStr

from integrations.outlook.credentials import OutlookOAuth2

SCOPES = "https://graph.microsoft.com/Files.ReadWrite.All offline_access"


class ExcelOAuth2(OutlookOAuth2):
    kind = "microsoft_excel"
    label = "Microsoft Excel 365 OAuth2 (refresh token)"

    refresh_token: SecretStr = Field(
        min_length=1,
        description="A refresh token the workbooks' owner granted the app, with "
        "Files.ReadWrite.All and offline_access. Microsoft ends it 90 days after it was issued: "
        "paste a new one before then.",
    )
