"""Uploads are judged by content: re-encoded rasters, rebuilt SVGs, and refusals with reasons."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from modules.media.errors import MediaError
from modules.media.services import sanitise
from tests.media.conftest import SVG_OK, jpeg_with_exif, png_bytes

MALICIOUS_SVG = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>alert(1)</script></svg>',
    "onload": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"/>',
    "onclick on child": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect onclick="x()"/></svg>',
    "foreignObject": (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><foreignObject>'
                      b'<body xmlns="http://www.w3.org/1999/xhtml"><script>x()</script></body></foreignObject></svg>'),
    "external entity": (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>&x;</text></svg>'),
    "billion laughs": (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                       b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>&b;</text></svg>'),
    "javascript link": (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                        b'viewBox="0 0 10 10"><a xlink:href="javascript:alert(1)"><rect/></a></svg>'),
    "external use": (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                     b'<use href="https://evil.example/x.svg#a"/></svg>'),
    "external image": (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                       b'<image href="https://evil.example/track.png"/></svg>'),
    "style element": (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                      b'<style>@import url(https://evil.example/a.css)</style></svg>'),
    "external paint": (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                       b'<rect fill="url(https://evil.example/p.svg#g)"/></svg>'),
    "animate rewriting a link": (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect>'
                                 b'<set attributeName="href" to="javascript:alert(1)"/></rect></svg>'),
    "iframe": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><iframe src="https://x"/></svg>',
    "not svg root": b'<html xmlns="http://www.w3.org/1999/xhtml"><script>x()</script></html>',
    "malformed": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><g></svg>',
    "html page": b"<!doctype html><html><body onload=alert(1)></body></html>",
}


@pytest.mark.parametrize("name", sorted(MALICIOUS_SVG))
def test_malicious_svg_is_refused_with_a_reason(app, name):
    with pytest.raises(MediaError) as err:
        sanitise(MALICIOUS_SVG[name])
    assert str(err.value)


def test_svg_is_rebuilt_from_the_allowlist(app):
    source = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
        b'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 100 200" '
        b'inkscape:version="1.2" style="background:url(x)"><metadata><x>editor</x></metadata>'
        b'<g inkscape:label="layer"><path d="M0 0 L1 1" fill="url(#grad)" data-secret="1"/></g>'
        b'<defs><linearGradient id="grad"><stop offset="0" stop-color="#fff"/></linearGradient></defs></svg>'
    )
    kind, clean, width, height = sanitise(source)
    assert (kind, width, height) == ("svg", 100, 200)
    text = clean.decode()
    assert 'fill="url(#grad)"' in text and "<path" in text and "linearGradient" in text
    for gone in ("inkscape", "metadata", "style", "data-secret", "editor"):
        assert gone not in text


def test_svg_needs_a_size(app):
    with pytest.raises(MediaError, match="viewBox"):
        sanitise(b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>')


def test_raster_is_re_encoded_without_metadata(app):
    source = jpeg_with_exif()
    assert b"SecretCam" in source and b"private note" in source
    kind, clean, width, height = sanitise(source)
    assert (kind, width, height) == ("jpeg", 32, 32)
    assert b"SecretCam" not in clean and b"private note" not in clean
    assert not Image.open(io.BytesIO(clean)).getexif()


def test_png_text_chunks_are_dropped(app):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "hidden author")
    kind, clean, *_ = sanitise(png_bytes(pnginfo=info))
    assert kind == "png" and b"hidden author" not in clean


def test_webp_is_accepted(app):
    out = io.BytesIO()
    Image.new("RGBA", (20, 10), (0, 0, 255, 128)).save(out, "WEBP")
    assert sanitise(out.getvalue())[0] == "webp"


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge image: a few bytes that would decode to gigabytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = zlib.compress(b"\x00" * 1024, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def test_decompression_bomb_is_refused_before_decoding(app):
    with pytest.raises(MediaError, match="pixels"):
        sanitise(_png_header_only(50_000, 50_000))
    with pytest.raises(MediaError, match="pixels"):
        sanitise(_png_header_only(6_000, 6_000))  # above the configured 25 million


def test_polyglot_is_refused(app):
    with pytest.raises(MediaError, match="after the end of the image"):
        sanitise(png_bytes() + b"PK\x03\x04<html><script>alert(1)</script></html>")
    jpeg = jpeg_with_exif()
    with pytest.raises(MediaError, match="after the end of the image"):
        sanitise(jpeg + b"<script>alert(1)</script>")


def test_truncated_image_is_refused(app):
    data = png_bytes(200, 200)
    with pytest.raises(MediaError, match="truncated|damaged"):
        sanitise(data[: len(data) // 2])
    jpeg = jpeg_with_exif()
    with pytest.raises(MediaError, match="truncated|damaged"):
        sanitise(jpeg[:-40])


def test_oversized_and_empty_and_unknown_files_are_refused(app):
    app.config["MEDIA_MAX_BYTES"] = 1000
    with pytest.raises(MediaError, match="limit"):
        sanitise(b"\x89PNG\r\n\x1a\n" + b"0" * 2000)
    with pytest.raises(MediaError, match="empty"):
        sanitise(b"")
    with pytest.raises(MediaError, match="content was checked"):
        sanitise(b"GIF89a....")


def test_name_does_not_decide_the_type(app):
    # an SVG named .png is judged as an SVG; a PNG named .svg as a PNG
    assert sanitise(SVG_OK)[0] == "svg"
    assert sanitise(png_bytes())[0] == "png"


@pytest.mark.parametrize("name", ["front", "back", "neck-shoulder", "lumbar-gluteal", "lower-limb"])
def test_shipped_body_charts_pass_the_sanitiser(app, name):
    from modules.media.body_charts import BODY_CHART_DIR

    kind, clean, width, height = sanitise((BODY_CHART_DIR / f"{name}.svg").read_bytes())
    assert kind == "svg" and width > 0 and height > 0
    assert b"<title>" in clean and b"<path" in clean
