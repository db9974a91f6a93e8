"""Checking a certificate PDF someone was given: the signed record AND the printed page.

The embedded record proves what the provider issued, but a reader sees the page, and a PDF
editor can rewrite the printed name while leaving the record alone. The PDF is rendered
deterministically from the signed record, so the check renders it again and compares what
draws the page (content streams, fonts and other resources, annotations) with the upload. Any
difference is a forgery; the printed text of both is then compared line by line to say what
was changed. Uploads are read in memory only and never stored.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from training.certificates.keyring import public_key_for
from training.certificates.record import RECORD_FILENAME, check_signed, extract_record, record_json
from training.certificates.snapshot import CertificateSnapshot

_VERIFY_AT = re.compile(r"Verify at (\S+)")
_MAX_DEPTH = 12


class PdfRefused(ValueError):
    """The upload is not something we can check (not a PDF, too big, encrypted, malformed)."""


@dataclass
class PdfCheck:
    ok: bool
    reason: str
    snapshot: dict = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)
    url_checked: bool = True


def _reader(data: bytes, max_bytes: int):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if len(data) > max_bytes:
        raise PdfRefused(f"The file is too large ({len(data) // 1024} KB); certificate PDFs are "
                         f"well under {max_bytes // 1024} KB.")
    if not data.lstrip()[:5] == b"%PDF-":
        raise PdfRefused("This file is not a PDF. Upload the certificate PDF itself.")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise PdfRefused("This PDF is encrypted (password-protected). Certificates are never "
                             "encrypted, so this is not an original certificate file.")
        pages = reader.pages
        if len(pages) == 0:
            raise PdfRefused("This PDF has no pages.")
        [_content_bytes(page) for page in pages]
    except PdfRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError) as err:
        raise PdfRefused("This PDF is damaged or malformed and cannot be read.") from err
    return reader


def _digest(obj, depth: int = 0) -> str:
    """A digest of a PDF object as drawn: dictionaries, arrays, decoded streams, followed refs."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if depth > _MAX_DEPTH:
        return "…"
    if isinstance(obj, IndirectObject):
        return _digest(obj.get_object(), depth + 1)
    if isinstance(obj, StreamObject):
        data = obj.get_data()
        header = {k: v for k, v in obj.items() if k not in ("/Length", "/Filter", "/DecodeParms")}
        return "S" + _digest(DictionaryObject(header), depth + 1) + hashlib.sha256(data).hexdigest()
    if isinstance(obj, DictionaryObject):
        items = sorted((str(k), _digest(v, depth + 1)) for k, v in obj.items() if k != "/Parent")
        return hashlib.sha256(repr(items).encode()).hexdigest()
    if isinstance(obj, ArrayObject):
        return hashlib.sha256(repr([_digest(v, depth + 1) for v in obj]).encode()).hexdigest()
    return repr(obj)


def _content_bytes(page) -> bytes:
    """The page's drawing operators, decoded, all content streams joined."""
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    if contents is None:
        return b""
    streams = contents if isinstance(contents, list) else [contents]
    return b"\n".join(stream.get_object().get_data() for stream in streams)


def _is_signature(annotation) -> bool:
    """The invisible widget of the provider's PDF signature field (not page content)."""
    annotation = annotation.get_object()
    field_type = annotation.get("/FT") or (annotation.get("/Parent") or {}).get("/FT")
    return annotation.get("/Subtype") == "/Widget" and field_type == "/Sig"


def _annotations(page) -> str:
    annotations = page.get("/Annots")
    annotations = annotations.get_object() if annotations is not None else []
    from pypdf.generic import ArrayObject

    drawn = [a for a in annotations if not _is_signature(a)]
    return _digest(ArrayObject(drawn)) if drawn else "none"


def _page_fingerprint(page) -> dict[str, str]:
    return {
        "page content": hashlib.sha256(_content_bytes(page)).hexdigest(),
        "fonts and images": _digest(page.get("/Resources")),
        "annotations (text boxes, drawings or links added on the page)": _annotations(page),
        "page size": _digest(page.get("/MediaBox")) + _digest(page.get("/Rotate")),
    }


def _lines(page) -> list[str]:
    text = page.extract_text() or ""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _explain(expected_lines: list[str], found_lines: list[str]) -> list[str]:
    """What a reader sees differently, as short sentences (at most 10)."""
    out = []
    matcher = difflib.SequenceMatcher(a=expected_lines, b=found_lines, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "replace":
            for old, new in zip(expected_lines[a1:a2], found_lines[b1:b2], strict=False):
                out.append(f'printed "{new}" where the signed record gives "{old}"')
        elif tag == "delete":
            out += [f'"{old}" is missing from the page' for old in expected_lines[a1:a2]]
        elif tag == "insert":
            out += [f'"{new}" was added to the page' for new in found_lines[b1:b2]]
    return out[:10]


def check_pdf(data: bytes, *, max_bytes: int, notes: Callable[[dict], list[str]],
              verify_url: Callable[[str], str | None],
              key_for: Callable[[object], object] = public_key_for) -> PdfCheck:
    """Check an uploaded certificate PDF; PdfRefused for files that cannot be checked.

    ``notes(snapshot)`` gives the status banners the provider may have printed on it ("" for
    none); ``verify_url(code)`` the provider's verification address, or None when unknown
    (then the address printed on the page is used and reported as unchecked).
    """
    from training.certificates.pades import check_pades
    from training.certificates.pdf import render_certificate_pdf

    reader = _reader(data, max_bytes)
    pades = check_pades(data)
    if pades.present and pades.ok and key_for(pades.fingerprint) is None:
        return PdfCheck(False, "its PDF signature was made with a key the provider never published")
    record = extract_record(data)
    if record is None:
        return PdfCheck(False, "this PDF holds no embedded certificate record: it is not a "
                               "certificate PDF issued by the provider")
    key = key_for(record.get("key_fingerprint"))
    if key is None:
        return PdfCheck(False, "the record claims a signing key the provider never published")
    check = check_signed(record.get("snapshot"), record.get("signature"),
                         record.get("key_fingerprint"), key)
    if not check.ok:
        return PdfCheck(False, check.reason)
    snapshot = record["snapshot"]
    frozen = CertificateSnapshot.from_dict(snapshot)
    page = reader.pages[0]
    found_lines = _lines(page)
    url = verify_url(snapshot["verification_code"])
    url_checked = url is not None
    if url is None:
        printed = _VERIFY_AT.search(" ".join(found_lines))
        url = printed.group(1) if printed else ""
    attachment = (RECORD_FILENAME, record_json(snapshot, record["signature"],
                                               record["key_fingerprint"]))
    found = _page_fingerprint(page)
    best = None
    from pypdf import PdfReader

    for note in notes(snapshot):
        expected_pdf = render_certificate_pdf(frozen, url, status_note=note, attachment=attachment)
        expected_page = PdfReader(io.BytesIO(expected_pdf)).pages[0]
        expected = _page_fingerprint(expected_page)
        if expected == found and len(reader.pages) == 1:
            if pades.present and not pades.ok:  # the page is intact, something else was added
                return PdfCheck(False, pades.reason, snapshot, url_checked=url_checked)
            return PdfCheck(True, "the printed page is exactly what the signed record produces",
                            snapshot, url_checked=url_checked)
        if best is None:
            best = (expected, _lines(expected_page))
    expected, expected_lines = best
    differences = _explain(expected_lines, found_lines)
    changed = [part for part in expected if expected[part] != found[part]]
    if len(reader.pages) != 1:
        changed.append(f"number of pages ({len(reader.pages)} instead of 1)")
    if not differences:
        differences = [f"the {part} differ from the original" for part in changed]
    also = f"; {pades.reason}" if pades.present and not pades.ok else ""
    return PdfCheck(False, "the printed page was altered after issue: it does not match the "
                           "signed record (" + "; ".join(differences) + ")" + also,
                    snapshot, differences, url_checked)
