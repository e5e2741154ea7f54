"""A workflow's public chat link (`/chat/p/<token>/`) and whose conversation a visitor has.

The link works while its token is current, the workflow is active and its chat trigger is
`public`; otherwise it is the same 404, so a link tells nothing about why. A visitor's
conversation is named by a cookie per workflow, never by anything they send.
"""

from __future__ import annotations

from django.http import Http404

from chat import conversation
from chat.models import ChatLink, ChatSession, new_session_id
from editor.models import Workflow
from editor.nodes import trigger_chat

COOKIE = "workfuse_chat_{pk}"
COOKIE_AGE = 365 * 24 * 3600
# What the visitor's cookie must look like: an id made by `new_session_id` (24 characters).
MIN_VISITOR_ID = 20


def public_workflow(token: str) -> Workflow:
    """The workflow behind a public link, or Http404."""
    link = ChatLink.objects.select_related("workflow").filter(token=token).first()
    if link is None or not link.workflow.is_active:
        raise Http404("No chat at this address.")
    config = trigger_chat.config_in(link.workflow.graph)
    if config is None or not config.public:
        raise Http404("No chat at this address.")
    return link.workflow


def visitor_session(cookies: dict[str, str], workflow: Workflow) -> tuple[str, ChatSession | None]:
    """The visitor's conversation id and its row (None until they say something). A cookie
    that is not one of ours, or names a conversation begun by the owner or the API, gets a
    new id."""
    value = cookies.get(COOKIE.format(pk=workflow.pk), "")
    if len(value) < MIN_VISITOR_ID or not conversation.SESSION_ID_RE.match(value):
        return new_session_id(), None
    session = ChatSession.objects.filter(workflow=workflow, session_id=value).first()
    if session is not None and session.via != ChatSession.Via.PUBLIC:
        return new_session_id(), None
    return value, session
