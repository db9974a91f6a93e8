"""PNG, JPEG and WebP uploads: recognised by content, bounded, then re-encoded by Pillow.

Re-encoding draws a new file from the decoded pixels, so metadata (EXIF with GPS, comments,
colour profiles, text chunks) and anything smuggled after the image data is gone. Before
decoding, the dimensions read from the header are checked against the pixel bound, so a
decompression bomb is refused without allocating its pixels; a file that carries bytes after
the end of its image (a polyglot, also valid as an archive or a page) is refused outright.
"""

from __future__ import annotations

import io
import struct
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from modules.media.errors import MediaError

FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}


def sniff_raster(data: bytes) -> str | None:
    """The kind named by the file's magic bytes, or None when it is not a raster we take."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _png_end(data: bytes) -> int:
    """Offset just past the IEND chunk, walking the chunk structure."""
    pos = 8
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        pos += 12 + length
        if kind == b"IEND":
            return pos
    raise MediaError("The PNG file is truncated (it has no end marker).")


def _check_no_trailing_data(kind: str, data: bytes) -> None:
    if kind == "png":
        end = _png_end(data)
    elif kind == "jpeg":
        end = data.rfind(b"\xff\xd9") + 2
        if end < 2:
            raise MediaError("The JPEG file is truncated (it has no end marker).")
    else:
        (size,) = struct.unpack("<I", data[4:8])
        end = size + 8 + (size % 2)
        if end > len(data):
            raise MediaError("The WebP file is truncated.")
    if data[end:].strip(b"\x00"):
        raise MediaError(
            "The file holds data after the end of the image (it is also another kind of file); "
            "save it again as a plain image."
        )


def sanitise_raster(kind: str, data: bytes, max_pixels: int) -> tuple[bytes, int, int]:
    """Re-encoded bytes, width and height; ``MediaError`` with a reason for anything wrong."""
    _check_no_trailing_data(kind, data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[k for k, v in FORMATS.items() if v == kind])
            width, height = image.size
            if width < 1 or height < 1 or width * height > max_pixels:
                raise MediaError(
                    f"The image is {width} x {height} pixels; the limit is {max_pixels:,} pixels in all."
                )
            image.load()
            image = ImageOps.exif_transpose(image)
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise MediaError("The image decompresses to too many pixels and was refused.") from err
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error) as err:
        raise MediaError("The image is damaged or truncated and cannot be read.") from err
    return _encode(kind, image), image.width, image.height


def _encode(kind: str, image: Image.Image) -> bytes:
    image = image.copy()
    image.info = {}  # comments, EXIF, ICC profiles and text chunks are never written again
    out = io.BytesIO()
    if kind == "jpeg":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        if kind == "png":
            image.save(out, "PNG", optimize=True)
        else:
            image.save(out, "WEBP", quality=88)
    return out.getvalue()
