"""app.mongodb against a fake MongoDB speaking the wire protocol (tests/fakes/mongodb.py), so
the real pymongo runs: n8n's MongoDB operations (find, aggregate, insert, update,
find_one_and_update, find_one_and_replace, delete), JSON-safe documents, Extended JSON and
n8n's `_id` reading, the bounds (documents, time), errors that never quote the connection
string, the private-network guard, the credential and its test, and a run through the engine
with a stored credential."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from bson import ObjectId
from pydantic import ValidationError

from credentials import store
from executions import engine
from executions.models import Step
from integrations.mongodb import database
from integrations.mongodb.credentials import Connection
from integrations.mongodb.node import Config
from tests.app_nodes import app_error, run_app
from tests.engine_helpers import chain, make_workflow
from tests.fakes.mongodb import FakeMongo, fake_mongo
from workfuse.lib.node_run import NodeError, Secret

MO = "app.mongodb"
OID = ObjectId("65a1b2c3d4e5f60718293a4b")


@pytest.fixture
def fake(settings: Any) -> Iterator[FakeMongo]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with fake_mongo() as server:
        yield server


def conn(fake: FakeMongo, uri: str = "", database: str | None = "shop") -> Secret:
    uri = uri or f"mongodb://127.0.0.1:{fake.port}/"
    settings = {"database": database} if database else {}
    return Secret("mongodb", {"connection_string": uri}, settings, name="Shop DB")


def run(fake: FakeMongo, **config: Any) -> Any:
    return run_app(MO, config, conn(fake))


def seed(fake: FakeMongo) -> list[dict[str, Any]]:
    orders = fake.collection("shop", "orders")
    orders.extend(
        [
            {
                "_id": OID,
                "n": 1,
                "status": "open",
                "email": "a@x",
                "at": datetime.datetime(2026, 3, 1, 10, 30),
            },
            {"_id": ObjectId(), "n": 2, "status": "open", "email": "b@x", "tags": ["vip"]},
            {"_id": ObjectId(), "n": 3, "status": "paid", "email": "c@x"},
            {"_id": "plain-id", "n": 4, "status": "open", "email": None},
        ]
    )
    return orders


# --- reading ---------------------------------------------------------------------------------


def test_find_filters_sorts_skips_limits_and_projects(fake):
    seed(fake)
    output = run(
        fake,
        collection="orders",
        query={"status": "open"},
        sort='{"n": -1}',
        skip=1,
        limit=2,
        projection={"n": 1, "_id": 0},
    )
    assert output == {"documents": [{"n": 2}, {"n": 1}], "count": 2, "truncated": False}
    [(_, sent)] = [c for c in fake.commands if c[0] == "find"]
    assert sent["$db"] == "shop" and sent["find"] == "orders" and sent["maxTimeMS"] > 0


def test_documents_come_back_json_safe(fake):
    seed(fake)
    [first] = run(fake, collection="orders", query={"n": 1})["documents"]
    assert first == {
        "_id": str(OID),
        "n": 1,
        "status": "open",
        "email": "a@x",
        "at": "2026-03-01T10:30:00+00:00",
    }


def test_an_id_of_24_hex_digits_and_extended_json_find_their_values(fake):
    seed(fake)
    by_hex = run(fake, collection="orders", query={"_id": str(OID)})["documents"]
    by_oid = run(fake, collection="orders", query=f'{{"_id": {{"$oid": "{OID}"}}}}')["documents"]
    plain = run(fake, collection="orders", query={"_id": "plain-id"})["documents"]
    dated = run(
        fake,
        collection="orders",
        query='{"at": {"$gte": {"$date": "2026-03-01T00:00:00Z"}}}',
    )["documents"]
    assert [d["n"] for d in by_hex + by_oid + plain + dated] == [1, 1, 4, 1]


def test_at_most_max_documents_are_kept_reading_further_batches(fake):
    fake.collection("shop", "many").extend({"i": i} for i in range(150))
    output = run(fake, collection="many", max_documents=120, projection={"_id": 0})
    assert [d["i"] for d in output["documents"]] == list(range(120))
    assert output["truncated"] is True and "getMore" in fake.names()
    exact = run(fake, collection="many", limit=5)
    assert exact["count"] == 5 and exact["truncated"] is False


def test_aggregate_runs_the_pipeline_given_as_json_text(fake):
    seed(fake)
    output = run(
        fake,
        operation="aggregate",
        collection="orders",
        pipeline='[{"$match": {"status": "open"}}, {"$count": "open"}]',
    )
    assert output["documents"] == [{"open": 3}]
    [(_, sent)] = [c for c in fake.commands if c[0] == "aggregate"]
    assert sent["pipeline"] == [{"$match": {"status": "open"}}, {"$count": "open"}]


def test_an_aggregate_over_max_documents_stops_its_cursor(fake):
    fake.collection("shop", "many").extend({"i": i} for i in range(300))
    output = run(
        fake, operation="aggregate", collection="many", pipeline=[{"$skip": 0}], max_documents=150
    )
    assert output["count"] == 150 and output["truncated"] is True
    assert "killCursors" in fake.names()


def test_a_refused_pipeline_quotes_mongodb_and_is_not_retried(fake):
    error = app_error(
        MO, {"operation": "aggregate", "collection": "o", "pipeline": [{"$bogus": 1}]}, conn(fake)
    )
    assert error.message == (
        "MongoDB refused the aggregate: Unrecognized pipeline stage name: '$bogus', full error: "
        + error.message.split("full error: ", 1)[1]
    )
    assert not error.retryable and error.detail["code"] == 40324


def test_a_query_that_is_not_an_object_names_the_field():
    with pytest.raises(ValidationError, match="query"):
        Config.model_validate({"collection": "o", "query": "[1, 2"})
    with pytest.raises(ValidationError, match="pipeline"):
        Config.model_validate({"operation": "aggregate", "collection": "o"})


def test_a_rendered_query_that_is_not_an_object_fails_the_step(fake):
    error = app_error(MO, {"collection": "o", "query": "{{ trigger.x }}"}, conn(fake))
    assert "query" in error.message  # the template was not rendered: text that is not JSON


# --- writing ---------------------------------------------------------------------------------


def test_insert_writes_each_document_and_outputs_it_with_its_id(fake):
    output = run(
        fake,
        operation="insert",
        collection="people",
        documents=[{"name": "Ada", "born": "1815-12-10T00:00:00Z"}, {"name": "Alan"}],
        date_fields=["born"],
    )
    stored = fake.collection("shop", "people")
    assert [d["name"] for d in stored] == ["Ada", "Alan"]
    assert stored[0]["born"] == datetime.datetime(1815, 12, 10)
    assert output["inserted_count"] == 2
    assert output["inserted_ids"] == [str(d["_id"]) for d in stored]
    first = output["documents"][0]
    assert first["id"] == first["_id"] == str(stored[0]["_id"])
    assert first["born"] == "1815-12-10T00:00:00+00:00"


def test_insert_with_dot_notation_nests_fields(fake):
    run(
        fake,
        operation="insert",
        collection="people",
        documents={"name": "Ada", "address.city": "London"},
        dot_notation=True,
    )
    [stored] = fake.collection("shop", "people")
    assert stored["address"] == {"city": "London"}


def test_a_duplicate_id_is_refused_with_mongodbs_words(fake):
    seed(fake)
    error = app_error(
        MO,
        {"operation": "insert", "collection": "orders", "documents": {"_id": "plain-id"}},
        conn(fake),
    )
    assert error.message.startswith("MongoDB refused the insert: E11000 duplicate key error")
    assert error.detail["code"] == 11000 and not error.retryable


def test_a_bad_date_field_names_the_field(fake):
    error = app_error(
        MO,
        {
            "operation": "insert",
            "collection": "p",
            "documents": {"at": "soon"},
            "date_fields": ["at"],
        },
        conn(fake),
    )
    assert error.message.startswith("date_fields: at is 'soon', which is not a date")


def test_update_sets_the_fields_of_the_document_with_the_key_and_upserts(fake):
    seed(fake)
    output = run(
        fake,
        operation="update",
        collection="orders",
        update_key="email",
        document={"email": "b@x", "status": "paid"},
    )
    assert output == {
        "document": {"email": "b@x", "status": "paid"},
        "matched_count": 1,
        "modified_count": 1,
        "upserted_id": None,
    }
    assert [d["status"] for d in fake.collection("shop", "orders")] == [
        "open",
        "paid",
        "paid",
        "open",
    ]
    added = run(
        fake,
        operation="update",
        collection="orders",
        update_key="email",
        document={"email": "new@x", "status": "open"},
        upsert=True,
    )
    assert added["matched_count"] == 0 and ObjectId.is_valid(added["upserted_id"])
    assert fake.collection("shop", "orders")[-1]["email"] == "new@x"


def test_an_update_key_the_document_lacks_is_named(fake):
    error = app_error(
        MO,
        {"operation": "update", "collection": "o", "update_key": "sku", "document": {"a": 1}},
        conn(fake),
    )
    assert error.message == "document has no field sku (update_key): it finds what to update."


def test_find_one_and_update_by_id_outputs_the_document_after_or_before(fake):
    seed(fake)
    after = run(
        fake,
        operation="find_one_and_update",
        collection="orders",
        update_key="_id",
        document={"_id": str(OID), "status": "closed"},
    )
    assert after["found"] is True and after["document"]["status"] == "closed"
    assert after["document"]["_id"] == str(OID)
    before = run(
        fake,
        operation="find_one_and_update",
        collection="orders",
        update_key="_id",
        document={"_id": str(OID), "status": "archived"},
        return_document="before",
    )
    assert before["document"]["status"] == "closed"
    missing = run(
        fake,
        operation="find_one_and_update",
        collection="orders",
        update_key="email",
        document={"email": "nobody@x", "status": "x"},
    )
    assert missing == {"document": None, "found": False}


def test_find_one_and_replace_keeps_only_the_new_fields(fake):
    seed(fake)
    output = run(
        fake,
        operation="find_one_and_replace",
        collection="orders",
        update_key="email",
        document='{"email": "c@x", "note": "replaced"}',
    )
    assert output["document"] == {
        "_id": output["document"]["_id"],
        "email": "c@x",
        "note": "replaced",
    }
    [replaced] = [d for d in fake.collection("shop", "orders") if d.get("email") == "c@x"]
    assert "status" not in replaced


def test_delete_removes_every_matching_document(fake):
    seed(fake)
    assert run(fake, operation="delete", collection="orders", query={"status": "open"}) == {
        "deleted_count": 3
    }
    assert [d["n"] for d in fake.collection("shop", "orders")] == [3]


# --- bounds and errors -----------------------------------------------------------------------


def test_an_operation_over_its_timeout_is_stopped(fake):
    fake.delay = 2.5
    error = app_error(MO, {"collection": "o", "timeout_seconds": 1}, conn(fake))
    assert error.message == "The find ran longer than timeout_seconds (1 s) and was stopped."
    assert not error.retryable


def test_a_refused_login_names_the_credential_and_never_the_password(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with fake_mongo(echo=True) as fake:
        uri = f"mongodb://shop:s3cr%40t-pw@127.0.0.1:{fake.port}/shop?authMechanism=PLAIN"
        error = app_error(MO, {"collection": "o"}, conn(fake, uri))
    assert fake.logins == ["\0shop\0s3cr@t-pw"]
    assert "MongoDB did not accept the credential “Shop DB”" in error.message
    assert "Authentication failed." in error.message and "[REDACTED]" in error.message
    assert "s3cr" not in str(error.message) + str(error.detail) and not error.retryable


def test_a_server_that_does_not_answer_is_retried(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with fake_mongo() as fake:
        port = fake.port
    secret = Secret("mongodb", {"connection_string": f"mongodb://127.0.0.1:{port}/shop"})
    error = app_error(MO, {"collection": "o", "timeout_seconds": 1}, secret)
    assert error.retryable and error.message.startswith("Could not reach MongoDB")


def test_a_private_host_is_refused_unless_allowed(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = False
    with fake_mongo() as fake:
        error = app_error(MO, {"collection": "o"}, conn(fake, f"mongodb://localhost:{fake.port}"))
        assert fake.commands == []
    assert "Refused to connect to" in error.message and "loopback address" in error.message
    assert not error.retryable


def test_a_database_must_be_named_somewhere(fake):
    error = app_error(MO, {"collection": "o"}, conn(fake, database=None))
    assert error.message.startswith("Name the database on the credential")
    uri = f"mongodb://127.0.0.1:{fake.port}/crm"
    run_app(MO, {"collection": "o"}, conn(fake, uri, database=None))
    assert fake.commands[-1][1]["$db"] == "crm"


def test_the_credential_checks_the_connection_string_without_quoting_it():
    for uri, said in (
        ("postgres://u:hunter2@h/db", "must start with mongodb:// or mongodb+srv://"),
        ("mongodb://u:hunter2@h:port/db", "is not one MongoDB reads: Port contains non-digit"),
    ):
        with pytest.raises(ValidationError) as caught:
            Connection.model_validate({"connection_string": uri})
        [problem] = caught.value.errors()
        assert said in problem["msg"] and "hunter2" not in problem["msg"]
    with pytest.raises(ValidationError, match="must be a database name"):
        Connection.model_validate({"connection_string": "mongodb://h", "database": "a.b"})


def test_a_stored_unreadable_connection_string_is_named_without_its_password(fake):
    secret = conn(fake, "mongodb://user:hunter2@h:notaport/db")
    error = app_error(MO, {"collection": "o"}, secret)
    assert "connection_string: Value error, is not one MongoDB reads: Port" in error.message
    assert "hunter2" not in error.message


# --- Test connection -------------------------------------------------------------------------


def test_the_test_pings_and_names_the_version(fake):
    assert database.check_connection(conn(fake)) == (
        "Connected to MongoDB 7.0.14-fake, database shop."
    )
    assert "ping" in fake.names()


def test_the_test_fails_on_a_refused_login(settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with (
        fake_mongo() as fake,
        pytest.raises(NodeError, match="did not accept the credential “Shop DB”"),
    ):
        database.check_connection(conn(fake, f"mongodb://u:p@127.0.0.1:{fake.port}/"))


# --- through the engine ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_run_inserts_the_rendered_document_with_the_stored_credential(alice, fake):
    value = {"connection_string": f"mongodb://127.0.0.1:{fake.port}/", "database": "shop"}
    credential = store.create(alice, "Shop DB", "mongodb", value)
    node = {
        "id": "save",
        "type": MO,
        "config": {
            "credential": credential.pk,
            "operation": "insert",
            "collection": "signups",
            "documents": {"email": "{{ trigger.email }}", "n": "{{ trigger.n }}"},
        },
    }
    execution = engine.start_execution(make_workflow(alice, chain(node)), {"email": "z@x", "n": 3})
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    [stored] = fake.collection("shop", "signups")
    assert stored["email"] == "z@x" and stored["n"] == 3
    output = Step.objects.get(execution=execution, node_id="save").output
    assert output is not None and output["documents"][0]["id"] == str(stored["_id"])
