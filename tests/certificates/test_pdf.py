"""Certificate PDF: content, determinism, Unicode names, speed (informational)."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import segno
from pypdf import PdfReader

import training.certificates.pdf as pdf_module
from training.certificates.pdf import render_certificate_pdf
from training.certificates.snapshot import CertificateSnapshot

ROOT = Path(__file__).resolve().parents[2]
URL = "https://training.example.com/verify/7KQ2-M9XD-0A4F-RT8B-ZZ3C"
HAVE_TTF = pdf_module._find_font(("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf")) is not None


def make_snapshot(name: str = "Jane O'Brien", **overrides: str) -> CertificateSnapshot:
    first, _, last = name.partition(" ")
    data = {
        "serial": "DN-2024-000123",
        "verification_code": "7KQ2-M9XD-0A4F-RT8B-ZZ3C",
        "trainee_name": name,
        "trainee_first_name": first,
        "trainee_last_name": last,
        "profession": "Physical therapist",
        "license_number": "PT 012345",
        "license_state": "CA",
        "course_code": "DN-201",
        "course_title": "Dry Needling Level 1: Upper Quarter Foundations",
        "provider": "Northwind Dry Needling Institute",
        "approval_number": "CPTA-2024-0457",
        "online_hours": "9.5",
        "practical_hours": "18",
        "total_hours": "27.5",
        "ceus": "2.7",
        "completion_date": "2024-01-02",
        "issued_at": "2024-01-03T14:03:05Z",
        "supersedes": "",
    }
    data.update(overrides)
    return CertificateSnapshot(**data)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_certificate_content():
    data = render_certificate_pdf(make_snapshot(), URL)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for expected in [
        "Northwind Dry Needling Institute".upper(),
        "Certificate of Completion",
        "Continuing Education",
        "Jane O'Brien",
        "Physical therapist",
        "CA License No. PT 012345",
        "Dry Needling Level 1: Upper Quarter Foundations",
        "DN-201",
        "9.5",
        "18",
        "27.5",
        "2.7",
        "ONLINE CONTACT HOURS",
        "IN-PERSON PRACTICAL HOURS",
        "TOTAL CONTACT HOURS",
        "CEUs",
        "1 CEU = 10 contact hours",
        "January 2, 2024",  # completion
        "January 3, 2024",  # issue
        "CPTA-2024-0457",
        "DN-2024-000123",
        "7KQ2-M9XD-0A4F-RT8B-ZZ3C",
        f"Verify at {URL}",
    ]:
        assert expected in text, expected


def test_landscape_letter_with_metadata():
    reader = PdfReader(io.BytesIO(render_certificate_pdf(make_snapshot(), URL)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)
    assert reader.metadata.title == "Certificate of Completion DN-2024-000123"
    assert reader.metadata.creation_date.strftime("%Y-%m-%d %H:%M:%S") == "2024-01-03 14:03:05"


@pytest.mark.parametrize("name", ["Jane O'Brien", "Łukasz Wiśniewski"])
def test_identical_bytes_every_time(name):
    snap = make_snapshot(name)
    first = render_certificate_pdf(snap, URL, status_note="REVOKED")
    assert render_certificate_pdf(snap, URL, status_note="REVOKED") == first
    assert render_certificate_pdf(make_snapshot(name), URL, status_note="REVOKED") == first
    # nothing from the clock: issued in 2024, so today's date must not appear anywhere
    assert datetime.now().strftime("%Y%m%d").encode() not in first
    assert b"D:20240103140305" in first


def test_identical_bytes_in_a_fresh_process():
    """Cold caches in a new interpreter must not change a single byte."""
    code = (
        "import sys, test_pdf\n"
        "from training.certificates.pdf import render_certificate_pdf\n"
        "for name in ('Jane O\\'Brien', 'Łukasz Wiśniewski'):\n"
        "    snap = test_pdf.make_snapshot(name)\n"
        "    sys.stdout.buffer.write(render_certificate_pdf(snap, test_pdf.URL))\n"
    )
    env_path = f"{ROOT}:{Path(__file__).parent}"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, cwd=ROOT,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
    ).stdout
    expected = b"".join(
        render_certificate_pdf(make_snapshot(n), URL) for n in ("Jane O'Brien", "Łukasz Wiśniewski")
    )
    assert out == expected


@pytest.mark.parametrize(
    "name",
    [
        "Zoë Ñúñez",
        "Łukasz Wiśniewski",
        "Ελένη Παπαδοπούλου",
        "Ёлка Иванова",
        "Nguyễn Thị Minh Khai",
        "ქეთევან ბერიძე",
        "Zoe\u0308 Nu\u0303n\u0303ez",  # decomposed accents
        "Sinéad O’Connor-Müller",  # curly apostrophe: still core fonts (cp1252)
    ],
)
def test_unicode_names_are_printed(name):
    # .ci/system-deps installs the fonts; without them these names could not be printed
    assert HAVE_TTF or name.isascii(), "install fonts-liberation and fonts-dejavu-core"
    import unicodedata

    text = pdf_text(render_certificate_pdf(make_snapshot(name), URL))
    assert unicodedata.normalize("NFC", name) in unicodedata.normalize("NFC", text)


@pytest.mark.parametrize(
    "name", ["王芳", "محمد عبد الله", "👩‍⚕️ Dr. Emoji", "x\x00y\u200bz\ttab", "\U0010ffff", " "]
)
def test_any_name_renders_without_crashing(name):
    data = render_certificate_pdf(make_snapshot(name), URL)
    assert "DN-2024-000123" in pdf_text(data)


def test_without_truetype_fonts_falls_back_to_plain_latin(monkeypatch):
    monkeypatch.setattr(pdf_module, "_find_font", lambda names: None)
    text = pdf_text(render_certificate_pdf(make_snapshot("Łukasz Wiśniewski 王"), URL))
    assert "?ukasz Wisniewski ?" in text


def test_status_note_and_supersedes_are_shown():
    snap = make_snapshot(supersedes="DN-2024-000100")
    plain = render_certificate_pdf(snap, URL)
    revoked = render_certificate_pdf(snap, URL, status_note="REVOKED on 2024-02-01")
    assert plain != revoked
    assert "REVOKED on 2024-02-01" in pdf_text(revoked)
    assert "REVOKED" not in pdf_text(plain)
    assert "DN-2024-000100" in pdf_text(plain)


def test_long_texts_stay_on_one_page():
    snap = make_snapshot(
        "Maximilian Alexander Konstantin Wolfeschlegelsteinhausen-Bergerdorff " * 3,
        course_title="Advanced Dry Needling of the Lumbopelvic Region, Hip and Lower Leg " * 3,
        provider="The Very Long Name of an Accredited Continuing Education Provider " * 2,
    )
    long_url = URL + "?" + "x" * 300
    text = pdf_text(render_certificate_pdf(snap, long_url, status_note="SUPERSEDED " * 20))
    assert "DN-2024-000123" in text


def test_qr_runs_reproduce_the_qr_matrix():
    size, runs = pdf_module._qr_runs(URL)
    qr = segno.make(URL, error="m", micro=False)
    grid = [[0] * size for _ in range(size)]
    for row, start, length in runs:
        for c in range(start, start + length):
            grid[row][c] = 1
    assert grid == [[int(bool(v)) for v in row] for row in qr.matrix]


def test_attachment_is_embedded_uncompressed_and_deterministic():
    record = b'{"format":"dn-ce-certificate-record/1","note":"signed data"}'
    data = render_certificate_pdf(make_snapshot(), URL, attachment=("record.json", record))
    assert PdfReader(io.BytesIO(data)).attachments == {"record.json": [record]}
    assert record in data  # findable without a PDF library
    again = render_certificate_pdf(make_snapshot(), URL, attachment=("record.json", record))
    assert again == data
    assert render_certificate_pdf(make_snapshot(), URL) != data
