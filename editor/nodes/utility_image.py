"""utility.image: resize, crop, rotate, flip or convert an image file, or read what it is.

The image is a file value (workfuse/lib/files.py), usually a template such as
`{{ nodes.download.file }}`; the output is `{file}` (the edited image as a file value) or, for
`information`, `{info}`. Several edits in a row are `steps` (n8n's Edit Image "Multi Step").

An animated image (GIF, WebP) is edited frame by frame and stays animated in a format that has
frames; written as another format, it is its first frame. Images are untrusted: only PNG, JPEG, GIF, WebP, BMP and TIFF are opened (Pillow's other
decoders, such as EPS through Ghostscript, never run); an image over `MAX_PIXELS`
(`WORKFUSE_IMAGE_MAX_PIXELS`) is refused from its header before it is decoded, as is an edit
whose result would be; the written file is bounded like every file value.
"""

from __future__ import annotations

import io
import math
import warnings
from typing import Annotated, Any, Literal, Self

from django.conf import settings
from PIL import Image, ImageColor, ImageOps, ImageSequence, UnidentifiedImageError
from pydantic import BeforeValidator, Field, model_validator

from editor.nodes.base import NodeConfig, NodeError, NodeType, RunContext
from editor.templating import is_template
from workfuse.lib import files

FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP", "bmp": "BMP", "tiff": "TIFF"}
EXTENSIONS = {
    "PNG": "png",
    "JPEG": "jpeg",  # as n8n names a converted file
    "GIF": "gif",
    "WEBP": "webp",
    "BMP": "bmp",
    "TIFF": "tiff",
}
Operation = Literal["resize", "crop", "rotate", "flip", "convert", "information", "steps"]
MAX_SIDE = 20_000  # pixels on a side of a result
MAX_STEPS = 20


def max_pixels() -> int:
    return int(settings.WORKFUSE_IMAGE_MAX_PIXELS)


def _number(value: Any) -> Any:
    """A whole number, numeric text (a rendered template), or a template still to render."""
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        if is_template(value):
            return value
        try:
            number = float(value.strip())
        except ValueError:
            raise ValueError(f"'{value}' is not a number") from None
        if number.is_integer():
            return int(number)
    raise ValueError(f"{value!r} is not a whole number")


Number = Annotated[int | str, BeforeValidator(_number)]


def _color(value: str) -> str:
    if value and not is_template(value):
        try:
            ImageColor.getrgb(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a color such as '#ffffff' or 'white'") from None
    return value


class Edit(NodeConfig):
    """One edit; `Config` holds one, and `steps` a list of them."""

    operation: Literal["resize", "crop", "rotate", "flip"] = Field(
        "resize",
        description="resize: to width x height as 'resize_mode' says. crop: the width x height "
        "area at x, y. rotate: by 'degrees' clockwise, the corners filled with 'background'. "
        "flip: mirror it ('direction').",
    )
    width: Number = Field(500, description="resize and crop: pixels (percent for 'percent').")
    height: Number = Field(500, description="resize and crop: pixels (percent for 'percent').")
    resize_mode: Literal["fit", "cover", "exact", "shrink", "enlarge", "percent"] = Field(
        "fit",
        description="fit: as large as fits in width x height, keeping its proportions. cover: "
        "as small as covers width x height, keeping them. exact: width x height, ignoring "
        "them. shrink: fit, only if it is larger. enlarge: fit, only if it is smaller. "
        "percent: width and height are percentages.",
    )
    x: Number = Field(0, description="crop: the left edge of the area, in pixels.")
    y: Number = Field(0, description="crop: the top edge of the area, in pixels.")
    degrees: Number = Field(0, description="rotate: degrees, clockwise; the image grows to fit.")
    background: Annotated[str, BeforeValidator(lambda v: _color(str(v)))] = Field(
        "#ffffffff", description="rotate: the color of the corners, e.g. '#ffffff00' (clear)."
    )
    direction: Literal["horizontal", "vertical"] = Field(
        "horizontal", description="flip: left-right (horizontal) or top-bottom (vertical)."
    )


class Config(Edit):
    # A wider choice than one edit's (Edit.operation), in the same place in the form.
    operation: Operation = Field(  # type: ignore[assignment]
        "resize",
        description="resize, crop, rotate, flip: one edit (see each setting). convert: "
        "only change 'format' or 'quality'. information: the image's width, height, "
        "format... as {info}. steps: the edits in 'steps', in order.",
    )
    file: Any = Field(
        None,
        description="The image: a file value, usually a template such as "
        "'{{ nodes.download.file }}'.",
    )
    steps: list[Edit] = Field(
        default_factory=list, max_length=MAX_STEPS, description="steps: the edits, in order."
    )
    format: Literal["", "png", "jpeg", "gif", "webp", "bmp", "tiff"] = Field(
        "", description="The format written; empty: the image's own."
    )
    quality: int = Field(90, ge=1, le=100, description="JPEG and WebP: the quality, 1 to 100.")
    filename: str = Field(
        "",
        max_length=255,
        description="The name of the file written; empty: the image's own, with the new "
        "format's extension.",
    )

    @model_validator(mode="after")
    def _steps_for_steps(self) -> Self:
        if self.operation == "steps" and not self.steps:
            raise ValueError("steps: add at least one edit")
        return self


def open_image(data: bytes) -> Image.Image:
    """The image, its header checked against the pixel limit before anything is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS.values()))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise NodeError(_too_large("The image")) from None
    except UnidentifiedImageError:
        raise NodeError(
            "file is not an image WorkFuse reads (PNG, JPEG, GIF, WebP, BMP or TIFF)."
        ) from None
    _check_size(image.width, image.height, "The image")
    return image


def _too_large(what: str) -> str:
    return f"{what} has more than {max_pixels():,} pixels, the limit (WORKFUSE_IMAGE_MAX_PIXELS)."


def _check_size(width: int, height: int, what: str) -> None:
    if width < 1 or height < 1:
        raise NodeError(f"{what} would be {width} x {height} pixels; it needs at least 1 x 1.")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > max_pixels():
        raise NodeError(_too_large(f"{what} ({width} x {height})"))


def _int(value: Any, name: str) -> int:
    try:
        return int(_number(value))
    except (TypeError, ValueError) as exc:
        raise NodeError(f"{name}: {exc}") from None


def resized_size(size: tuple[int, int], edit: Edit) -> tuple[int, int]:
    """The size GraphicsMagick's geometry `WxH` with n8n's resize option gives."""
    w, h = size
    width, height = _int(edit.width, "width"), _int(edit.height, "height")
    mode = edit.resize_mode
    if mode == "percent":
        return max(1, _rounded(w * width / 100)), max(1, _rounded(h * height / 100))
    if mode == "exact":
        return width, height
    # As a geometry "200x" or "x100": a side given as 0 does not constrain.
    ratios = [side / own for side, own in ((width, w), (height, h)) if side > 0]
    if not ratios:
        raise NodeError("resize needs a width or a height above 0.")
    fit = min(ratios)
    scale = max(ratios) if mode == "cover" else fit
    if (mode == "shrink" and fit >= 1) or (mode == "enlarge" and fit <= 1):
        return w, h
    return max(1, _rounded(w * scale)), max(1, _rounded(h * scale))


def _rounded(value: float) -> int:
    """Halves round up, as GraphicsMagick rounds a scaled size (Python's round() to even)."""
    return math.floor(value + 0.5)


def apply(image: Image.Image, edit: Edit) -> Image.Image:
    if edit.operation == "resize":
        size = resized_size(image.size, edit)
        _check_size(*size, "The resized image")
        return image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)
    if edit.operation == "crop":
        left, top = _int(edit.x, "x"), _int(edit.y, "y")
        width, height = _int(edit.width, "width"), _int(edit.height, "height")
        # As GraphicsMagick: the area is clipped to the image.
        box = (
            max(0, left),
            max(0, top),
            min(image.width, left + width),
            min(image.height, top + height),
        )
        if box[2] <= box[0] or box[3] <= box[1]:
            raise NodeError(
                f"The crop area {width} x {height} at {left}, {top} is outside the "
                f"{image.width} x {image.height} image."
            )
        return image.crop(box)
    if edit.operation == "rotate":
        degrees = _int(edit.degrees, "degrees")
        color = ImageColor.getrgb(_color(edit.background) or "#ffffffff")
        base = image.convert("RGBA") if len(color) == 4 and color[3] < 255 else image
        if base.mode == "P":
            base = base.convert("RGBA")
        rotated = base.rotate(-degrees, expand=True, fillcolor=_fill(color, base.mode))
        _check_size(*rotated.size, "The rotated image")
        return rotated
    return ImageOps.mirror(image) if edit.direction == "horizontal" else ImageOps.flip(image)


def _fill(color: tuple[int, ...], mode: str) -> Any:
    if mode in ("L", "LA", "I", "F", "1"):
        gray = round(sum(color[:3]) / 3)
        return (gray, color[3]) if mode == "LA" and len(color) == 4 else gray
    if mode == "RGBA":
        return color if len(color) == 4 else (*color, 255)
    return color[:3]


def information(image: Image.Image, file: files.File) -> dict[str, Any]:
    return {
        "width": image.width,
        "height": image.height,
        "format": (image.format or "").lower(),
        "content_type": Image.MIME.get(image.format or "", file.content_type),
        "mode": image.mode,
        "has_alpha": image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info,
        "frames": int(getattr(image, "n_frames", 1)),
        "dpi": [round(float(v), 2) for v in image.info["dpi"]] if "dpi" in image.info else None,
        "size": len(file.data),
        "filename": file.filename,
    }


def write(
    edited: list[Image.Image], info: dict[Any, Any], source: files.File, fmt: str, config: Config
) -> files.File:
    """The frames as a file; an animation stays one where the format has them (GIF, WebP,
    TIFF), else its first frame is written."""
    image, rest = edited[0], edited[1:]
    if fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        # JPEG has no transparency: flatten onto white, as GraphicsMagick does.
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if fmt in ("JPEG", "WEBP"):
        options["quality"] = config.quality
    if rest and fmt in ("GIF", "WEBP", "TIFF"):
        options.update(save_all=True, append_images=rest)
        options.update({k: info[k] for k in ("duration", "loop") if k in info})
    try:
        image.save(out, format=fmt, **options)
    except (OSError, ValueError) as exc:
        raise NodeError(f"The image could not be written as {fmt}: {exc}") from None
    stem = source.filename.rsplit(".", 1)[0] if "." in source.filename else source.filename
    name = config.filename or f"{stem or 'image'}.{EXTENSIONS[fmt]}"
    try:
        return files.make(out.getvalue(), name, Image.MIME.get(fmt), "The edited image")
    except files.FileError as exc:
        raise NodeError(str(exc)) from None


def frames(image: Image.Image) -> list[Image.Image]:
    """Every frame of an animated image (GIF, WebP, TIFF pages), within the pixel limit for
    all of them together; one frame otherwise."""
    count = int(getattr(image, "n_frames", 1))
    if count > 1 and count * image.width * image.height > max_pixels():
        raise NodeError(_too_large(f"The image ({count} frames of {image.width} x {image.height})"))
    found = []
    for frame in ImageSequence.Iterator(image):
        frame.load()
        found.append(frame.copy())
    return found


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{file}: the edited image as a file value; for information, {info}."""
    try:
        source = files.read(config.file, "file")
    except files.FileError as exc:
        raise NodeError(str(exc)) from None
    image = open_image(source.data)
    if config.operation == "information":
        return {"info": information(image, source)}
    fmt = FORMATS[config.format] if config.format else (image.format or "PNG")
    edits: list[Edit] = {"convert": [], "steps": config.steps}.get(config.operation, [config])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            edited = []
            for frame in frames(image):
                for edit in edits:
                    frame = apply(frame, edit)
                edited.append(frame)
    except (OSError, SyntaxError, Image.DecompressionBombWarning) as exc:
        raise NodeError(f"The image could not be read: {exc}") from None
    if len(edited) > 1 and len(edited) * edited[0].width * edited[0].height > max_pixels():
        raise NodeError(_too_large(f"The edited image ({len(edited)} frames)"))
    return {"file": write(edited, image.info, source, fmt, config).value()}


NODE = NodeType(
    type="utility.image",
    label="Edit image",
    category="utility",
    description="Resizes, crops, rotates, flips or converts an image file (PNG, JPEG, GIF, "
    "WebP, BMP, TIFF), several edits in a row, or reads its size and format.",
    Config=Config,
    run=run,
    examples=(
        (
            "Make a 200 pixel wide JPEG thumbnail of the downloaded photo.",
            {
                "operation": "resize",
                "file": "{{ nodes.download.file }}",
                "width": 200,
                "height": 200,
                "format": "jpeg",
            },
        ),
        (
            "How big is the uploaded image?",
            {"operation": "information", "file": "{{ nodes.upload.file }}"},
        ),
    ),
)
