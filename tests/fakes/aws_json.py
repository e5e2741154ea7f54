"""A fake of AWS's JSON 1.1 services that S3's access key also opens: requests `POST /` with
`X-Amz-Target: <prefix>.<Action>`, a SigV4 `Authorization` whose scope names the key id, region
and service, and errors as `{"__type", "message"}` (botocore reads them as AWS's). Comprehend's
DetectSentiment, DetectDominantLanguage and DetectEntities are answered from word lists,
Rekognition's image calls from what the image's bytes say. (moto answers Comprehend's
DetectSentiment and Rekognition's DetectLabels and DetectText with canned results whatever they
are sent, and lacks the other calls, so it cannot show that the text or image arrived.)"""

from __future__ import annotations

import base64
import re
from typing import Any

from tests.fakes import Answer, FakeService, Received

ACCESS_KEY_ID = "AKIAFAKEAWSJSON00001"
SECRET_KEY = "fake/secret+key/0123456789abcdefghijklmn"
SCOPE = re.compile(
    r"Credential=(?P<key>\w+)/\d{8}/(?P<region>[\w-]+)/(?P<service>[\w-]+)/aws4_request"
)
POSITIVE = {"great", "love", "good", "excellent", "happy"}
NEGATIVE = {"bad", "awful", "hate", "terrible", "boring"}
SPANISH = {"el", "la", "es", "muy", "que", "de"}


def aws_error(status: int, kind: str, message: str) -> Answer:
    return Answer(status, {"__type": kind, "message": message})


class FakeAwsJson(FakeService):
    """Answers one service (`service`, as SigV4's scope names it) under its target prefix."""

    service = ""
    prefix = ""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def respond(self, request: Received) -> Answer:
        scope = SCOPE.search(request.headers.get("authorization", ""))
        if scope is None or "Signature=" not in request.headers.get("authorization", ""):
            return aws_error(
                400, "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        if scope["key"] != ACCESS_KEY_ID:
            return aws_error(
                400,
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            )
        target = request.headers.get("x-amz-target", "")
        if scope["service"] != self.service or not target.startswith(f"{self.prefix}."):
            return aws_error(400, "UnknownOperationException", "Unknown operation")
        action = target.removeprefix(f"{self.prefix}.")
        self.calls.append((action, request.json))
        return self.act(action, request.json)

    def act(self, action: str, body: dict[str, Any]) -> Answer:
        return aws_error(400, "UnknownOperationException", f"Unknown operation {action}")


class FakeComprehend(FakeAwsJson):
    service = "comprehend"
    prefix = "Comprehend_20171127"

    def act(self, action: str, body: dict[str, Any]) -> Answer:
        text = str(body.get("Text") or "")
        if not text:
            return aws_error(400, "ValidationException", "1 validation error detected: Text")
        if len(text.encode()) > 5000:
            return aws_error(
                400, "TextSizeLimitExceededException", "Input text size exceeds limit."
            )
        words = re.findall(r"[a-záéíóú]+", text.lower())
        if action == "DetectDominantLanguage":
            spanish = sum(w in SPANISH for w in words) / max(len(words), 1)
            es = round(min(0.5 + spanish, 0.99), 2)
            languages = [
                {"LanguageCode": "es", "Score": es},
                {"LanguageCode": "en", "Score": round(1 - es, 2)},
            ]
            return Answer(200, {"Languages": sorted(languages, key=lambda lang: -lang["Score"])})
        if body.get("LanguageCode") not in {"en", "es", "fr", "de"}:
            return aws_error(
                400, "UnsupportedLanguageException", "The language code is not supported."
            )
        if action == "DetectSentiment":
            pos = sum(w in POSITIVE for w in words)
            neg = sum(w in NEGATIVE for w in words)
            sentiment = (
                "MIXED" if pos and neg else "POSITIVE" if pos else "NEGATIVE" if neg else "NEUTRAL"
            )
            scores = {"Positive": 0.01, "Negative": 0.01, "Neutral": 0.01, "Mixed": 0.01}
            scores[sentiment.capitalize()] = 0.97
            return Answer(200, {"Sentiment": sentiment, "SentimentScore": scores})
        if action == "DetectEntities":
            entities = [
                {
                    "Score": 0.99,
                    "Type": "PERSON",
                    "Text": found.group(0),
                    "BeginOffset": found.start(),
                    "EndOffset": found.end(),
                }
                for found in re.finditer(r"\b[A-Z][a-z]+\b", text)
            ]
            return Answer(200, {"Entities": entities})
        return super().act(action, body)


PNG = b"\x89PNG\r\n\x1a\n"


def picture(**seen: str) -> bytes:
    """A PNG-signed "image" whose bytes say what Rekognition finds in it: labels, text,
    faces (a count), celebrities, unsafe content."""
    return PNG + ";".join(f"{k}={v}" for k, v in seen.items()).encode()


class FakeRekognition(FakeAwsJson):
    """Rekognition's DetectLabels, DetectText, DetectFaces, DetectModerationLabels and
    RecognizeCelebrities on an image sent as bytes or kept in `objects` ((bucket, key) ->
    bytes), answering what `picture()` wrote into it."""

    service = "rekognition"
    prefix = "RekognitionService"

    def __init__(self) -> None:
        super().__init__()
        self.objects: dict[tuple[str, str], bytes] = {}

    def act(self, action: str, body: dict[str, Any]) -> Answer:
        image = body.get("Image") or {}
        if "Bytes" in image:
            data = base64.b64decode(image["Bytes"])
        else:
            s3 = image.get("S3Object") or {}
            found = self.objects.get((s3.get("Bucket"), s3.get("Name")))
            if found is None:
                return aws_error(
                    400,
                    "InvalidS3ObjectException",
                    "Unable to get object metadata from S3. Check object key, region and/or access permissions.",
                )
            data = found
        if not data.startswith(PNG):
            return aws_error(400, "InvalidImageFormatException", "Request has invalid image format")
        seen = dict(
            part.split("=", 1) for part in data[len(PNG) :].decode().split(";") if "=" in part
        )

        def listed(name: str) -> list[str]:
            return [v for v in seen.get(name, "").split(",") if v]

        if action == "DetectLabels":
            floor = float(body.get("MinConfidence", 55))
            labels = [
                {"Name": n, "Confidence": 99.0 - 10 * i} for i, n in enumerate(listed("labels"))
            ]
            labels = [label for label in labels if label["Confidence"] >= floor]
            return Answer(
                200, {"Labels": labels[: body.get("MaxLabels") or None], "LabelModelVersion": "3.0"}
            )
        if action == "DetectText":
            words = listed("text")
            detections = [
                {"DetectedText": " ".join(words), "Type": "LINE", "Id": 0, "Confidence": 99.1}
            ]
            detections += [
                {"DetectedText": w, "Type": "WORD", "Id": i + 1, "ParentId": 0, "Confidence": 98.0}
                for i, w in enumerate(words)
            ]
            return Answer(
                200, {"TextDetections": detections if words else [], "TextModelVersion": "3.0"}
            )
        if action == "DetectFaces":
            full = body.get("Attributes") == ["ALL"]
            face = {
                "Confidence": 99.9,
                "BoundingBox": {"Width": 0.2, "Height": 0.3, "Left": 0.4, "Top": 0.1},
            }
            if full:
                face |= {
                    "AgeRange": {"Low": 25, "High": 35},
                    "Smile": {"Value": True, "Confidence": 90.0},
                }
            return Answer(200, {"FaceDetails": [face] * int(seen.get("faces", "0"))})
        if action == "DetectModerationLabels":
            floor = float(body.get("MinConfidence", 50))
            labels = [{"Name": n, "Confidence": 85.0, "ParentName": ""} for n in listed("unsafe")]
            return Answer(
                200,
                {
                    "ModerationLabels": [x for x in labels if x["Confidence"] >= floor],
                    "ModerationModelVersion": "7.0",
                },
            )
        if action == "RecognizeCelebrities":
            famous = [
                {"Name": n, "Id": f"c{i}", "MatchConfidence": 97.0, "Urls": []}
                for i, n in enumerate(listed("celebrities"))
            ]
            return Answer(200, {"CelebrityFaces": famous, "UnrecognizedFaces": []})
        return super().act(action, body)


# --- svcc ---
class FakeTextract(FakeAwsJson):
    """Textract's AnalyzeExpense on a document sent as bytes: a `picture()` whose `vendor`,
    `total` and `date` become the summary fields (moto lacks AnalyzeExpense)."""

    service = "textract"
    prefix = "Textract"

    def act(self, action: str, body: dict[str, Any]) -> Answer:
        if action != "AnalyzeExpense":
            return super().act(action, body)
        data = base64.b64decode((body.get("Document") or {}).get("Bytes") or b"")
        if not data.startswith(PNG):
            return aws_error(
                400, "UnsupportedDocumentException", "Request has unsupported document format"
            )
        seen = dict(
            part.split("=", 1) for part in data[len(PNG) :].decode().split(";") if "=" in part
        )
        types = {"vendor": "VENDOR_NAME", "total": "TOTAL", "date": "INVOICE_RECEIPT_DATE"}
        fields = [
            {
                "Type": {"Text": types[name], "Confidence": 99.0},
                "LabelDetection": {"Text": name.capitalize(), "Confidence": 98.0},
                "ValueDetection": {"Text": value, "Confidence": 97.0},
                "PageNumber": 1,
            }
            for name, value in seen.items()
            if name in types
        ]
        fields += [
            {"LabelDetection": {"Text": label}, "ValueDetection": {"Text": value}}
            for label, value in seen.items()
            if label not in types
        ]
        document = {"ExpenseIndex": 1, "SummaryFields": fields, "LineItemGroups": []}
        return Answer(200, {"DocumentMetadata": {"Pages": 1}, "ExpenseDocuments": [document]})


class FakeTranscribe(FakeAwsJson):
    """Transcribe's GetTranscriptionJob for jobs finished with a transcript at `transcripts`'s
    address (moto's completed jobs point at the real S3, which tests must not reach)."""

    service = "transcribe"
    prefix = "Transcribe"

    def __init__(self, transcripts: str) -> None:
        super().__init__()
        self.transcripts = transcripts

    def act(self, action: str, body: dict[str, Any]) -> Answer:
        if action != "GetTranscriptionJob":
            return super().act(action, body)
        name = body.get("TranscriptionJobName")
        uri = f"{self.transcripts}/{name}/asrOutput.json"
        job = {
            "TranscriptionJobName": name,
            "TranscriptionJobStatus": "COMPLETED",
            "LanguageCode": "en-US",
            "Transcript": {"TranscriptFileUri": uri},
        }
        return Answer(200, {"TranscriptionJob": job})


# --- end svcc ---
