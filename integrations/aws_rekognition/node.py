"""app.aws_rekognition: an image analyzed by Amazon Rekognition (DetectLabels, DetectText,
DetectFaces, DetectModerationLabels, RecognizeCelebrities) through boto3's client with the S3
access key's pair and region (integrations/s3/s3_api.py guards the endpoint and maps AWS's
errors). The image is a file from an earlier step, or an object in an S3 bucket."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from integrations import http
from integrations.operations import OperationConfig, used_by
from integrations.s3 import s3_api
from integrations.s3.credentials import AccessKey
from integrations.service import credential_for
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext
from workfuse.lib.node_types import NodeType

Operation = Literal[
    "detect_labels",
    "detect_text",
    "detect_faces",
    "detect_moderation_labels",
    "recognize_celebrities",
]
ALL = (
    "detect_labels",
    "detect_text",
    "detect_faces",
    "detect_moderation_labels",
    "recognize_celebrities",
)
ACTIONS = {
    "detect_labels": ("DetectLabels", "detect_labels"),
    "detect_text": ("DetectText", "detect_text"),
    "detect_faces": ("DetectFaces", "detect_faces"),
    "detect_moderation_labels": ("DetectModerationLabels", "detect_moderation_labels"),
    "recognize_celebrities": ("RecognizeCelebrities", "recognize_celebrities"),
}
API = http.Api("AWS Rekognition")
MAX_IMAGE_BYTES = 5 * 1024 * 1024  # Rekognition's limit for an image sent as bytes


class Config(OperationConfig):
    credential: int | None = Field(
        None, ge=1, description="Your AWS access key credential (kind s3). Needed to run."
    )
    operation: Operation = Field(
        "detect_labels",
        description="detect_labels: objects, scenes and concepts. detect_text: words and lines "
        "in the image. detect_faces: faces and their attributes. detect_moderation_labels: "
        "unsafe content. recognize_celebrities: famous people.",
    )
    image: Any = Field(
        None,
        description="The image (JPEG or PNG): a file from an earlier step, e.g. "
        "'{{ nodes.download.file }}'. Empty: the S3 object named by bucket and key.",
        json_schema_extra=used_by(*ALL),
    )
    bucket: str = Field(
        "",
        description="Or the S3 bucket holding the image (in the credential's region).",
        json_schema_extra=used_by(*ALL),
    )
    key: str = Field(
        "", description="The image's key in the bucket.", json_schema_extra=used_by(*ALL)
    )
    version: str = Field(
        "", description="The object's version (empty: the latest).", json_schema_extra=used_by(*ALL)
    )
    min_confidence: float | None = Field(
        None,
        ge=0,
        le=100,
        description="detect_labels / detect_moderation_labels: leave out what scores below this "
        "confidence (0-100; Rekognition's default: 55 for labels, 50 for moderation).",
        json_schema_extra=used_by("detect_labels", "detect_moderation_labels"),
    )
    max_labels: int | None = Field(
        None,
        ge=1,
        description="detect_labels: at most this many labels.",
        json_schema_extra=used_by("detect_labels"),
    )
    face_attributes: Literal["DEFAULT", "ALL"] = Field(
        "DEFAULT",
        description="detect_faces: DEFAULT (box, confidence, landmarks, pose, quality) or ALL "
        "(also age, emotions, glasses, smile…).",
        json_schema_extra=used_by("detect_faces"),
    )


def _image(config: Config) -> dict[str, Any]:
    if config.image not in (None, ""):
        picture = files.read(config.image, "The image field")
        if len(picture.data) > MAX_IMAGE_BYTES:
            raise NodeError(
                "The image is over 5 MB, Rekognition's limit for an image sent as bytes."
            )
        return {"Bytes": picture.data}
    if not config.bucket.strip() or not config.key.strip():
        raise NodeError("Give the image (a file from an earlier step), or a bucket and a key.")
    s3_object = {"Bucket": config.bucket.strip(), "Name": config.key.strip()}
    if config.version.strip():
        s3_object["Version"] = config.version.strip()
    return {"S3Object": s3_object}


def run(config: Config, ctx: RunContext) -> Any:
    """Rekognition's answer as n8n outputs it (AWS's ResponseMetadata left out): {Labels, …},
    {TextDetections}, {FaceDetails}, {ModerationLabels, …}, {CelebrityFaces,
    UnrecognizedFaces}."""
    secret, _ = credential_for(ctx, config.operation, AccessKey)
    params: dict[str, Any] = {"Image": _image(config)}
    op = config.operation
    if op in ("detect_labels", "detect_moderation_labels") and config.min_confidence is not None:
        params["MinConfidence"] = config.min_confidence
    if op == "detect_labels" and config.max_labels is not None:
        params["MaxLabels"] = config.max_labels
    if op == "detect_faces":
        params["Attributes"] = [config.face_attributes]
    name, method = ACTIONS[op]
    answer = s3_api.call(
        secret, name, lambda client: getattr(client, method)(**params), "rekognition", API
    )
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


NODE = NodeType(
    type="app.aws_rekognition",
    label="AWS Rekognition",
    category="app",
    description="Finds the labels, text, faces, unsafe content or celebrities in an image with "
    "Amazon Rekognition.",
    Config=Config,
    run=run,
    credential_kinds=(AccessKey.kind,),
    icon="◉",
    examples=(
        (
            "What is in the downloaded picture? Use credential 2",
            {"credential": 2, "operation": "detect_labels", "image": "{{ nodes.download.file }}"},
        ),
        (
            "Read the text in the image photos/receipt.jpg of bucket scans",
            {"operation": "detect_text", "bucket": "scans", "key": "photos/receipt.jpg"},
        ),
        (
            "Find the faces in the uploaded photo with all their attributes",
            {
                "operation": "detect_faces",
                "image": "{{ trigger.body.photo }}",
                "face_attributes": "ALL",
            },
        ),
        (
            "Check the image for unsafe content with at least 80% confidence",
            {
                "operation": "detect_moderation_labels",
                "image": "{{ nodes.download.file }}",
                "min_confidence": 80,
            },
        ),
        (
            "Which celebrities are in the picture?",
            {"operation": "recognize_celebrities", "image": "{{ nodes.download.file }}"},
        ),
    ),
)
