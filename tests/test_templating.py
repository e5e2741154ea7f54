"""Templates (DESIGN §5): native types, paths, filters, errors naming variables, the sandbox."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from editor.templating import (
    TemplateError,
    format_path,
    parse,
    referenced_paths,
    render,
    render_value,
)

CONTEXT = {
    "trigger": {
        "body": {
            "user_id": 7,
            "items": [{"sku": "a", "qty": 2}, {"sku": "b", "qty": 1}],
            "name": "Ada",
        }
    },
    "nodes": {"get_user": {"status": 200, "body": {"email": "ada@example.com", "orders": 12}}},
    "execution": {"id": "e1", "started_at": "2026-11-22T10:00:00+00:00"},
}


def test_one_expression_keeps_native_type():
    assert render("{{ trigger.body.items }}", CONTEXT) == CONTEXT["trigger"]["body"]["items"]
    assert render("  {{ nodes.get_user.body.orders }} ", CONTEXT) == 12
    assert render("{{ trigger.body.items[1].qty > 0 }}", CONTEXT) is True


def test_mixed_text_renders_to_a_string():
    assert render("User {{ trigger.body.user_id }}: {{ nodes.get_user.body.email }}", CONTEXT) == (
        "User 7: ada@example.com"
    )


def test_keys_named_like_dict_methods_are_data():
    assert render("{{ trigger.body.items | length }}", CONTEXT) == 2
    assert render("{{ data.keys }}", {"data": {"keys": [1]}}) == [1]


def test_filters():
    assert render("{{ trigger.body.name | upper }}", CONTEXT) == "ADA"
    assert render("{{ trigger.body.name | lower }}", CONTEXT) == "ada"
    assert render("{{ trigger.body.items | tojson }}", CONTEXT) == (
        '[{"sku": "a", "qty": 2}, {"sku": "b", "qty": 1}]'
    )
    assert render("{{ '{\"a\": [1]}' | fromjson }}", CONTEXT) == {"a": [1]}
    assert (
        render("{{ execution.started_at | format_date('%d.%m.%Y %H:%M') }}", CONTEXT)
        == "22.11.2026 10:00"
    )
    assert (
        render("{{ execution.started_at | format_date('%H:%M', 'Asia/Tokyo') }}", CONTEXT)
        == "19:00"
    )
    assert render("{{ trigger.body.missing | default('none') }}", CONTEXT) == "none"
    assert render("{{ trigger.body.name | length }}", CONTEXT) == 3


def test_missing_variable_names_the_full_path():
    with pytest.raises(TemplateError) as exc:
        render("Hello {{ nodes.get_user.body.phone }}", CONTEXT)
    assert exc.value.variable == "nodes.get_user.body.phone"
    assert "nodes.get_user.body has no 'phone'" in exc.value.message
    with pytest.raises(TemplateError) as exc:
        render("{{ trigger.body.items[5].sku }}", CONTEXT)
    assert exc.value.variable == "trigger.body.items[5]"


def test_render_value_walks_json_and_names_the_field():
    config = {
        "url": "https://x/{{ trigger.body.user_id }}",
        "body": {"to": ["{{ nodes.get_user.body.email }}"]},
    }
    assert render_value(config, CONTEXT) == {
        "url": "https://x/7",
        "body": {"to": ["ada@example.com"]},
    }
    with pytest.raises(TemplateError) as exc:
        render_value({"body": {"to": ["{{ nope.x }}"]}}, CONTEXT)
    assert exc.value.field == "body.to[0]"
    assert exc.value.message.startswith("body.to[0]: 'nope' is undefined")


def test_syntax_errors_are_reported():
    with pytest.raises(TemplateError, match="syntax error"):
        parse("{{ trigger.body. }}")


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ trigger.__class__ }}",
        "{{ trigger.body.items.append(1) }}",
        "{{ range.__self__ }}",
        "{{ self.__init__.__globals__ }}",
        "{{ '{0.__class__}'.format(trigger) }}",
        "{{ lipsum.__globals__ }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ 'x' * 10000000 }}",
        "{{ 10 ** 100000 }}",
        "{% for i in range(10**9) %}{% endfor %}",
    ],
)
def test_sandbox_escapes_are_refused(source):
    with pytest.raises(TemplateError):
        render(source, CONTEXT)


def test_referenced_paths_skip_local_names():
    tree = parse(
        "{% for o in trigger.body.items %}{{ o.sku }}{{ nodes.get_user.body['email'] }}{% endfor %}"
    )
    assert referenced_paths(tree) == [
        ("trigger", "body", "items"),
        ("nodes", "get_user", "body", "email"),
    ]


# --- properties ---------------------------------------------------------------------------

keys = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=20,
)


def all_paths(value, prefix):
    yield prefix, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from all_paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from all_paths(v, (*prefix, i))


@given(st.dictionaries(keys, json_values, min_size=1, max_size=4), st.data())
def test_any_reachable_value_renders_back_to_itself_with_its_type(body, data):
    context = {"trigger": {"body": body}}
    path, expected = data.draw(st.sampled_from(list(all_paths(body, ("trigger", "body")))))
    result = render("{{ " + format_path(path) + " }}", context)
    assert result == expected
    assert type(result) is type(expected)


@given(st.dictionaries(keys, json_values, max_size=4), keys)
def test_missing_references_always_fail_with_the_variable_name(body, missing):
    context = {"trigger": {"body": body}}
    if missing in body:
        return
    with pytest.raises(TemplateError) as exc:
        render("value: {{ trigger.body." + missing + " }}", context)
    assert exc.value.variable == f"trigger.body.{missing}"
    assert f"'trigger.body.{missing}' is undefined" in exc.value.message
