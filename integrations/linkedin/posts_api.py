"""LinkedIn's versioned REST API (`/rest/posts`) and OpenID userinfo (`/v2/userinfo`), over
httpx through the guarded transport.

Every `/rest` call names the API version it speaks (`LinkedIn-Version: YYYYMM`) and Rest.li 2.0.
A post created answers 201 with an empty body and the post's URN in `x-restli-id`. Errors are
`{"status", "serviceErrorCode", "code", "message"}`. An image is uploaded in two steps
(`/rest/images?action=initializeUpload`, then a PUT of the bytes to the URL it answers); 401 is an expired or revoked token, 403 a
missing scope or a page the member may not post for (the credential is fine, the permission is
not); 429 is the daily application or member limit.
"""

from __future__ import annotations

from typing import Any

from integrations import http
from integrations.linkedin.credentials import DEFAULT_BASE_URL, LinkedInToken
from integrations.service import read_fields
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, Secret

VERSION = "202505"


def _error_text(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("message"):
        code = body.get("code") or body.get("serviceErrorCode")
        return f"{code}: {body['message']}" if code else str(body["message"])
    return None


API = http.Api("LinkedIn", error_text=_error_text, auth_statuses=frozenset({401}))


def _send(secret: Secret, method: str, path: str, what: str, **body: Any) -> http.Reply:
    fields = read_fields(LinkedInToken, secret)
    headers = {
        "Authorization": f"Bearer {fields.access_token.get_secret_value()}",
        "LinkedIn-Version": VERSION,
        "X-Restli-Protocol-Version": "2.0.0",
    }
    url = f"{fields.base_url or DEFAULT_BASE_URL}{path}"
    return http.send(API, secret, method, url, what=what, headers=headers, **body)


def create_post(secret: Secret, post: dict[str, Any]) -> dict[str, Any]:
    """POST /rest/posts; `{"urn": …}` as n8n outputs it (from the `x-restli-id` header)."""
    reply = _send(secret, "POST", "/rest/posts", "create_post", json=post)
    urn = reply.headers.get("x-restli-id")
    if not urn:
        raise NodeError(
            "LinkedIn answered create_post without the post's URN (no x-restli-id header); "
            "check the credential's base URL (leave it empty for LinkedIn itself)."
        )
    return {"urn": urn}


def upload_image(secret: Secret, owner: str, image: files.File) -> str:
    """The Images API's two steps: initializeUpload for `owner` (the post's author), then the
    bytes PUT to the upload URL it gives; the image's URN, for a post's `content.media.id`."""
    request = {"initializeUploadRequest": {"owner": owner}}
    reply = _send(secret, "POST", "/rest/images?action=initializeUpload", "images", json=request)
    value = reply.body.get("value") if isinstance(reply.body, dict) else None
    if not isinstance(value, dict) or not value.get("uploadUrl") or not value.get("image"):
        raise NodeError("LinkedIn answered the image upload request without an upload URL.")
    token = read_fields(LinkedInToken, secret).access_token.get_secret_value()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": image.content_type}
    url = str(value["uploadUrl"])
    http.send(API, secret, "PUT", url, what="the image upload", headers=headers, content=image.data)
    return str(value["image"])


def check_token(secret: Secret) -> str:
    """GET /v2/userinfo (OpenID): whose token it is and their person id, changing nothing."""
    me = _send(secret, "GET", "/v2/userinfo", "userinfo").body
    if not isinstance(me, dict):
        raise NodeError("LinkedIn answered userinfo with something that is not JSON.")
    return f"Connected to LinkedIn as {me.get('name', '?')} (person id {me.get('sub', '?')})."
