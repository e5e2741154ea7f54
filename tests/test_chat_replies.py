"""What text a run's last output becomes as a chat reply (chat/conversation.py)."""

from __future__ import annotations

import pytest

from chat.conversation import reply_text


@pytest.mark.parametrize(
    ("output", "text"),
    [
        ({"response": "From the agent", "text": "not this", "iterations": 2}, "From the agent"),
        ({"response": {"label": "billing"}}, '{\n  "label": "billing"\n}'),
        ({"text": "A text field"}, "A text field"),
        ({"message": "A message field", "reply": "later"}, "A message field"),
        ({"reply": "A reply field", "count": 1}, "A reply field"),
        ({"text": 5, "reply": "strings only"}, "strings only"),
        ("plain text", "plain text"),
        ({"result": 42}, '{\n  "result": 42\n}'),
        ([1, "é"], '[\n  1,\n  "é"\n]'),
        (None, ""),
    ],
)
def test_the_reply_is_the_response_else_a_text_field_else_json(output, text):
    assert reply_text(output) == text
