"""What a PDF editor does to a certificate: rewrite printed text, leave the attachment alone."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, StreamObject


def rewrite_printed_text(pdf: bytes, old: str, new: str) -> bytes:
    """The page's drawing with ``old`` replaced by ``new``, saved as an incremental update (as
    editors save), so the embedded signed record stays byte for byte what it was."""
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    page = writer.pages[0]
    content = page.get_contents().get_data()
    assert old.encode("latin-1") in content, "the text to forge is not on the page"
    stream = StreamObject()
    stream.set_data(content.replace(old.encode("latin-1"), new.encode("latin-1")))
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    forged = out.getvalue()
    assert forged.startswith(pdf)  # the original bytes, record included, are untouched
    assert old not in (PdfReader(io.BytesIO(forged)).pages[0].extract_text() or "")
    return forged
