"""utility.datetime: the token translator, each operation, time zones and DST, round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from editor.nodes import utility_datetime
from editor.nodes.base import NodeError
from editor.nodes.utility_datetime import to_strftime
from tests.data_nodes import form, form_round_trip, run, run_in_workflow, save_errors


def dt(config: dict) -> object:
    return run(utility_datetime, config)["result"]


@pytest.mark.parametrize(
    ("tokens", "strftime"),
    [
        ("yyyy-MM-dd HH:mm", "%Y-%m-%d %H:%M"),  # Luxon
        ("YYYY-MM-DD HH:mm:ss", "%Y-%m-%d %H:%M:%S"),  # Moment
        ("DD/MM/YY", "%d/%m/%y"),
        ("dddd d MMMM yyyy", "%A %d %B %Y"),
        ("EEE, dd MMM yyyy HH:mm:ss ZZZ", "%a, %d %b %Y %H:%M:%S %z"),
        ("h:mm a", "%I:%M %p"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSSZZ", "%Y-%m-%dT%H:%M:%S.%f%z"),
        ("[Week of] D MMM", "Week of %d %b"),
        ("'100%' yyyy", "100%% %Y"),
        ("%d.%m.%Y", "%d.%m.%Y"),  # strftime already: as it is
    ],
)
def test_token_formats_translate_to_strftime(tokens, strftime):
    assert to_strftime(tokens) == strftime


def test_formatting_writes_what_strftime_has_no_code_for():
    moment = datetime(2026, 3, 1, 9, 5, 7, 123456, tzinfo=utility_datetime.ZoneInfo("Asia/Kolkata"))
    assert moment.strftime(to_strftime("d/M/yy H:m:s.SSS ZZ", moment)) == "1/3/26 9:5:7.123 +05:30"
    assert moment.strftime(to_strftime("h a", moment.replace(hour=0))) == "12 AM"


def test_format_in_a_time_zone_and_parse_with_a_format():
    assert (
        dt(
            {
                "value": "2026-03-01T09:30:00Z",
                "format": "yyyy-MM-dd HH:mm",
                "timezone": "Europe/Berlin",
            }
        )
        == "2026-03-01 10:30"
    )
    assert (
        dt({"value": "2026-03-01T09:30:00+01:00", "format": "HH:mm"}) == "09:30"
    )  # its own offset
    assert (
        dt(
            {
                "operation": "parse",
                "value": "01/03/2026 14:30",
                "format": "DD/MM/YYYY HH:mm",
                "timezone": "America/New_York",
            }
        )
        == "2026-03-01T14:30:00-05:00"
    )
    assert dt({"operation": "parse", "value": "2026-03-01"}) == "2026-03-01T00:00:00+00:00"
    assert (
        dt({"operation": "convert", "value": 1772357400, "timezone": "Asia/Tokyo"})
        == "2026-03-01T18:30:00+09:00"
    )
    assert dt({"operation": "convert", "value": 1772357400000}) == "2026-03-01T09:30:00+00:00"  # ms
    assert dt({"operation": "convert", "value": "1772357400"}) == "2026-03-01T09:30:00+00:00"


def test_now_is_now_in_the_zone():
    before = datetime.now(UTC)
    result = datetime.fromisoformat(dt({"operation": "now", "timezone": "Pacific/Auckland"}))
    assert before <= result <= datetime.now(UTC)
    assert result.utcoffset() in (timedelta(hours=12), timedelta(hours=13))


def test_calendar_units_keep_the_wall_clock_across_dst_and_clock_units_do_not():
    start = {"value": "2026-03-28T12:00:00", "timezone": "Europe/Berlin", "operation": "add"}
    assert dt({**start, "amount": 1, "unit": "days"}) == "2026-03-29T12:00:00+02:00"
    assert dt({**start, "amount": 24, "unit": "hours"}) == "2026-03-29T13:00:00+02:00"
    assert dt({**start, "operation": "subtract", "amount": "90", "unit": "minutes"}) == (
        "2026-03-28T10:30:00+01:00"
    )
    assert dt({"operation": "add", "value": "2026-01-31", "amount": 1, "unit": "months"}) == (
        "2026-02-28T00:00:00+00:00"
    )
    assert dt({"operation": "add", "value": "2024-02-29", "amount": 1, "unit": "years"}) == (
        "2025-02-28T00:00:00+00:00"
    )


def test_diff_counts_units_between_value_and_end():
    base = {"operation": "diff", "value": "2026-01-31T00:00:00Z"}
    assert dt({**base, "end": "2026-03-01T00:00:00Z", "unit": "days"}) == 29
    assert dt({**base, "end": "2026-03-01T12:00:00Z", "unit": "days"}) == 29.5
    assert dt({**base, "end": "2026-02-27T00:00:00Z", "unit": "months"}) == 0
    # As add counts it: a month after 31 January is 28 February.
    assert dt({**base, "end": "2026-02-28T00:00:00Z", "unit": "months"}) == 1
    assert dt({**base, "end": "2026-03-31T00:00:00Z", "unit": "months"}) == 2
    assert dt({**base, "end": "2024-01-30T00:00:00Z", "unit": "years"}) == -2
    assert dt({**base, "end": "2026-01-30T23:00:00Z", "unit": "hours"}) == -1


def test_start_and_end_of_a_unit_in_a_zone():
    value = {"value": "2026-03-05T23:30:00Z", "timezone": "Europe/Berlin"}
    assert dt({**value, "operation": "start_of", "unit": "days"}) == "2026-03-06T00:00:00+01:00"
    assert dt({**value, "operation": "start_of", "unit": "weeks"}) == "2026-03-02T00:00:00+01:00"
    assert dt({**value, "operation": "end_of", "unit": "months"}) == (
        "2026-03-31T23:59:59.999999+02:00"  # the month ends in summer time
    )
    assert dt({**value, "operation": "start_of", "unit": "years"}) == "2026-01-01T00:00:00+01:00"


def test_unreadable_values_fail_saying_what_was_expected():
    with pytest.raises(NodeError, match="does not match ISO 8601"):
        dt({"value": "next tuesday"})
    with pytest.raises(NodeError, match="does not match the format 'DD/MM/YYYY'"):
        dt({"operation": "parse", "value": "2026-03-01", "format": "DD/MM/YYYY"})
    with pytest.raises(NodeError, match="whole numbers"):
        dt({"operation": "add", "amount": 1.5, "unit": "months"})


@pytest.mark.django_db
def test_bad_settings_are_refused_on_save_with_their_field(alice_api):
    details = save_errors(
        alice_api,
        "utility.datetime",
        {"operation": "add", "timezone": "Mars/Olympus", "amount": "lots", "unit": "fortnights"},
    )
    by_field = {d["field"]: d["message"] for d in details}
    assert "not an IANA time zone" in by_field["config.timezone"]
    assert "not a number" in by_field["config.amount"]
    assert "config.unit" in by_field


@pytest.mark.django_db
def test_the_form_shows_every_setting(alice, alice_client):
    shown = form(alice_client, alice, "utility.datetime", {"operation": "add"})
    assert shown.kinds["operation"] == shown.kinds["unit"] == "select"
    assert shown.kinds["format"] == shown.kinds["timezone"] == "text"
    assert set(shown.kinds) == {
        *("operation", "value", "format", "timezone", "amount", "unit", "end"),
        *("output_field", "input"),
    }
    config = {
        "operation": "add",
        "value": "{{ trigger.at }}",
        "amount": "{{ trigger.n }}",
        "unit": "weeks",
        "format": "yyyy-MM-dd",
        "timezone": "Europe/Paris",
    }
    assert form_round_trip(alice_client, alice, "utility.datetime", config) == config


ROUND_TRIP_FORMATS = [
    "yyyy-MM-dd HH:mm:ss",
    "DD/MM/YYYY HH:mm:ss.SSS",
    "dddd d MMMM yyyy h:mm:ss a",
    "EEE, dd MMM yyyy HH:mm:ss ZZZ",
    "yyyy-MM-dd'T'HH:mm:ssZZ",
    "%Y%m%d %H%M%S",
]


@given(
    moment=st.datetimes(datetime(1900, 1, 1), datetime(2100, 1, 1)),
    fmt=st.sampled_from(ROUND_TRIP_FORMATS),
    zone=st.sampled_from(["UTC", "Asia/Kolkata", "America/St_Johns"]),
)
def test_format_then_parse_gives_the_moment_back(moment, fmt, zone):
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000 if "SSS" in fmt else 0)
    value = moment.replace(tzinfo=UTC).isoformat()
    text = dt({"value": value, "format": fmt, "timezone": zone})
    parsed = dt({"operation": "parse", "value": text, "format": fmt, "timezone": zone})
    assert datetime.fromisoformat(parsed) == datetime.fromisoformat(value)


@pytest.mark.django_db(transaction=True)
def test_datetime_runs_in_a_workflow(alice):
    node = {
        "id": "due",
        "type": "utility.datetime",
        "config": {
            "operation": "add",
            "value": "{{ trigger.ordered_at }}",
            "amount": "{{ trigger.days }}",
            "unit": "days",
            "format": "dd.MM.yyyy",
        },
    }
    step = run_in_workflow(alice, node, {"ordered_at": "2026-12-30T10:00:00Z", "days": 3})
    assert step.output == {"result": "02.01.2027"}


@pytest.mark.django_db(transaction=True)
def test_the_result_can_be_added_to_the_trigger_data_under_a_name(alice):
    node = {
        "id": "due",
        "type": "utility.datetime",
        "config": {
            "operation": "diff",
            "value": "{{ trigger.start }}",
            "end": "{{ trigger.end }}",
            "unit": "hours",
            "output_field": "hours",
            "input": "{{ trigger }}",
        },
    }
    payload = {"start": "2026-12-30T10:00:00Z", "end": "2026-12-30T13:30:00Z"}
    step = run_in_workflow(alice, node, payload)
    assert step.output == {**payload, "hours": 3.5}
