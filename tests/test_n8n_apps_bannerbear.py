"""Importing n8n's Bannerbear node (editor/n8n/apps_bannerbear.py) onto `app.bannerbear`: the
corpus's banner from a template (its empty modification values left out, Wait for Image kept),
image get, and the refusals."""

from __future__ import annotations

import pytest

from tests.test_n8n_apps import converted, refusal

CORPUS = {
    "templateId": "={{ $json.template_id }}",
    "modificationsUi": {
        "modificationsValues": [
            {"name": "placeholder_image", "text": "=", "imageUrl": "={{ $json.secure_url }}"},
            {"name": "placeholder_text", "text": "={{ $json.title }}"},
        ]
    },
    "additionalFields": {"waitForImage": True, "waitForImageMaxTries": 10},
}


def test_the_corpus_s_banner_becomes_its_bannerbear_config():
    node = converted("bannerbear", CORPUS)
    assert node["type"] == "app.bannerbear"
    assert node["config"] == {
        "operation": "create_image",
        "template_id": "{{ trigger.template_id }}",
        "modifications": [
            {"name": "placeholder_image", "image_url": "{{ trigger.secure_url }}"},
            {"name": "placeholder_text", "text": '{{ trigger["title"] }}'},
        ],
        "wait": True,
        "max_tries": 10,
    }
    assert "choose a Bannerbear credential (an API key)" in node["notes"]


def test_an_image_get_becomes_get_image():
    node = converted("bannerbear", {"operation": "get", "imageId": "img1"})
    assert node["config"] == {"operation": "get_image", "image_id": "img1"}


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"resource": "template", "operation": "getAll"}, "does 'template / getAll'"),
        ({"operation": "create"}, "names no Template ID"),
    ],
)
def test_what_the_bannerbear_node_lacks_is_refused_naming_node_and_construct(params, said):
    message = refusal("bannerbear", params)
    assert "'App' (n8n-nodes-base.bannerbear)" in message and said in message
