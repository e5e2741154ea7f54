"""workfuse/lib/safe_json.py: untrusted JSON is parsed within its limits or refused, saying where."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workfuse.lib.safe_json import INT_MAX, INT_MIN, JsonRefused, check, loads


def refusal(text: str | bytes, **kwargs) -> JsonRefused:
    with pytest.raises(JsonRefused) as caught:
        loads(text, **kwargs)
    return caught.value


def test_ordinary_json_parses_as_json_loads_would():
    text = '{"order": {"id": 7, "total": 12.5, "items": [1, "two", null, true]}, "x": -0}'
    assert loads(text) == json.loads(text)
    assert loads(text.encode()) == json.loads(text)


def test_nesting_up_to_the_limit_is_accepted_and_one_more_is_refused():
    assert loads("[" * 64 + "]" * 64, depth=64) is not None
    error = refusal("[" * 65 + "]" * 65, depth=64)
    assert "more than 64 levels deep" in error.message
    assert error.path == ()


def test_fifty_thousand_levels_are_refused_without_recursing():
    deep = '{"a":' * 50_000 + "1" + "}" * 50_000
    assert "more than 64 levels" in refusal(deep).message
    assert "more than 64 levels" in refusal("[" * 50_000 + "}").message  # unbalanced too


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"text": "[[[[{{{{" * 100, "escaped": '\\"[[[[' * 50})
    assert loads(text, depth=2) == json.loads(text)


def test_the_limit_comes_from_the_setting(settings):
    settings.WORKFUSE_MAX_JSON_DEPTH = 3
    assert loads("[[[]]]") == [[[]]]
    assert "more than 3 levels" in refusal("[[[[]]]]").message


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ('{"n": ' + "9" * 5000 + "}", "n", "5000 digits"),
        ('{"a": [0, 9223372036854775808]}', "a[1]", "9223372036854775808 is out of range"),
        ('{"a": {"b": -9223372036854775809}}', "a.b", "-9223372036854775809 is out of range"),
        ('{"x": 1e999}', "x", "1e999 is beyond the range of a finite number"),
        ('{"x": -1e999}', "x", "finite"),
        ('{"x": NaN}', "x", "NaN is not a number JSON allows"),
        ("[Infinity]", "[0]", "Infinity is not a number JSON allows"),
        ('{"s": "a\\u0000b"}', "s", "NUL character"),
        ('{"k\\u0000": 1}', '["k\\u0000"]', "the key contains the NUL character"),
        ('{"s": ["ok", "\\udc00"]}', "s[1]", "unpaired UTF-16 surrogate (\\udc00)"),
        ('{"a.b": {"c d": NaN}}', '["a.b"]["c d"]', "NaN"),
    ],
)
def test_numbers_and_text_beyond_the_limits_are_refused_naming_the_place(text, field, words):
    error = refusal(text)
    assert error.field == field
    assert words in error.message
    assert error.message.startswith(f"At '{field}': ")


def test_the_int64_range_itself_is_accepted():
    assert loads(f"[{INT_MIN}, {INT_MAX}, 1.5e308, -0.0]") == [INT_MIN, INT_MAX, 1.5e308, -0.0]


def test_an_escaped_backslash_before_u0000_is_only_text():
    assert loads('{"s": "\\\\u0000"}') == {"s": "\\u0000"}
    assert loads('["\\ud83d\\ude00"]') == ["\N{GRINNING FACE}"]  # a surrogate pair is fine


def test_invalid_json_is_refused_with_line_and_column():
    error = refusal('{\n  "a": oops}')
    assert error.message == "This is not valid JSON: Expecting value at line 2, column 8."
    assert error.syntax
    assert not refusal("[NaN]").syntax
    assert "not valid JSON" in refusal(b"").message
    assert "not UTF-8 text" in refusal(b'{"a": "\xff"}').message


def test_a_large_ordinary_body_parses_quickly():
    text = json.dumps([{"a": [1, 2.5, {"b": "x" * 10}]} for _ in range(50_000)])  # ~1.6 MB
    started = time.thread_time()
    loads(text)
    assert time.thread_time() - started < 1.0


def test_a_megabyte_of_brackets_is_measured_quickly():
    text = "[" + ",".join(["[[]]"] * 250_000) + "]"
    started = time.thread_time()
    loads(text)
    assert time.thread_time() - started < 1.5


def test_check_applies_the_same_limits_to_built_values():
    check({"query": {"q": ["a", "b"]}, "n": 3})
    with pytest.raises(JsonRefused) as caught:
        check({"query": {"q": ["a", "b\x00"]}})
    assert caught.value.field == "query.q[1]"
    with pytest.raises(JsonRefused, match="finite"):
        check([float("nan")])
    with pytest.raises(JsonRefused, match="out of range"):
        check({"n": 2**64})
    nested: list = []
    for _ in range(10):
        nested = [nested]
    with pytest.raises(JsonRefused, match="more than 5 levels"):
        check(nested, depth=5)


storable_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"))
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(INT_MIN, INT_MAX)
    | st.floats(allow_nan=False, allow_infinity=False)
    | storable_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(storable_text, children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_any_value_within_the_limits_round_trips(value):
    text = json.dumps(value)
    assert loads(text) == json.loads(text)
    check(value)


def test_detail_is_the_reason_as_a_sentence_for_api_details():
    error = refusal('{"s": "\\u0000"}')
    assert error.detail == "The text contains the NUL character (\\u0000), which cannot be stored."
    assert refusal("[NaN]").detail.startswith("NaN is not")
