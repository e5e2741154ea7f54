"""n8n's Chat Trigger as WorkFuse's `trigger.chat` (docs/chat.md): n8n's `$json.chatInput` and
`$json.sessionId` are the trigger's `message` and `session_id`."""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import LANGCHAIN, Converted, Converter, N8nNode, Spec
from editor.nodes.trigger_chat import WELCOME_LIMIT

# What n8n's hosted chat page says first when the export leaves it at n8n's default.
N8N_WELCOME = "Hi there! \N{WAVING HAND SIGN}\nMy name is Nathan. How can I assist you today?"


def _chat(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    options = p.get("options") or {}
    public = bool(p.get("public"))
    notes: list[str] = []
    authentication = p.get("authentication") or "none"
    if public and authentication == "n8nUserAuth":
        public = False
        notes.append(
            "n8n let only signed-in n8n users chat; here only you (signed in) or the API can."
        )
    elif public and authentication != "none":
        notes.append(
            f"n8n asked for {authentication} on its public chat; WorkFuse's public link is an "
            "unguessable URL with no password."
        )
    welcome: Any = ""
    if public and (p.get("mode") or "hostedChat") == "hostedChat":
        welcome = p.get("initialMessages", N8N_WELCOME)
        if not isinstance(welcome, str) or welcome.startswith("="):
            welcome = ""
            notes.append("n8n worked out its first message with an expression; write one here.")
    if (options.get("responseMode") or "lastNode") != "lastNode":
        notes.append(
            f"n8n answered the chat from {options['responseMode']}; WorkFuse answers with the "
            "run's last node output."
        )
    if options.get("allowFileUploads"):
        notes.append("n8n let people attach files to messages; WorkFuse chat takes text.")
    if options.get("loadPreviousSession") not in (None, "notSupported"):
        notes.append(
            "n8n reloaded past messages into the chat page; WorkFuse keeps a conversation by "
            "its session (an agent's memory reads it)."
        )
    config = {"public": public, "welcome": str(welcome)[:WELCOME_LIMIT]}
    return Converted("trigger.chat", config, notes=notes)


def _manual_chat(node: N8nNode, cx: Converter) -> Converted:
    """n8n's older Manual Chat Trigger: a chat in the editor only, so a private chat here."""
    return Converted("trigger.chat", {"public": False, "welcome": ""})


CHAT_ALIASES = (("chatInput", "message"), ("sessionId", "session_id"))
SPECS: dict[str, Spec] = {
    f"{LANGCHAIN}chatTrigger": Spec(_chat, "trigger", aliases=CHAT_ALIASES),
    f"{LANGCHAIN}manualChatTrigger": Spec(_manual_chat, "trigger", aliases=CHAT_ALIASES),
}
