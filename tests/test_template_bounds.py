"""Bounded templates (DESIGN §5, docs/security.md): a template cannot exhaust memory or CPU,
or stall other work of its process; a value that is not JSON fails once, naming the expression."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from editor.templating import TemplateError, render, render_value
from executions import engine
from executions.models import Step
from tests.engine_helpers import chain, make_workflow

CONTEXT = {"trigger": {"body": {"xs": list(range(2000))}}, "nodes": {}}

# Each would allocate gigabytes, or hold the GIL for seconds, if it ran.
ONE_CALL_BOMBS = [
    ("{{ 'a'|center(1000000000) }}", "center"),
    ("{{ 'a'.center(1000000000) }}", "center()"),
    ("{{ 'a'.ljust(1000000000) }}", "ljust()"),
    ("{{ '7'.zfill(1000000000) }}", "zfill()"),
    ("{{ ((3**1000)**1000)**30 }}", "integer over"),
    ("{{ ((3**1000)**60) * ((3**1000)**60) }}", "result of * would be an integer"),
    ("{{ ('x'*100000).replace('x', 'yy'*50000) }}", "replace()"),
    ("{{ 'x'|replace('x', 'y'*100000)|replace('y', 'z'*100000) }}", "replace()"),
    ("{{ '%999999999d' % 1 }}", "% format"),
    ("{{ '%*d' % (999999999, 1) }}", "'*' widths"),
    ("{{ '%999999999d'|format(1) }}", "% format"),
    ("{{ '{:>999999999}'.format(1) }}", "format"),
    ("{{ '{0:{1}}'.format(1, 999999999) }}", "nested fields"),
    ("{{ 'a\tb'.expandtabs(100000000) }}", "expandtabs()"),
    ("{{ 'x'|indent(100000000) }}", "indent"),
    ("{{ [1]|batch(1000000000, 0)|list }}", "batch"),
    ("{{ [1]|slice(1000000000)|list }}", "slice"),
    ("{{ ','.join(['x'*100000]*100) }}", "join()"),
]


@pytest.mark.parametrize(("template", "named"), ONE_CALL_BOMBS)
def test_a_huge_value_is_refused_before_it_is_built(template, named):
    # CPU time of this thread, not wall time: building any of these would take seconds of CPU,
    # while a loaded machine (the suite runs beside other work) can stretch wall time freely.
    started = time.thread_time()
    with pytest.raises(TemplateError) as caught:
        render_value({"v": template}, CONTEXT)
    assert named in caught.value.message
    assert time.thread_time() - started < 0.5


@pytest.mark.parametrize(
    "template",
    [
        "{{ ['x'*100000]*100000 }}",  # one string, many references: counted, never built
        "{% for i in range(100000) %}{{ 'x'*100 }}{% endfor %}",
        "{{ (['x'*100000]*11)|join }}",
    ],
)
def test_a_value_over_the_output_limit_fails(template):
    with pytest.raises(TemplateError) as caught:
        render(template, CONTEXT)
    assert "WORKFUSE_MAX_STEP_OUTPUT_BYTES" in caught.value.message


@pytest.mark.parametrize(
    "template",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{% for a in trigger.body.xs %}{% for b in trigger.body.xs %}"
        "{% for c in trigger.body.xs %}{% endfor %}{% endfor %}{% endfor %}",
    ],
)
def test_loops_stop_at_the_cpu_budget(template, settings):
    settings.WORKFUSE_TEMPLATE_CPU_MS = 300
    started = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        render_value({"v": template}, CONTEXT)
    assert "300 ms of CPU time" in caught.value.message
    assert time.monotonic() - started < 2


def test_other_threads_keep_running_while_a_template_loops(settings):
    settings.WORKFUSE_TEMPLATE_CPU_MS = 1000
    ticks: list[float] = []
    stop = threading.Event()

    def other_work() -> None:
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.01)

    thread = threading.Thread(target=other_work)
    thread.start()
    try:
        with pytest.raises(TemplateError):
            render(
                "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                CONTEXT,
            )
    finally:
        stop.set()
        thread.join()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 20 and max(gaps) < 0.5


@pytest.mark.parametrize(
    ("template", "kind"),
    [("{{ range }}", "function"), ("{{ trigger.body.xs|map('string') }}", "generator")],
)
def test_a_value_that_is_not_json_names_the_expression(template, kind):
    with pytest.raises(TemplateError) as caught:
        render(template, CONTEXT)
    assert caught.value.message.startswith(template)
    assert kind in caught.value.message


def test_ordinary_templates_still_work():
    assert render("{{ trigger.body.xs|map('string')|list|length }}", CONTEXT) == 2000
    assert render("{{ '%05d'|format(42) }}", CONTEXT) == "00042"
    assert render("{{ '{:>6}'.format('ab') }}", CONTEXT) == "    ab"
    assert render("{{ 2 ** 100 }}", CONTEXT) == 2**100
    assert render("{{ 'a-b'.replace('-', '+') }}", CONTEXT) == "a+b"
    assert render("{{ ['a', 'b']|join(', ') }}", CONTEXT) == "a, b"


@pytest.mark.django_db(transaction=True)
def test_a_step_whose_template_is_not_json_fails_once_with_the_expression(alice):
    transform = {
        "id": "t",
        "type": "utility.transform",
        "config": {"language": "template", "expression": "{{ range }}"},
    }
    execution = engine.start_execution(make_workflow(alice, chain(transform)), {})
    execution.refresh_from_db()
    assert execution.status == "failed"
    assert "{{ range }} gave a function" in execution.error
    step = Step.objects.get(execution=execution, key="t")
    assert step.attempt == 1 and len(step.attempts) == 1


@pytest.mark.django_db(transaction=True)
def test_a_looping_template_fails_its_step_within_the_budget(alice, settings):
    settings.WORKFUSE_TEMPLATE_CPU_MS = 200
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    transform = {
        "id": "t",
        "type": "utility.transform",
        "config": {"language": "template", "expression": loop},
    }
    execution = engine.start_execution(make_workflow(alice, chain(transform)), {})
    execution.refresh_from_db()
    assert execution.status == "failed"
    assert "200 ms of CPU time" in execution.error
    assert Step.objects.get(execution=execution, key="t").attempt == 1
