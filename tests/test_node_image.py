"""utility.image: edits on images made in the test, n8n's resize geometry, hostile images."""

from __future__ import annotations

import base64
import io
import struct
import zlib

import pytest
from PIL import Image

from editor.nodes import utility_image
from editor.nodes.base import NodeError
from tests.data_nodes import form, form_round_trip, run, run_in_workflow
from workfuse.lib import files


def image_file(
    size: tuple[int, int] = (400, 200),
    fmt: str = "PNG",
    mode: str = "RGB",
    name: str = "photo.png",
    color: tuple[int, ...] = (200, 30, 30),
) -> dict:
    image = Image.new(mode, size, color)
    if mode == "RGB":
        image.paste((10, 200, 10), (0, 0, size[0] // 2, size[1]))  # left half green
    out = io.BytesIO()
    image.save(out, format=fmt)
    return files.make(out.getvalue(), name).value()


def opened(value: dict) -> Image.Image:
    return Image.open(io.BytesIO(files.read(value).data))


def edit(config: dict, file: dict | None = None) -> dict:
    return run(utility_image, {"file": file or image_file(), **config})


@pytest.mark.parametrize(
    ("mode", "width", "height", "size"),
    [
        ("fit", 100, 100, (100, 50)),  # n8n "maxArea": fits inside, proportions kept
        ("cover", 100, 100, (200, 100)),  # "minArea": covers it
        ("exact", 100, 100, (100, 100)),  # "ignoreAspectRatio"
        ("percent", 50, 25, (200, 50)),
        ("shrink", 1000, 1000, (400, 200)),  # "onlyIfLarger": already smaller, left alone
        ("shrink", 200, 200, (200, 100)),
        ("enlarge", 200, 200, (400, 200)),  # "onlyIfSmaller": already larger
        ("enlarge", 800, 800, (800, 400)),
        ("fit", 0, 100, (200, 100)),  # a side given as 0 does not constrain ("x100")
        ("cover", 100, 0, (100, 50)),
    ],
)
def test_resize_follows_n8ns_geometry(mode, width, height, size):
    out = edit({"operation": "resize", "resize_mode": mode, "width": width, "height": height})
    assert opened(out["file"]).size == size


def test_crop_rotate_and_flip_move_the_pixels():
    cropped = opened(
        edit({"operation": "crop", "x": 180, "y": 0, "width": 40, "height": 10})["file"]
    )
    assert cropped.size == (40, 10)
    assert cropped.getpixel((0, 0)) == (10, 200, 10) and cropped.getpixel((39, 0)) == (200, 30, 30)
    clipped = opened(
        edit({"operation": "crop", "x": 350, "y": 150, "width": 100, "height": 100})["file"]
    )
    assert clipped.size == (50, 50)  # clipped to the image, as GraphicsMagick does
    rotated = opened(edit({"operation": "rotate", "degrees": 90})["file"])
    assert rotated.size == (200, 400)
    assert rotated.getpixel((100, 10)) == (10, 200, 10)  # clockwise: the left half goes on top
    flipped = opened(edit({"operation": "flip", "direction": "horizontal"})["file"])
    assert flipped.getpixel((0, 0)) == (200, 30, 30)


def test_a_rotation_by_an_odd_angle_fills_the_corners_with_the_background():
    rotated = opened(edit({"operation": "rotate", "degrees": 45, "background": "#0000ff"})["file"])
    assert rotated.width > 400 and rotated.getpixel((0, 0)) == (0, 0, 255)
    clear = opened(edit({"operation": "rotate", "degrees": 30, "background": "#ffffff00"})["file"])
    assert clear.mode == "RGBA" and clear.getpixel((0, 0))[3] == 0


def test_steps_run_in_order_and_the_format_and_name_change():
    out = edit(
        {
            "operation": "steps",
            "steps": [
                {"operation": "crop", "x": 0, "y": 0, "width": 200, "height": 200},
                {"operation": "resize", "width": 50, "height": 50},
                {"operation": "rotate", "degrees": 180},
            ],
            "format": "jpeg",
            "quality": 80,
        }
    )
    value = out["file"]
    assert value["filename"] == "photo.jpeg" and value["content_type"] == "image/jpeg"
    image = opened(value)
    assert image.format == "JPEG" and image.size == (50, 50)
    named = edit({"operation": "convert", "format": "webp", "filename": "small.webp"})["file"]
    assert named["filename"] == "small.webp" and opened(named).format == "WEBP"


def test_a_transparent_png_written_as_jpeg_is_flattened_onto_white():
    clear = image_file((10, 10), mode="RGBA", color=(0, 0, 0, 0))
    out = edit({"operation": "convert", "format": "jpeg"}, clear)
    assert opened(out["file"]).getpixel((5, 5)) == (255, 255, 255)


def test_information_describes_the_image():
    gif = image_file((30, 20), fmt="GIF", mode="P", name="anim.gif", color=1)
    info = edit({"operation": "information"}, gif)["info"]
    assert info == {
        "width": 30,
        "height": 20,
        "format": "gif",
        "content_type": "image/gif",
        "mode": "P",
        "has_alpha": False,
        "frames": 1,
        "dpi": None,
        "size": len(files.read(gif).data),
        "filename": "anim.gif",
    }


def test_templates_render_numbers_that_the_config_then_reads():
    config = utility_image.Config.model_validate({"width": "{{ trigger.w }}", "file": None})
    assert config.width == "{{ trigger.w }}"
    assert utility_image.Config.model_validate({"width": "120"}).width == 120
    with pytest.raises(ValueError, match="'wide' is not a number"):
        utility_image.Config.model_validate({"width": "wide"})


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims a size and whose pixels are a few bytes: a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("size", [(10_000, 10_000), (100_000, 100_000)])
def test_an_image_claiming_too_many_pixels_is_refused_before_decoding(size):
    bomb = files.make(_png_header(*size), "bomb.png").value()
    with pytest.raises(NodeError, match="more than 40,000,000 pixels"):
        edit({"operation": "information"}, bomb)


def test_results_over_the_limits_are_refused(settings):
    with pytest.raises(NodeError, match=r"The resized image .*more than"):
        edit({"operation": "resize", "resize_mode": "percent", "width": 10_000, "height": 10_000})
    settings.WORKFUSE_FILE_MAX_BYTES = 2_000
    with pytest.raises(NodeError, match="files are limited"):
        edit({"operation": "convert", "format": "bmp"})


def test_what_is_not_an_image_fails_saying_so():
    text = files.make(b"%!PS-Adobe-3.0 EPSF-3.0\n", "x.eps").value()
    with pytest.raises(NodeError, match="not an image WorkFuse reads"):
        edit({"operation": "information"}, text)
    with pytest.raises(NodeError, match="file must be a file"):
        edit({"operation": "information"}, "photo.png")  # type: ignore[arg-type]
    broken = {**image_file(), "content": base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()}
    with pytest.raises(NodeError):
        edit({"operation": "resize"}, broken)


@pytest.mark.django_db
def test_the_form_shows_the_settings(alice, alice_client):
    shown = form(alice_client, alice, "utility.image", {})
    assert (
        shown.kinds["operation"] == shown.kinds["resize_mode"] == shown.kinds["format"] == "select"
    )
    config = {"operation": "resize", "file": "{{ trigger.photo }}", "width": 64, "height": 64}
    assert form_round_trip(alice_client, alice, "utility.image", config)["width"] == 64


@pytest.mark.django_db(transaction=True)
def test_an_image_is_edited_in_a_workflow(alice):
    node = {
        "id": "thumb",
        "type": "utility.image",
        "config": {
            "operation": "resize",
            "file": "{{ trigger.photo }}",
            "width": "{{ trigger.w }}",
            "height": 40,
        },
    }
    step = run_in_workflow(alice, node, {"photo": image_file(), "w": "40"})
    assert opened(step.output["file"]).size == (40, 20)


def test_an_animation_is_edited_frame_by_frame_and_stays_animated():
    frames = [Image.new("RGB", (40, 20), color) for color in ((255, 0, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=120, loop=0)
    gif = files.make(out.getvalue(), "blink.gif").value()
    resized = opened(edit({"operation": "resize", "width": 20, "height": 20}, gif)["file"])
    assert resized.size == (20, 10) and resized.n_frames == 2
    resized.seek(1)
    assert resized.convert("RGB").getpixel((5, 5)) == (0, 0, 255)
    first = opened(edit({"operation": "convert", "format": "png"}, gif)["file"])
    assert first.format == "PNG" and first.convert("RGB").getpixel((5, 5)) == (255, 0, 0)


# --- fileops ---
def solid(size: tuple[int, int], color: tuple[int, ...], mode: str = "RGB") -> dict:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format="PNG")
    return files.make(out.getvalue(), "solid.png").value()


def pixel(value: dict, at: tuple[int, int]) -> tuple[int, ...]:
    return opened(value).convert("RGBA").getpixel(at)


def test_create_makes_a_new_image_without_reading_a_file():
    made = run(
        utility_image,
        {
            "operation": "create",
            "width": 120,
            "height": 80,
            "background": "#102030ff",
        },
    )["file"]
    assert made["filename"] == "image.png" and made["content_type"] == "image/png"
    image = opened(made)
    assert image.size == (120, 80) and image.getpixel((60, 40)) == (16, 32, 48, 255)


def test_draw_fills_rectangles_circles_and_lines_blending_translucent_colors():
    blue = solid((200, 100), (0, 0, 200))
    boxed = edit(
        {"operation": "draw", "color": "#ff000080", "x": 10, "y": 10, "end_x": 50, "end_y": 50},
        blue,
    )["file"]
    # half red over blue: GraphicsMagick's fill with alpha 0x80
    assert pixel(boxed, (30, 30))[:3] in ((128, 0, 100), (128, 0, 99))
    assert pixel(boxed, (60, 30))[:3] == (0, 0, 200)
    assert opened(boxed).mode == "RGB"  # no transparency added to an opaque image
    circle = edit(
        {
            "operation": "draw",
            "primitive": "circle",
            "color": "#ffffff",
            "x": 100,
            "y": 50,
            "end_x": 100,
            "end_y": 30,  # radius 20
        },
        blue,
    )["file"]
    assert pixel(circle, (100, 50))[:3] == (255, 255, 255)
    assert pixel(circle, (100, 75))[:3] == (0, 0, 200)
    assert pixel(circle, (115, 50))[:3] == (255, 255, 255)
    line = edit(
        {
            "operation": "draw",
            "primitive": "line",
            "color": "#00ff00",
            "x": 0,
            "y": 5,
            "end_x": 199,
            "end_y": 5,
        },
        blue,
    )["file"]
    assert pixel(line, (150, 5))[:3] == (0, 255, 0) and pixel(line, (150, 7))[:3] == (0, 0, 200)


def test_text_wraps_as_n8n_and_writes_from_the_baseline():
    assert utility_image.wrapped("one two three four\nfive", 9) == [
        "one two",
        "three",
        "four",
        "five",
    ]
    white = solid((300, 120), (255, 255, 255))
    written = edit(
        {
            "operation": "text",
            "text": "WWWW WWWW",
            "font_size": 30,
            "color": "#000000",
            "x": 10,
            "y": 40,
            "line_length": 5,
        },
        white,
    )["file"]
    image = opened(written).convert("L")
    dark = [(x, y) for x in range(300) for y in range(120) if image.getpixel((x, y)) < 100]
    assert dark, "no text was written"
    assert min(x for x, _ in dark) >= 10
    assert min(y for _, y in dark) < 40 < max(y for _, y in dark)  # two lines: below the first
    assert max(y for _, y in dark) > 60


def test_composite_lays_the_overlay_on_as_its_operator_says():
    base = solid((100, 100), (0, 0, 255, 255), "RGBA")
    logo = solid((20, 20), (255, 0, 0, 128), "RGBA")
    over = edit({"operation": "composite", "overlay": logo, "x": 70, "y": 90}, base)["file"]
    assert pixel(over, (75, 95))[:3] in ((128, 0, 127), (128, 0, 126))
    assert pixel(over, (65, 95)) == (0, 0, 255, 255)
    assert opened(over).size == (100, 100)  # clipped to the image
    copied = edit(
        {"operation": "composite", "overlay": logo, "operator": "Copy", "x": 0, "y": 0}, base
    )["file"]
    assert pixel(copied, (5, 5)) == (255, 0, 0, 128)
    # In: the overlay only where the image is; a clear image keeps nothing of it
    clear = solid((40, 40), (0, 0, 0, 0), "RGBA")
    kept = edit({"operation": "composite", "overlay": logo, "operator": "In"}, clear)["file"]
    assert pixel(kept, (5, 5))[3] == 0
    with pytest.raises(NodeError, match="overlay"):
        edit({"operation": "composite", "overlay": None}, base)


def test_create_draw_and_composite_make_a_round_avatar_mask():
    avatar = image_file(size=(200, 200), color=(0, 128, 0))  # left half (10, 200, 10)
    made = run(
        utility_image,
        {
            "operation": "steps",
            "steps": [
                {"operation": "create", "width": 200, "height": 200, "background": "#00000000"},
                {
                    "operation": "draw",
                    "primitive": "circle",
                    "color": "#000000ff",
                    "x": 100,
                    "y": 100,
                    "end_x": 100,
                    "end_y": 10,
                },
                {"operation": "composite", "operator": "In", "overlay": avatar},
            ],
        },
    )["file"]
    assert pixel(made, (100, 100))[3] == 255 and pixel(made, (5, 5))[3] == 0
    assert pixel(made, (50, 100))[:3] == (10, 200, 10)  # the avatar's own pixels
    assert pixel(made, (150, 100))[:3] == (0, 128, 0)


def test_new_edits_keep_the_size_limits(settings):
    settings.WORKFUSE_IMAGE_MAX_PIXELS = 10_000
    with pytest.raises(NodeError, match="WORKFUSE_IMAGE_MAX_PIXELS"):
        run(utility_image, {"operation": "create", "width": 200, "height": 200})
    with pytest.raises(NodeError, match="font_size"):
        edit({"operation": "text", "text": "x", "font_size": 5000}, image_file(size=(50, 50)))
    with pytest.raises(ValueError, match="first edit"):
        utility_image.Config.model_validate(
            {"operation": "steps", "steps": [{"operation": "flip"}, {"operation": "create"}]}
        )


# --- end fileops ---
