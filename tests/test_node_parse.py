"""utility.parse: JSON, XML, HTML and CSV read and written, hostile XML refused, limits kept,
build then parse giving the data back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from editor.nodes import utility_parse
from editor.nodes.base import NodeError
from tests.data_nodes import form, form_round_trip, run, run_in_workflow, save_errors

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
<lolz>&lol2;</lolz>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>"""
PAGE = """<html><body><h1> Spring   <em>sale</em> </h1>
<ul><li><a class="p" href="/a">Tea</a></li><li><a class="p" href="/b">Cake &amp; jam</a></li></ul>
</body></html>"""


def parse(config: dict, **context) -> object:
    return run(utility_parse, config, **context)["result"]


def test_json_text_becomes_data_and_data_is_left_as_it_is():
    assert parse({"value": '{"a": [1, 2.5, null]}'}) == {"a": [1, 2.5, None]}
    assert parse({"value": {"already": "data"}}) == {"already": "data"}
    with pytest.raises(NodeError, match="not valid JSON"):
        parse({"value": '{"a": '})


def test_xml_becomes_objects_the_way_xmltodict_writes_them():
    text = '<order id="7" xmlns="urn:x"><line sku="a">2</line><line sku="b">1</line><note/></order>'
    assert parse({"format": "xml", "value": text}) == {
        "order": {
            "@id": "7",
            "line": [{"@sku": "a", "#text": "2"}, {"@sku": "b", "#text": "1"}],
            "note": None,
        }
    }


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_xml_with_a_dtd_or_entities_is_refused(hostile):
    with pytest.raises(NodeError, match="The XML was refused"):
        parse({"format": "xml", "value": hostile})


def test_broken_xml_says_where():
    with pytest.raises(NodeError, match=r"not valid XML: .*line 1"):
        parse({"format": "xml", "value": "<a><b></a>"})


def test_html_values_are_picked_with_css_selectors():
    selectors = [
        {"name": "title", "css": "h1"},
        {"name": "links", "css": "a.p", "attribute": "href", "multiple": True},
        {"name": "names", "css": "li a", "multiple": True},
        {"name": "first", "css": "li", "attribute": "html"},
        {"name": "missing", "css": "table td"},
    ]
    assert parse({"format": "html", "value": PAGE, "selectors": selectors}) == {
        "title": "Spring sale",
        "links": ["/a", "/b"],
        "names": ["Tea", "Cake & jam"],
        "first": '<li><a class="p" href="/a">Tea</a></li>',
        "missing": None,
    }


def test_csv_rows_become_objects_or_lists():
    text = "\ufeffname;qty;;name\nTea;2;x;T\n\nCake;1\n"
    assert parse({"format": "csv", "value": text, "delimiter": ";"}) == [
        {"name": "Tea", "qty": "2", "column_3": "x", "name_2": "T"},
        {"name": "Cake", "qty": "1", "column_3": "", "name_2": ""},
    ]
    assert parse({"format": "csv", "value": "a\tb\n1\t2", "delimiter": "tab", "header": False}) == [
        ["a", "b"],
        ["1", "2"],
    ]


def test_data_is_built_into_text():
    rows = [{"name": "Tea", "tags": ["a"], "ok": True}, {"name": 'Cake, "big"', "price": 2.5}]
    assert parse({"format": "csv", "direction": "build", "value": rows}) == (
        'name,tags,ok,price\r\nTea,"[""a""]",true,\r\n"Cake, ""big""",,,2.5\r\n'
    )
    assert parse({"format": "json", "direction": "build", "value": {"é": [1]}}) == '{"é": [1]}'
    assert parse(
        {"format": "xml", "direction": "build", "value": {"order": {"@id": 7, "line": ["a", "b"]}}}
    ) == ('<order id="7"><line>a</line><line>b</line></order>')
    assert parse({"format": "xml", "direction": "build", "value": [1, 2]}) == (
        "<root><item>1</item><item>2</item></root>"
    )
    table = parse({"format": "html", "direction": "build"}, input={"rows": [{"a": "<b>"}]})
    assert "<th>a</th>" in table and "<td>&lt;b&gt;</td>" in table
    with pytest.raises(NodeError, match="cannot be an XML element name"):
        parse({"format": "xml", "direction": "build", "value": {"two words": 1}})


def test_limits_and_wrong_kinds_of_value_fail_clearly(monkeypatch):
    monkeypatch.setattr(utility_parse, "MAX_TEXT", 10)
    with pytest.raises(NodeError, match="over the 10 limit"):
        parse({"format": "csv", "value": "a,b\n1,2\n3,4\n"})
    monkeypatch.setattr(utility_parse, "MAX_ROWS", 2)
    with pytest.raises(NodeError, match="more than 2 rows"):
        parse({"format": "csv", "value": "a\n1\n2\n3"})
    with pytest.raises(NodeError, match="over the 2 limit"):
        parse({"format": "csv", "direction": "build", "value": [[1], [2], [3]]})
    with pytest.raises(NodeError, match="xml parse needs text"):
        parse({"format": "xml"}, input={"status": 200})


@pytest.mark.django_db
def test_bad_settings_are_refused_on_save_with_their_field(alice_api):
    details = save_errors(
        alice_api,
        "utility.parse",
        {"format": "html", "selectors": [], "delimiter": "ab"},
    )
    by_field = {d["field"]: d["message"] for d in details}
    assert "needs at least one selector" in by_field["config.selectors"]
    assert "one character" in by_field["config.delimiter"]
    details = save_errors(
        alice_api,
        "utility.parse",
        {"format": "html", "selectors": [{"name": "x", "css": "a >> b"}]},
    )
    assert details[0]["field"] == "config.selectors[0].css"
    assert "is not a CSS selector" in details[0]["message"]


@pytest.mark.django_db
def test_the_form_shows_every_setting(alice, alice_client):
    shown = form(alice_client, alice, "utility.parse", {"format": "csv"})
    assert shown.kinds == {
        "format": "select",
        "direction": "select",
        "value": "json",
        "selectors": "rows",
        "delimiter": "text",
        "header": "toggle",
        "layout": "select",  # seconds
        "xml2js": "group",  # seconds
    }
    assert ("f:format", "csv") in shown.values
    config = {
        "format": "html",
        "value": "{{ trigger.page }}",
        "selectors": [{"name": "t", "css": "h1", "multiple": True}],
    }
    assert form_round_trip(alice_client, alice, "utility.parse", config) == config


# --- seconds ---
def test_xml_builds_in_the_xml2js_layout_with_its_options():
    order = {"order": {"$": {"id": 7}, "line": ["tea", {"_": "cake", "$": {"qty": 2}}]}}
    assert parse({"format": "xml", "direction": "build", "layout": "xml2js", "value": order}) == (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<order id="7">\n  <line>tea</line>\n  <line qty="2">cake</line>\n</order>'
    )
    options = {"attrkey": "@", "root_name": "doc", "headless": True}
    config = {"format": "xml", "direction": "build", "layout": "xml2js", "xml2js": options}
    assert parse({**config, "value": {"a": {"@": {"k": "v"}}}}) == '<doc>\n  <a k="v"/>\n</doc>'


@pytest.mark.django_db
def test_the_form_keeps_the_xml2js_options(alice, alice_client):
    config = {
        "format": "xml",
        "direction": "build",
        "value": "{{ trigger.order }}",
        "layout": "xml2js",
        "xml2js": {"charkey": "#", "cdata": True},
    }
    kept = form_round_trip(alice_client, alice, "utility.parse", config)
    assert kept["layout"] == "xml2js"
    assert {k: v for k, v in kept["xml2js"].items() if k in ("charkey", "cdata")} == {
        "charkey": "#",
        "cdata": True,
    }


# --- end seconds ---
# Text without NUL: safe_json refuses it, as PostgreSQL cannot store it.
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | TEXT
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=15,
)


@given(JSON_VALUES)
def test_json_build_then_parse_gives_the_data_back(value):
    text = parse({"format": "json", "direction": "build", "value": value})
    assert parse({"format": "json", "value": text}) == value


@given(
    st.lists(st.fixed_dictionaries({"id": TEXT, "note": TEXT, "city": TEXT}), max_size=8),
    st.sampled_from([",", ";", "\t", "|"]),
)
def test_csv_build_then_parse_gives_the_rows_back(rows, delimiter):
    config = {"format": "csv", "delimiter": delimiter}
    text = parse({**config, "direction": "build", "value": rows})
    assert parse({**config, "value": text}) == rows


@pytest.mark.django_db(transaction=True)
def test_parse_runs_in_a_workflow(alice):
    node = {
        "id": "rows",
        "type": "utility.parse",
        "config": {"format": "csv", "value": "{{ trigger.report }}"},
    }
    step = run_in_workflow(alice, node, {"report": "sku,qty\na,1\nb,2\n"})
    assert step.output == {"result": [{"sku": "a", "qty": "1"}, {"sku": "b", "qty": "2"}]}
