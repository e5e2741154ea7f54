"""Files that n8n nodes make or hand on, followed by the importer (`Spec.binary_through`,
`Spec.binary_any` in editor/n8n/converter.py): a Webhook's multipart uploads, Edit Fields keeping
its input's binary data as each version does, Edit Image's information, GitHub's "get file" —
imported workflows run through the engine and the file's bytes reach the node that reads them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from credentials import store
from editor.models import Workflow
from editor.n8n import convert
from editor.templating import render_value
from editor.validation import validate_graph
from executions import engine
from tests.engine_helpers import make_workflow, steps_by_key
from tests.fakes import running
from tests.fakes.github import TOKEN, FakeGitHub
from tests.fakes.gmail import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeGmail, message
from tests.fakes.s3 import MotoS3, moto_s3
from tests.fakes.telegram import BOT_TOKEN, FakeTelegram
from tests.test_n8n_files import CSV, chain, extract, node_of, refused
from tests.test_n8n_flow import export, import_set, manual, n8n_node, set_fields

ROWS = [{"sku": "a", "qty": "1"}, {"sku": "b", "qty": "2"}]


def hook(**options: Any) -> dict:
    params = {"httpMethod": "POST", "path": "upload", "options": options}
    return n8n_node("Webhook", "webhook", params, 2)


def keeping(label: str, version: float, **params: Any) -> dict:
    """An Edit Fields node of `version` setting one field, with `params` (options, include...)."""
    node = set_fields(label, note="seen")
    node["typeVersion"] = version
    node["parameters"].update(params)
    return node


def activated(alice_api: Any, data: dict) -> Workflow:
    response = import_set(alice_api, data)
    assert response.status_code == 201, response.json()
    workflow = Workflow.objects.get(pk=response.json()["id"])
    workflow.is_active = True
    workflow.save()
    return workflow


def upload(field: str, name: str = "stock.csv") -> io.BytesIO:
    sent = io.BytesIO(CSV)
    sent.name = name
    return sent


# --- a Webhook's uploads ------------------------------------------------------------------------


def test_a_file_the_webhook_received_is_read_by_its_field_name():
    reader = extract({"operation": "csv", "binaryPropertyName": "voice_message"})
    graph = convert(chain(hook(), reader))
    assert validate_graph(graph) == []
    assert node_of(graph, "Extract")["config"]["file"] == '{{ trigger.files["voice_message"] }}'
    assert "multipart/form-data" in node_of(graph, "Webhook")["notes"]


def test_extract_from_file_reads_the_upload_named_data_by_default():
    loader = n8n_node("Read", "extractFromFile", {"operation": "text"})
    graph = convert(chain(hook(), loader))
    assert node_of(graph, "Read")["config"]["file"] == '{{ trigger.files["data"] }}'
    assert convert(chain(hook(), manual()))  # a webhook no node reads a file of: no note needed


@pytest.mark.parametrize(
    "options",
    [{"binaryPropertyName": "upload"}, {"binaryData": True}, {"rawBody": True, "binaryData": True}],
)
def test_a_webhook_naming_its_files_otherwise_is_refused_by_name(options):
    reader = extract({"operation": "csv", "binaryPropertyName": "data"})
    message = refused(chain(hook(**options), reader))
    assert "binary property 'data'" in message and "'Webhook' outputs no such file" in message


@pytest.mark.django_db(transaction=True)
def test_an_uploaded_csv_goes_through_edit_fields_into_extract_from_file(alice, alice_api):
    fields = keeping("Fields", 3.4, includeOtherFields=True)
    reader = extract({"operation": "csv", "binaryPropertyName": "doc"})
    workflow = activated(alice_api, chain(hook(), fields, reader))
    answer = Client().post(
        f"/hooks/{workflow.webhook_token}", {"title": "Q3", "doc": upload("doc")}
    )
    assert answer.status_code == 202, answer.content
    steps = steps_by_key(workflow.executions.get())
    assert steps["webhook"].output["files"]["doc"]["filename"] == "stock.csv"
    assert steps["fields"].output["result"]["note"] == "seen"
    assert steps["extract"].status == "succeeded", steps["extract"].error
    assert steps["extract"].output["rows"] == ROWS


@pytest.mark.django_db(transaction=True)
def test_a_call_without_the_file_fails_the_reading_step_naming_it(alice, alice_api):
    reader = extract({"operation": "csv", "binaryPropertyName": "doc"})
    workflow = activated(alice_api, chain(hook(), reader))
    Client().post(f"/hooks/{workflow.webhook_token}", {"title": "no file"})
    steps = steps_by_key(workflow.executions.get())
    assert steps["extract"].status == "failed"
    assert "files" in steps["extract"].error


@pytest.mark.django_db(transaction=True)
def test_respond_to_webhook_answers_with_the_file_the_call_uploaded(alice, alice_api):
    answering = n8n_node(
        "Webhook", "webhook", {"httpMethod": "POST", "responseMode": "responseNode"}, 2
    )
    respond = n8n_node("Respond", "respondToWebhook", {"respondWith": "binary"}, 1.1)
    workflow = activated(alice_api, chain(answering, respond))
    answer = Client().post(f"/hooks/{workflow.webhook_token}", {"data": upload("data")})
    assert answer.status_code == 200, answer.content
    assert (answer["Content-Type"], answer.content) == ("text/csv", CSV)


# --- Edit Fields (Set) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "params", "keeps"),
    [
        (2, {}, True),
        (2, {"keepOnlySet": True}, False),
        (3.2, {}, False),  # before 3.4 an option left out of the export is off
        (3.2, {"options": {"includeBinary": True}}, True),
        (3.3, {"includeOtherFields": True, "options": {"includeBinary": True}}, True),
        (3.4, {"includeOtherFields": True}, True),
        (3.4, {}, False),  # no other input field kept: n8n drops the binary too
        (3.4, {"includeOtherFields": True, "options": {"stripBinary": True}}, False),
        (3.4, {"includeOtherFields": True, "include": "except", "excludeFields": "x"}, True),
    ],
)
def test_edit_fields_hands_on_its_input_file_as_each_version_does(version, params, keeps):
    data = chain(
        hook(), keeping("Fields", version, **params), extract({"binaryPropertyName": "doc"})
    )
    if keeps:
        assert node_of(convert(data), "Extract")["config"]["file"] == '{{ trigger.files["doc"] }}'
    else:
        assert "'Fields' outputs no such file" in refused(data)


def test_edit_image_information_hands_its_image_on():
    get = n8n_node("Get", "httpRequest", {"url": "https://x.test/a.png", "options": {}}, 4.2)
    get["parameters"]["options"] = {"response": {"response": {"responseFormat": "file"}}}
    info = n8n_node("Info", "editImage", {"operation": "information"})
    resize = n8n_node("Resize", "editImage", {"operation": "resize", "width": 10, "height": 10})
    graph = convert(chain(manual(), get, info, resize))
    assert node_of(graph, "Resize")["config"]["file"] == "{{ nodes.get.file }}"


# --- GitHub "get file" -----------------------------------------------------------------------------


@pytest.fixture
def github(settings: Any) -> Iterator[FakeGitHub]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeGitHub()) as fake:
        yield fake


def get_file(**params: Any) -> dict:
    base = {"resource": "file", "operation": "get", "owner": "acme", "repository": "shop"}
    return n8n_node("GitHub", "github", {**base, "filePath": "data/stock.csv", **params})


def test_github_get_file_declares_its_file_and_keeps_the_input_json():
    seen = n8n_node(
        "Seen", "httpRequest", {"url": "=https://x.test/{{ $json.name }}", "options": {}}, 4.2
    )
    graph = convert(chain(manual(), set_fields("Person", name="Ada"), get_file(), seen))
    github = node_of(graph, "GitHub")["config"]
    assert (github["operation"], github["as_file"]) == ("get_file", True)
    assert "nodes.person.result.name" in node_of(graph, "Seen")["config"]["url"]
    reader = extract({"operation": "csv", "binaryPropertyName": "src"})
    graph = convert(chain(manual(), get_file(binaryPropertyName="src"), reader))
    assert node_of(graph, "Extract")["config"]["file"] == "{{ nodes.github.file }}"
    text_only = chain(manual(), get_file(asBinaryProperty=False), extract({}))
    assert "'GitHub' outputs no such file" in refused(text_only)


@pytest.mark.django_db(transaction=True)
def test_a_file_read_from_github_is_extracted_as_rows(alice, github):
    github.repos["acme/shop"].files["main"] = {"data/stock.csv": CSV}
    graph = convert(chain(manual(), get_file(), extract({"operation": "csv"})))
    credential = store.create(
        alice, "GitHub", "github", {"token": TOKEN, "base_url": github.api_url}
    )
    node_of(graph, "GitHub")["config"]["credential"] = credential.pk
    assert validate_graph(graph) == []
    execution = engine.start_execution(make_workflow(alice, graph), None)
    execution.refresh_from_db()
    steps = steps_by_key(execution)
    assert execution.status == "succeeded", [s.error for s in steps.values()]
    made = steps["github"].output["file"]
    assert (made["filename"], made["content_type"], made["size"]) == (
        "stock.csv",
        "text/csv",
        len(CSV),
    )
    assert "content" not in steps["github"].output
    assert steps["extract"].output["rows"] == ROWS


# --- Telegram Trigger with Download -------------------------------------------------------------


@pytest.fixture
def telegram(settings: Any) -> Iterator[FakeTelegram]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeTelegram()) as fake:
        yield fake


def telegram_trigger(**fields: Any) -> dict:
    params = {"updates": ["message"], "additionalFields": {"download": True, **fields}}
    return n8n_node("Bot", "telegramTrigger", params, 1.1)


def test_a_telegram_update_file_is_downloaded_right_before_the_node_that_reads_it():
    graph = convert(chain(telegram_trigger(imageSize="medium"), extract({"operation": "text"})))
    assert validate_graph(graph) == []
    fetch = node_of(graph, "Download the file of Bot")
    assert fetch["type"] == "app.telegram" and fetch["config"]["operation"] == "get_file"
    assert "m.photo[2]" in fetch["config"]["file_id"] and "Telegram credential" in fetch["notes"]
    assert node_of(graph, "Extract")["config"]["file"] == f"{{{{ nodes.{fetch['id']}.file }}}}"
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    assert edges == {("bot", fetch["id"]), (fetch["id"], "extract")}
    plain = convert(chain(telegram_trigger(download=False), manual()))
    assert not any(n["type"] == "app.telegram" for n in plain["nodes"])


@pytest.mark.parametrize(
    ("message", "file_id"),
    [
        ({"document": {"file_id": "doc-1"}}, "doc-1"),
        ({"video": {"file_id": "vid-1"}}, "vid-1"),
        ({"photo": [{"file_id": f"p{i}"} for i in range(4)]}, "p3"),
        ({"photo": [{"file_id": "p0"}, {"file_id": "p1"}]}, "p0"),  # n8n: the first if no large
    ],
)
def test_the_file_downloaded_is_the_one_n8n_chose(message, file_id):
    graph = convert(chain(telegram_trigger(), extract({"operation": "text"})))
    template = node_of(graph, "Download the file of Bot")["config"]["file_id"]
    assert render_value(template, {"trigger": {"body": {"message": message}}}) == file_id


@pytest.mark.django_db(transaction=True)
def test_a_document_sent_to_the_bot_is_downloaded_and_read(alice, telegram):
    telegram.add_file("doc-7", "documents/file_7.csv", CSV)
    graph = convert(chain(telegram_trigger(), extract({"operation": "text"})))
    credential = store.create(
        alice, "Bot", "telegram", {"bot_token": BOT_TOKEN, "base_url": telegram.url}
    )
    fetch = node_of(graph, "Download the file of Bot")
    fetch["config"]["credential"] = credential.pk
    workflow = make_workflow(alice, graph)
    workflow.is_active = True
    workflow.save()
    update = {"update_id": 1, "message": {"chat": {"id": 5}, "document": {"file_id": "doc-7"}}}
    answer = Client().post(
        f"/hooks/{workflow.webhook_token}", update, content_type="application/json"
    )
    assert answer.status_code == 202, answer.content
    steps = steps_by_key(workflow.executions.get())
    assert steps["extract"].status == "succeeded", [s.error for s in steps.values()]
    assert steps[fetch["id"]].output["file"]["filename"] == "file_7.csv"
    assert steps["extract"].output["data"] == CSV.decode()


# --- Gmail attachments -----------------------------------------------------------------------------


@pytest.fixture
def gmail(settings: Any) -> Iterator[FakeGmail]:
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    with running(FakeGmail()) as fake:
        yield fake


def test_gmail_trigger_attachments_are_its_binary_properties_through_a_multiplex_merge():
    options = {"downloadAttachments": True, "dataPropertyAttachmentsPrefixName": "file_"}
    trigger = n8n_node("Mail", "gmailTrigger", {"simple": False, "options": options}, 1.1)
    other = set_fields("Labels", labels="x")
    merge = n8n_node("Both", "merge", {"mode": "combine", "combinationMode": "multiplex"}, 2.1)
    reader = extract({"operation": "pdf", "binaryPropertyName": "file_1"})
    data = export(
        "Mail",
        [trigger, other, merge, reader],
        [("Mail", "Labels"), ("Mail", "Both"), ("Labels", "Both"), ("Both", "Extract")],
    )
    data["connections"]["Labels"]["main"][0][0]["index"] = 1
    graph = convert(data)
    assert node_of(graph, "Extract")["config"]["file"] == "{{ trigger.attachments[1] }}"
    simplified = n8n_node("Mail", "gmailTrigger", {"options": {"downloadAttachments": True}}, 1.1)
    assert "'Mail' outputs no such file" in refused(chain(simplified, reader))


@pytest.mark.django_db(transaction=True)
def test_an_attachment_of_a_message_read_from_gmail_is_extracted(alice, gmail):
    ident = gmail.deliver(message(attachment=("stock.csv", CSV)))
    params = {
        "operation": "get",
        "messageId": ident,
        "simple": False,
        "options": {"downloadAttachments": True},
    }
    read = n8n_node("Gmail", "gmail", params, 2.1)
    graph = convert(
        chain(manual(), read, extract({"operation": "csv", "binaryPropertyName": "attachment_0"}))
    )
    assert node_of(graph, "Extract")["config"]["file"] == "{{ nodes.gmail.attachments[0] }}"
    values = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
        "base_url": gmail.url,
        "token_url": gmail.token_url,
    }
    node_of(graph, "Gmail")["config"]["credential"] = store.create(
        alice, "Gmail", "gmail", values
    ).pk
    execution = engine.start_execution(make_workflow(alice, graph), None)
    execution.refresh_from_db()
    steps = steps_by_key(execution)
    assert execution.status == "succeeded", [s.error for s in steps.values()]
    assert steps["extract"].output["rows"] == ROWS


# --- S3 upload of binary data ------------------------------------------------------------------


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoS3]:
    with moto_s3(tmp_path_factory.mktemp("moto-s3") / "server.log") as server:
        yield server


def s3_upload(**params: Any) -> dict:
    return n8n_node("S3", "s3", {"operation": "upload", "bucketName": "files", **params})


@pytest.mark.parametrize(
    ("file_name", "key"),
    [
        (None, '{{ trigger.files["data"].filename }}'),
        ("={{ $binary.data.fileName }}", '{{ trigger.files["data"].filename }}'),
        ('={{ $node["Webhook"].binary.data.fileName }}', '{{ trigger.files["data"].filename }}'),
        ("report.csv", "report.csv"),
    ],
)
def test_an_s3_upload_of_binary_data_sends_the_file_under_its_name(file_name, key):
    upload_node = s3_upload(**({"fileName": file_name} if file_name else {}))
    config = node_of(convert(chain(hook(), upload_node)), "S3")["config"]
    assert config["key"] == key
    assert config["content"] == '{{ trigger.files["data"].content }}'
    assert (config["encoding"], config["content_type"]) == (
        "base64",
        '{{ trigger.files["data"].content_type }}',
    )


def test_an_s3_file_name_read_from_other_binary_data_is_refused():
    named = s3_upload(fileName="={{ $binary.data.fileName.toUpperCase() }}")
    assert "names the file from n8n binary data" in refused(chain(hook(), named))


@pytest.mark.django_db(transaction=True)
def test_a_file_posted_to_a_webhook_is_stored_in_s3(alice, alice_api, moto, settings):
    settings.WORKFUSE_HTTP_ALLOW_PRIVATE = True
    bucket = moto.new_bucket()
    graph = convert(chain(hook(), s3_upload(bucketName=bucket)))
    values = {
        "access_key_id": moto.access_key_id,
        "secret_access_key": moto.secret_access_key,
        "base_url": moto.url,
    }
    node_of(graph, "S3")["config"]["credential"] = store.create(alice, "S3", "s3", values).pk
    workflow = make_workflow(alice, graph)
    workflow.is_active = True
    workflow.save()
    answer = Client().post(f"/hooks/{workflow.webhook_token}", {"data": upload("data")})
    assert answer.status_code == 202, answer.content
    steps = steps_by_key(workflow.executions.get())
    assert steps["s3"].status == "succeeded", [s.error for s in steps.values()]
    stored = moto.client().get_object(Bucket=bucket, Key="stock.csv")  # type: ignore[attr-defined]
    assert (stored["Body"].read(), stored["ContentType"]) == (CSV, "text/csv")
