"""editor/nodes/xml2js.py: XML as xml2js's Builder writes it (n8n's XML node, JSON to XML).
Each expected text follows the Builder's documented rules and xmlbuilder's pretty printing (and
was checked once against xml2js 0.6.2 itself)."""

from __future__ import annotations

import pytest

from editor.nodes.xml2js import Options, build
from workfuse.lib.node_run import NodeError

DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def test_one_key_is_the_root_with_attributes_text_lists_and_empty_elements():
    order = {
        "order": {
            "$": {"id": 7, "note": None},
            "customer": {"name": "Ada & Co", "vip": True},
            "line": [{"$": {"sku": "T-1"}, "_": "Tea"}, "Cake", None, {"qty": 2}],
            "total": 12.5,
            "empty": "",
            "none": None,
        }
    }
    assert build(order) == DECLARATION + (
        '<order id="7">\n'
        "  <customer>\n"
        "    <name>Ada &amp; Co</name>\n"
        "    <vip>true</vip>\n"
        "  </customer>\n"
        '  <line sku="T-1">Tea</line>\n'
        "  <line>Cake</line>\n"
        "  <line/>\n"
        "  <line>\n"
        "    <qty>2</qty>\n"
        "  </line>\n"
        "  <total>12.5</total>\n"
        "  <empty/>\n"
        "  <none/>\n"
        "</order>"
    )


def test_several_keys_go_inside_root_or_the_root_name():
    assert build({"a": 1, "b": 2}) == DECLARATION + "<root>\n  <a>1</a>\n  <b>2</b>\n</root>"
    assert build({}) == DECLARATION + "<root/>"
    # A root name of its own wraps even an object with one key.
    assert build({"a": {"x": 1}}, Options(root_name="doc")) == DECLARATION + (
        "<doc>\n  <a>\n    <x>1</x>\n  </a>\n</doc>"
    )


def test_text_beside_elements_gets_a_line_of_its_own():
    assert build({"r": {"_": "before", "b": {"c": "x"}}}) == DECLARATION + (
        "<r>\n  before\n  <b>\n    <c>x</c>\n  </b>\n</r>"
    )


def test_text_and_attributes_are_escaped_as_xmlbuilder_does():
    value = {"r": {"$": {"q": 'say "hi"\n\t<&'}, "_": "a < b > c & d\r"}}
    assert build(value) == DECLARATION + (
        '<r q="say &quot;hi&quot;&#xA;&#x9;&lt;&amp;">a &lt; b &gt; c &amp; d&#xD;</r>'
    )


def test_numbers_are_written_as_javascript_writes_them():
    assert build({"r": {"n": [1e21, 0.1, 1e-7, -0.0, 2**60]}}) == DECLARATION + (
        "<r>\n  <n>1e+21</n>\n  <n>0.1</n>\n  <n>1e-7</n>\n  <n>0</n>\n"
        "  <n>1152921504606847000</n>\n</r>"
    )


def test_a_list_under_the_root_makes_each_entry_s_keys_elements():
    assert build({"r": [{"a": 1}, {"b": {"c": 2}}]}) == DECLARATION + (
        "<r>\n  <a>1</a>\n  <b>\n    <c>2</c>\n  </b>\n</r>"
    )


def test_headless_cdata_and_other_keys():
    value = {"r": {"c": "<b>bold</b>", "d": "a ]]> b", "e": "plain"}}
    assert build(value, Options(cdata=True, headless=True)) == (
        "<r>\n  <c><![CDATA[<b>bold</b>]]></c>\n  <d><![CDATA[a ]]]]><![CDATA[> b]]></d>\n"
        "  <e>plain</e>\n</r>"
    )
    keys = Options(attrkey="@", charkey="#")
    assert build({"r": {"@": {"id": 1}, "#": "t", "b": [1, 2]}}, keys) == DECLARATION + (
        '<r id="1">\n  t\n  <b>1</b>\n  <b>2</b>\n</r>'
    )
    # An attribute key holding anything but an object is left out.
    assert build({"r": {"$": "ignored", "t": {"_": ""}}}) == DECLARATION + "<r>\n  <t/>\n</r>"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"r": {"1a": 1}}, "'1a' cannot be an XML"),
        ({"r": {"a b": 1}}, "'a b' cannot be an XML"),
        ({"r": {"$": {"bad name": 1}}}, "'bad name' cannot be an XML"),
        ({"r": {"list": ["s", ["str"]]}}, "'0' cannot be an XML"),
        ({"r": {"x": "bell\x07"}}, r"\(U\+0007\)"),
        ({"r": {"_": None}}, "character key holds null"),
    ],
)
def test_what_xml2js_throws_on_fails_the_step(value, words):
    with pytest.raises(NodeError, match=words):
        build(value)
