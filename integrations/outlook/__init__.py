"""Microsoft Outlook (DESIGN §11): an OAuth 2.0 refresh-token credential for Microsoft Graph,
and the node app.outlook."""

from __future__ import annotations

from integrations.outlook import graph_api, new_mail, node
from integrations.outlook.credentials import OutlookOAuth2
from integrations.service import CredentialKind, Service

SERVICE = Service(
    name="outlook",
    label="Microsoft Outlook",
    kinds=(CredentialKind(OutlookOAuth2, test=graph_api.check),),
    node=node.NODE,
    # --- svcc: trigger.poll's outlook source (n8n's Microsoft Outlook Trigger) ---
    poll=new_mail.poll_messages,
    # --- end svcc ---
)
