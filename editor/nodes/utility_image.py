"""utility.image: resize, crop, rotate, flip, draw on, write on, combine or convert an image
file, make a new one, or read what it is.

The image is a file value (workfuse/lib/files.py), usually a template such as
`{{ nodes.download.file }}`; the output is `{file}` (the edited image as a file value) or, for
`information`, `{info}`. Several edits in a row are `steps` (n8n's Edit Image "Multi Step").
A `create` step starts from a new blank image instead of `file`; `composite` lays another image
(`overlay`) on it; `draw` fills a rectangle, circle or line and `text` writes with WorkFuse's
built-in font, both in colors that may be translucent.

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
from typing import Annotated, Any, Literal, Self, get_args

from django.conf import settings
from PIL import (
    Image,
    ImageChops,
    ImageColor,
    ImageDraw,
    ImageFont,
    ImageOps,
    ImageSequence,
    UnidentifiedImageError,
)
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
EditOperation = Literal["resize", "crop", "rotate", "flip", "create", "draw", "text", "composite"]
Operation = Literal[EditOperation, "convert", "information", "steps"]
MAX_SIDE = 20_000  # pixels on a side of a result
MAX_STEPS = 20
MAX_FONT_SIZE = 2_000
MAX_TEXT = 10_000  # characters written by one text edit
# GraphicsMagick's composite operators WorkFuse has (n8n's Edit Image offers more).
Operator = Literal[
    "Over", "In", "Out", "Atop", "Copy", "Plus", "Add", "Subtract", "Multiply", "Difference"
]
OPERATORS = get_args(Operator)


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


def _real(value: Any) -> Any:
    """A number (drawing positions may have decimals), numeric text, or a template."""
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        if is_template(value):
            return value
        try:
            return float(value.strip())
        except ValueError:
            raise ValueError(f"'{value}' is not a number") from None
    raise ValueError(f"{value!r} is not a number")


Real = Annotated[float | int | str, BeforeValidator(_real)]


def _color(value: str) -> str:
    if value and not is_template(value):
        try:
            ImageColor.getrgb(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a color such as '#ffffff' or 'white'") from None
    return value


class Edit(NodeConfig):
    """One edit; `Config` holds one, and `steps` a list of them."""

    operation: EditOperation = Field(
        "resize",
        description="resize: to width x height as 'resize_mode' says. crop: the width x height "
        "area at x, y. rotate: by 'degrees' clockwise, the corners filled with 'background'. "
        "flip: mirror it ('direction'). create (first step only): a new width x height image "
        "of color 'background', the file left unread. draw: fill a 'primitive' in 'color' from "
        "x, y to end_x, end_y. text: write 'text' at x, y (its first line's baseline). "
        "composite: lay the 'overlay' image on it at x, y, combined as 'operator' says.",
    )
    width: Number = Field(
        500, description="resize, crop and create: pixels (percent for 'percent')."
    )
    height: Number = Field(
        500, description="resize, crop and create: pixels (percent for 'percent')."
    )
    resize_mode: Literal["fit", "cover", "exact", "shrink", "enlarge", "percent"] = Field(
        "fit",
        description="fit: as large as fits in width x height, keeping its proportions. cover: "
        "as small as covers width x height, keeping them. exact: width x height, ignoring "
        "them. shrink: fit, only if it is larger. enlarge: fit, only if it is smaller. "
        "percent: width and height are percentages.",
    )
    x: Real = Field(
        0, description="crop, draw, text, composite: the left edge (draw: the start), pixels."
    )
    y: Real = Field(
        0, description="crop, draw, text, composite: the top edge (draw: the start), pixels."
    )
    degrees: Number = Field(0, description="rotate: degrees, clockwise; the image grows to fit.")
    background: Annotated[str, BeforeValidator(lambda v: _color(str(v)))] = Field(
        "#ffffffff",
        description="rotate: the color of the corners; create: the image's color. "
        "E.g. '#ffffff00' (clear).",
    )
    direction: Literal["horizontal", "vertical"] = Field(
        "horizontal", description="flip: left-right (horizontal) or top-bottom (vertical)."
    )
    primitive: Literal["rectangle", "circle", "line"] = Field(
        "rectangle",
        description="draw: a rectangle (corners x, y and end_x, end_y), a circle (center x, y "
        "through the point end_x, end_y) or a one pixel line.",
    )
    end_x: Real = Field(250, description="draw: where the shape ends, pixels from the left.")
    end_y: Real = Field(250, description="draw: where the shape ends, pixels from the top.")
    corner_radius: Number = Field(0, description="draw: rounds a rectangle's corners, pixels.")
    color: Annotated[str, BeforeValidator(lambda v: _color(str(v)))] = Field(
        "#ff0000ff",
        description="draw and text: the color, e.g. '#000000' or '#0000008c' (translucent).",
    )
    text: str = Field("", max_length=MAX_TEXT, description="text: what to write.")
    font_size: Number = Field(18, description="text: the size of the letters, pixels.")
    line_length: Number = Field(
        80, description="text: words wrap onto a new line past this many characters."
    )
    overlay: Any = Field(
        None,
        description="composite: the image laid on top, a file value, usually a template such "
        "as '{{ nodes.logo.file }}'.",
    )
    operator: Operator = Field(
        "Over",
        description="composite: Over (on top), In (only where the image is), Out (only where "
        "it is not), Atop (on top, inside the image), Copy (replacing the area), Plus or Add, "
        "Subtract, Multiply, Difference (the colors combined).",
    )


class Config(Edit):
    # A wider choice than one edit's (Edit.operation), in the same place in the form.
    operation: Operation = Field(  # type: ignore[assignment]
        "resize",
        description="resize, crop, rotate, flip, create, draw, text, composite: one edit "
        "(see each setting). convert: "
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
        if any(step.operation == "create" for step in self.steps[1:]):
            raise ValueError("steps: only the first edit may be 'create'")
        return self

    def edits(self) -> list[Edit]:
        return {"convert": [], "information": [], "steps": self.steps}.get(self.operation, [self])


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


def _real_value(value: Any, name: str) -> float:
    try:
        return float(_real(value))
    except (TypeError, ValueError) as exc:
        raise NodeError(f"{name}: {exc}") from None


def create(edit: Edit) -> Image.Image:
    """A new image of the edit's size, filled with its background (GraphicsMagick's `gm(w, h,
    color)`)."""
    width, height = _int(edit.width, "width"), _int(edit.height, "height")
    _check_size(width, height, "The new image")
    color = ImageColor.getrgb(_color(edit.background) or "#ffffff00")
    return Image.new("RGBA", (width, height), _fill(color, "RGBA"))


def _over(image: Image.Image, layer: Image.Image) -> Image.Image:
    """`layer` (RGBA, the image's size) laid on the image; an image without transparency
    keeps none."""
    base = image if image.mode == "RGBA" else image.convert("RGBA")
    out = Image.alpha_composite(base, layer)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    return out if has_alpha else out.convert("RGB")


def draw(image: Image.Image, edit: Edit) -> Image.Image:
    """A filled shape, as GraphicsMagick draws with `-fill` and no stroke."""
    color = _fill(ImageColor.getrgb(_color(edit.color) or "#ff0000ff"), "RGBA")
    x0, y0 = _real_value(edit.x, "x"), _real_value(edit.y, "y")
    x1, y1 = _real_value(edit.end_x, "end_x"), _real_value(edit.end_y, "end_y")
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(layer)
    if edit.primitive == "line":
        pen.line((x0, y0, x1, y1), fill=color, width=1)
    elif edit.primitive == "circle":
        r = math.hypot(x1 - x0, y1 - y0)
        pen.ellipse((x0 - r, y0 - r, x0 + r, y0 + r), fill=color)
    else:
        box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        radius = max(0, _int(edit.corner_radius, "corner_radius"))
        pen.rounded_rectangle(box, radius=radius, fill=color)
    return _over(image, layer)


def wrapped(text: str, line_length: int) -> list[str]:
    """The lines n8n's Edit Image writes: words moved to a new line once a line would pass
    `line_length` characters, the text's own line breaks kept."""
    lines: list[str] = []
    current = ""
    for text_line in text.split("\n"):
        for part in text_line.split(" "):
            if len(current) + len(part) + 1 > line_length:
                lines.append(current.strip())
                current = f"{part} "
                continue
            current += f"{part} "
        lines.append(current.strip())
        current = ""
    return lines


def write_text(image: Image.Image, edit: Edit) -> Image.Image:
    """The text from x, y, the first line's baseline there (GraphicsMagick's `-draw text`)."""
    size = _int(edit.font_size, "font_size")
    if not 1 <= size <= MAX_FONT_SIZE:
        raise NodeError(f"font_size: {size} is not between 1 and {MAX_FONT_SIZE}.")
    length = max(1, _int(edit.line_length, "line_length"))
    font = ImageFont.load_default(size=size)
    ascent, descent = font.getmetrics() if isinstance(font, ImageFont.FreeTypeFont) else (size, 0)
    color = _fill(ImageColor.getrgb(_color(edit.color) or "#000000"), "RGBA")
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(layer)
    x, y = _real_value(edit.x, "x"), _real_value(edit.y, "y")
    for number, line in enumerate(wrapped(edit.text, length)):
        top = y + number * (ascent + descent)
        if top - ascent > image.height:
            break
        pen.text((x, top), line, fill=color, font=font, anchor="ls")
    return _over(image, layer)


def composite(image: Image.Image, overlay: Image.Image, edit: Edit) -> Image.Image:
    """`overlay` laid on the image at x, y as GraphicsMagick's `composite -compose <operator>`
    does: only the area under the overlay changes."""
    left, top = round(_real_value(edit.x, "x")), round(_real_value(edit.y, "y"))
    box = (
        max(0, left),
        max(0, top),
        min(image.width, left + overlay.width),
        min(image.height, top + overlay.height),
    )
    if box[2] <= box[0] or box[3] <= box[1]:
        return image  # the overlay lies outside the image
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    base = image.convert("RGBA")
    dst = base.crop(box)
    src = overlay.convert("RGBA").crop((box[0] - left, box[1] - top, box[2] - left, box[3] - top))
    base.paste(_combined(dst, src, edit.operator), box[:2])
    return base if has_alpha or edit.operator in ("In", "Out", "Copy") else base.convert("RGB")


def _combined(dst: Image.Image, src: Image.Image, operator: str) -> Image.Image:
    """Porter-Duff (Over, In, Out, Atop, Copy) or a blend of the colors laid on as Over."""
    src_alpha, dst_alpha = src.getchannel("A"), dst.getchannel("A")
    if operator == "Over":
        return Image.alpha_composite(dst, src)
    if operator == "Copy":
        return src
    if operator in ("In", "Out"):
        mask = dst_alpha if operator == "In" else ImageChops.invert(dst_alpha)
        out = src.copy()
        out.putalpha(ImageChops.multiply(src_alpha, mask))
        return out
    if operator == "Atop":
        out = Image.composite(src, dst, src_alpha)
        out.putalpha(dst_alpha)
        return out
    colors = {
        "Plus": ImageChops.add,
        "Add": ImageChops.add_modulo,
        "Subtract": ImageChops.subtract_modulo,
        "Multiply": ImageChops.multiply,
        "Difference": ImageChops.difference,
    }[operator](dst.convert("RGB"), src.convert("RGB"))
    blended = colors.convert("RGBA")
    blended.putalpha(src_alpha)
    return Image.alpha_composite(dst, blended)


def apply(image: Image.Image, edit: Edit, overlay: Image.Image | None = None) -> Image.Image:
    if edit.operation == "create":
        return create(edit)
    if edit.operation == "draw":
        return draw(image, edit)
    if edit.operation == "text":
        return write_text(image, edit)
    if edit.operation == "composite":
        if overlay is None:
            raise NodeError("composite needs an 'overlay' image.")
        return composite(image, overlay, edit)
    if edit.operation == "resize":
        size = resized_size(image.size, edit)
        _check_size(*size, "The resized image")
        return image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)
    if edit.operation == "crop":
        left, top = round(_real_value(edit.x, "x")), round(_real_value(edit.y, "y"))
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


def _read(value: Any, where: str) -> files.File:
    try:
        return files.read(value, where)
    except files.FileError as exc:
        raise NodeError(str(exc)) from None


def run(config: Config, ctx: RunContext) -> dict[str, Any]:
    """{file}: the edited image as a file value; for information, {info}."""
    edits = config.edits()
    if edits and edits[0].operation == "create":
        # A new image: the file, if any, is not read (n8n's Edit Image starts from nothing).
        source = files.File("", "image/png", b"")
        image = create(edits[0])
        fmt = FORMATS[config.format or "png"]
        edits = edits[1:]
    else:
        source = _read(config.file, "file")
        image = open_image(source.data)
        if config.operation == "information":
            return {"info": information(image, source)}
        fmt = FORMATS[config.format] if config.format else (image.format or "PNG")
    overlays = {
        index: open_image(_read(edit.overlay, "overlay").data)
        for index, edit in enumerate(edits)
        if edit.operation == "composite"
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            edited = []
            for frame in frames(image):
                for index, edit in enumerate(edits):
                    frame = apply(frame, edit, overlays.get(index))
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
    description="Resizes, crops, rotates, flips, draws or writes on, combines or converts an "
    "image file (PNG, JPEG, GIF, WebP, BMP, TIFF), several edits in a row, makes a new image, "
    "or reads its size and format.",
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
