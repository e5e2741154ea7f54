"""app.dhl against a fake DHL tracking API (tests/fakes/dhl.py): a shipment tracked with and
without the recipient's postal code, DHL's errors and the key's test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from integrations.dhl import rest_api
from integrations.dhl.node import Config
from tests.app_nodes import app_error, run_app
from tests.fakes import running
from tests.fakes.dhl import KEY, FakeDhl
from workfuse.lib.node_run import NodeError, Secret

PARCEL = "00340434292135100186"


@pytest.fixture
def dhl(settings: Any) -> Iterator[FakeDhl]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeDhl()) as fake:
        yield fake


def key(fake: FakeDhl, value: str = KEY) -> Secret:
    return Secret("dhl", {"api_key": value}, {"base_url": fake.url}, name="Parcels")


def test_a_shipment_is_tracked_in_more_detail_with_the_postal_code(dhl):
    plain = run_app("app.dhl", {"tracking_number": PARCEL}, key(dhl))
    detailed = run_app(
        "app.dhl", {"tracking_number": PARCEL, "recipient_postal_code": "53113"}, key(dhl)
    )
    assert plain["id"] == PARCEL and "events" not in plain
    assert detailed["events"][0]["statusCode"] == "transit"
    assert dhl.requests[1].query == {"trackingNumber": [PARCEL], "recipientPostalCode": ["53113"]}
    assert dhl.requests[0].headers["dhl-api-key"] == KEY


def test_the_tracking_number_is_needed():
    with pytest.raises(ValidationError) as caught:
        Config.model_validate({})
    assert caught.value.errors()[0]["loc"] == ("tracking_number",)


def test_dhl_s_errors_are_quoted_and_a_wrong_key_names_the_credential(dhl):
    unknown = app_error("app.dhl", {"tracking_number": "1"}, key(dhl))
    assert unknown.message == (
        "DHL refused track_shipment (HTTP 404): No shipment with given tracking number found."
    )
    wrong = app_error("app.dhl", {"tracking_number": PARCEL}, key(dhl, "old"))
    assert not wrong.retryable and "did not accept the credential “Parcels”" in wrong.message


def test_the_key_test_tracks_a_made_up_number(dhl):
    assert rest_api.check_key(key(dhl)) == "Connected to DHL: the API key was accepted."
    with pytest.raises(NodeError, match="did not accept the credential “Parcels”"):
        rest_api.check_key(key(dhl, "old"))
