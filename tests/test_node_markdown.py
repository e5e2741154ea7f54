"""utility.markdown: HTML to Markdown and Markdown to HTML with n8n's main options, the text
under a named (nested) field, and limits on hostile text."""

from __future__ import annotations

import pytest

from editor.nodes import utility_markdown
from editor.nodes.base import NodeError
from tests.data_nodes import form, form_round_trip, run, run_in_workflow

PAGE = (
    "<h1>Hello <em>World</em></h1><p>Some <strong>bold</strong> and a "
    '<a href="/x">link</a>.</p><ul><li>one</li><li>two</li></ul>'
    "<pre><code>x = 1</code></pre><nav>menu</nav><script>evil()</script>"
    '<img src="data:image/png;base64,AAAA" alt="dot"><img src="/cat.png" alt="cat">'
)


def markdown(value: str, **options: object) -> str:
    return run(utility_markdown, {"value": value, **options})["result"]


def html(value: str, **options: object) -> str:
    return run(utility_markdown, {"direction": "markdown_to_html", "value": value, **options})[
        "result"
    ]


def test_html_becomes_markdown_with_atx_headings_and_fenced_code():
    assert markdown(PAGE) == (
        "# Hello _World_\n\nSome **bold** and a [link](/x).\n\n* one\n* two\n\n"
        "```\nx = 1\n```\n\nmenu![cat](/cat.png)"
    )


def test_markers_ignored_elements_and_data_images_follow_the_options():
    written = markdown(
        PAGE, bullet="-", emphasis="*", strong="__", ignore=["nav", "pre"], keep_data_images=True
    )
    assert written.startswith("# Hello *World*\n\nSome __bold__ and a [link](/x).\n\n- one\n- two")
    assert "menu" not in written and "x = 1" not in written
    assert "![dot](data:image/png;base64,AAAA)" in written
    assert "evil" not in written


def test_markdown_becomes_html_with_showdowns_heading_ids():
    text = "# Hello World!\n\nSome **bold** and [a link](https://example.com).\n\n# Hello World"
    assert html(text) == (
        '<h1 id="helloworld">Hello World!</h1>\n'
        '<p>Some <strong>bold</strong> and <a href="https://example.com">a link</a>.</p>\n'
        '<h1 id="helloworld-1">Hello World</h1>'
    )
    assert html("## Notes", heading_ids=False) == "<h2>Notes</h2>"
    assert html("## Notes", heading_id_prefix="doc-") == '<h2 id="doc-notes">Notes</h2>'


def test_tables_strikethrough_line_breaks_and_new_windows_are_options():
    text = "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~\nnext [x](/x)"
    plain = html(text, heading_ids=False)
    assert "<table>" not in plain and "~~gone~~\nnext" in plain
    rich = html(text, tables=True, strikethrough=True, line_breaks=True, links_in_new_window=True)
    assert "<th>a</th>" in rich and "<td>2</td>" in rich
    assert "<del>gone</del><br />\nnext" in rich
    assert '<a href="/x" rel="noopener noreferrer" target="_blank">x</a>' in rich


def test_a_complete_document_is_wrapped_as_showdown_wraps_it():
    assert html("# Report", complete_document=True) == (
        '<!DOCTYPE HTML>\n<html>\n<head>\n<meta charset="utf-8">\n</head>\n<body>\n'
        '<h1 id="report">Report</h1>\n</body>\n</html>'
    )


def test_the_text_goes_under_a_nested_field_beside_the_input():
    config = {"value": "<b>hi</b>", "output_field": "page.md", "input": {"id": 3, "page": 1}}
    assert run(utility_markdown, config) == {"id": 3, "page": {"md": "**hi**"}}
    assert run(utility_markdown, {**config, "input": None}) == {"page": {"md": "**hi**"}}


def test_hostile_text_fails_the_step_with_a_reason():
    with pytest.raises(NodeError, match="nested too deeply"):
        markdown("<div>" * 20_000 + "x")
    with pytest.raises(NodeError, match="at most 2,000,000"):
        markdown("x" * 2_000_001)


@pytest.mark.django_db
def test_the_form_shows_the_options(alice, alice_client):
    shown = form(alice_client, alice, "utility.markdown", {})
    assert shown.kinds["direction"] == shown.kinds["bullet"] == "select"
    config = {"direction": "markdown_to_html", "value": "{{ trigger.text }}", "tables": True}
    assert form_round_trip(alice_client, alice, "utility.markdown", config) == config


@pytest.mark.django_db(transaction=True)
def test_markdown_runs_in_a_workflow(alice):
    node = {
        "id": "md",
        "type": "utility.markdown",
        "config": {
            "value": "{{ trigger.page }}",
            "output_field": "markdown",
            "input": "{{ trigger }}",
        },
    }
    step = run_in_workflow(alice, node, {"page": "<h2>Hi</h2><p>there</p>"})
    assert step.output == {"page": "<h2>Hi</h2><p>there</p>", "markdown": "## Hi\n\nthere"}
