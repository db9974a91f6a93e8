"""Media library fixtures: files kept in a temporary folder, a course, people."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.factories import build_course


@pytest.fixture
def app(app, tmp_path):
    app.config["MEDIA_ROOT"] = str(tmp_path / "media")
    return app


@pytest.fixture
def course(app):
    return build_course((1,))


@pytest.fixture
def instructor(make_user):
    return make_user("instructor", name="Iris Instructor")


def png_bytes(width: int = 40, height: int = 30, **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG", **save)
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (32, 32), (10, 120, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"private note")
    return out.getvalue()


SVG_OK = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 200">'
    b'<title>Front</title><path d="M10 10 L90 10" stroke="#333"/><circle cx="50" cy="50" r="10"/></svg>'
)
