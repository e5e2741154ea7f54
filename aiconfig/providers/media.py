"""What `action.ai` does besides answering text: images to look at (vision) sent with the
prompt, and OpenAI's images and audio APIs (make images, transcribe or translate speech, read
text aloud). Files come and go as file values (workfuse/lib/files.py), bounded like every
file in step data."""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any
from urllib.parse import urlsplit

from aiconfig.prices import image_cost, speech_cost, transcription_cost
from aiconfig.providers.base import (
    AudioRequest,
    Image,
    ImageRequest,
    Provider,
    ProviderSetupError,
    SpeechRequest,
)
from workfuse.lib import files
from workfuse.lib.node_run import NodeError

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
AUDIO_EXTENSIONS = ("flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm")
SPEECH_TYPES = {
    "mp3": "audio/mpeg",
    "opus": "audio/ogg",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "pcm": "audio/L16",
}


def images_of(values: list[Any], detail: str = "") -> tuple[Image, ...]:
    """The node's `images` (URLs, data: URLs or file values; a template may give a list of
    them, a text several URLs separated by commas, as n8n's image analysis takes them) as what
    a provider sends; NodeError naming the entry that is neither."""
    flat: list[Any] = []
    for value in values:
        for entry in value if isinstance(value, list) else [value]:
            if isinstance(entry, str) and not entry.strip().startswith("data:"):
                flat.extend(url.strip() for url in entry.split(",") if url.strip())
            else:
                flat.append(entry)
    images = []
    for i, value in enumerate(flat):
        where = f"images[{i}]"
        if isinstance(value, str) and value.strip().startswith("data:"):
            images.append(_data_url(value.strip(), where, detail))
        elif isinstance(value, str):
            url = value.strip()
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise NodeError(
                    f"{where} must be an http(s) image URL or a file value, not {url[:80]!r}."
                )
            images.append(Image(url=url, detail=detail))
        else:
            try:
                image = files.read(value, where)
            except files.FileError as exc:
                raise NodeError(str(exc)) from None
            kind = image.content_type
            if kind == files.DEFAULT_TYPE:
                kind = files.guess_type(image.filename)
            if kind not in IMAGE_TYPES:
                raise NodeError(
                    f"{where} is {kind}; the models look at PNG, JPEG, GIF and WebP images."
                )
            data = base64.b64encode(image.data).decode()
            images.append(Image(media_type=kind, data=data, detail=detail))
    return tuple(images)


def _data_url(url: str, where: str, detail: str = "") -> Image:
    head, _, data = url.partition(",")
    kind = head.removeprefix("data:").removesuffix(";base64")
    if not head.endswith(";base64") or kind not in IMAGE_TYPES:
        raise NodeError(f"{where} is a data: URL that is not a base64 PNG, JPEG, GIF or WebP.")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise NodeError(f"{where} is a data: URL whose content is not base64.") from None
    try:
        files.make(raw, "image", kind, where)
    except files.FileError as exc:
        raise NodeError(str(exc)) from None
    return Image(media_type=kind, data=data, detail=detail)


def _refuse_key(api_key: str, text: str) -> None:
    if api_key and api_key in text:
        raise ProviderSetupError(
            "The prompt contains the provider's API key, so it was not sent. Remove the key "
            "from the prompt and the data it is built from.",
            code="bad_request",
        )


def run_media(config: Any, provider: Provider, api_key: str) -> dict[str, Any]:
    """image_generate, transcribe, translate or speech (OpenAI); the output always has
    `model`, `provider`, `usage`, `latency_ms` and `cost_usd`, which the run's AI budget
    counts like an answer's."""
    operation = config.operation
    model = config.model.strip()
    _refuse_key(api_key, config.prompt)
    started = time.monotonic()
    output: dict[str, Any]
    if operation == "image_generate":
        made = provider.generate_images(
            ImageRequest(
                model=model,
                prompt=config.prompt,
                n=config.image_count,
                size=config.image_size.strip(),
                quality=config.image_quality.strip(),
                style=config.image_style,
                urls=config.return_urls,
            )
        )
        usage = made.usage.as_dict()
        values = []
        for i, image in enumerate(made.images if not config.return_urls else []):
            name = config.filename.strip() or "image.png"
            if len(made.images) > 1:
                stem, dot, ext = name.rpartition(".")
                name = f"{stem or name}-{i + 1}{dot}{ext if stem else ''}"
            values.append(_file(image["data"], name, "image/png"))
        output = {
            "file": values[0] if values else None,
            "files": values,
            "urls": [image["url"] for image in made.images if image["url"]],
            "revised_prompt": next(
                (image["revised_prompt"] for image in made.images if image["revised_prompt"]), ""
            ),
        }
        cost = image_cost(
            made.model, config.image_quality.strip(), config.image_size.strip(), len(values), usage
        )
    elif operation in ("transcribe", "translate"):
        try:
            audio = files.read(config.file, "file")
        except files.FileError as exc:
            raise NodeError(str(exc)) from None
        if audio.extension not in AUDIO_EXTENSIONS:
            raise NodeError(
                f"file '{audio.filename}' is not an audio file OpenAI transcribes (its name must "
                f"end in one of: {', '.join(AUDIO_EXTENSIONS)})."
            )
        transcript = provider.transcribe(
            AudioRequest(
                model=model,
                filename=audio.filename,
                content_type=audio.content_type,
                data=audio.data,
                translate=operation == "translate",
                language=config.language.strip(),
                prompt=config.prompt,
                temperature=config.temperature,
            )
        )
        usage = transcript.usage.as_dict()
        output = {"text": transcript.text, "duration_seconds": transcript.seconds}
        cost = transcription_cost(transcript.model, transcript.seconds, usage)
    else:
        speech = provider.speak(
            SpeechRequest(
                model=model,
                text=config.prompt,
                voice=config.voice.strip(),
                format=config.audio_format,
                speed=config.speed,
            )
        )
        usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        name = config.filename.strip() or f"speech.{config.audio_format}"
        output = {"file": _file(speech.data, name, SPEECH_TYPES[config.audio_format])}
        cost = speech_cost(speech.model, len(config.prompt))
    output.update(
        {
            "model": model,
            "provider": provider.name,
            "usage": usage,
            "latency_ms": round((time.monotonic() - started) * 1000),
            "cost_usd": cost,
        }
    )
    return output


def _file(data: bytes, name: str, content_type: str) -> dict[str, Any]:
    try:
        return files.make(data, name, content_type, name).value()
    except files.FileError as exc:
        raise NodeError(str(exc)) from None
