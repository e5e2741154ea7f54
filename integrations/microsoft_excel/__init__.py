"""Microsoft Excel 365 (DESIGN §11): an OAuth 2.0 refresh-token credential for Microsoft Graph
(Outlook's, with the Files scopes, as OneDrive's) and the node app.microsoft_excel."""

from __future__ import annotations

from integrations.microsoft_excel import node, workbook_api
from integrations.microsoft_excel.credentials import ExcelOAuth2
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="microsoft_excel",
    label="Microsoft Excel 365",
    kinds=(CredentialKind(ExcelOAuth2, test=workbook_api.check),),
    node=node.NODE,
)
