"""Render a CE certificate (a :class:`CertificateSnapshot`) as a one-page PDF.

Design goals, and why:
- Deterministic: the same snapshot always yields the same bytes (creation date taken
  from ``issued_at``, content-derived document ID), so a re-download is identical to
  the original and PDFs can be cached or hashed.
- Fast: text that fits Windows-1252 (nearly every US name) uses the PDF core fonts
  Times/Helvetica, which cost nothing to embed. Only text outside that set switches to
  the metric-compatible Liberation fonts (same look, same widths), with DejaVu Sans and
  an optional CJK font as per-glyph fallbacks. TrueType embedding costs ~10 ms per
  font, so it is paid only when a certificate needs it.
- Never crash on a name: characters no available font can draw print as "?".
Fonts come from Debian's fonts-liberation / fonts-dejavu-core packages (see FONT_DIRS).
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from datetime import date
from pathlib import Path

import segno
from fontTools.ttLib import TTFont
from fpdf import FPDF

from .snapshot import CertificateSnapshot

__all__ = ["FONT_DIRS", "draw_qr", "render_certificate_pdf", "use_font"]

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation"),  # apt: fonts-liberation
    Path("/usr/share/fonts/truetype/liberation2"),  # apt: fonts-liberation2
    Path("/usr/share/fonts/truetype/dejavu"),  # apt: fonts-dejavu-core
)
# (core family, style) -> TrueType files to use instead, best first.
_TTF_FOR_CORE = {
    ("Times", "B"): ("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"),
    ("Times", "I"): ("LiberationSerif-Italic.ttf", "DejaVuSerif-Italic.ttf"),
    ("Times", ""): ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"),
    ("Helvetica", "B"): ("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf"),
    ("Helvetica", ""): ("LiberationSans-Regular.ttf", "DejaVuSans.ttf"),
    ("Courier", "B"): ("LiberationMono-Bold.ttf", "DejaVuSansMono-Bold.ttf"),
}
# Per-glyph fallbacks for scripts Liberation lacks (CJK only if such a font is installed).
_FALLBACKS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")
NAVY, GOLD, INK, MUTED = (24, 44, 82), (166, 131, 60), (35, 35, 35), (100, 100, 100)
PANEL, WHITE, RED = (248, 245, 236), (255, 255, 255), (175, 28, 28)
PAGE_W, PAGE_H = 279.4, 215.9  # US Letter landscape, mm
CX = PAGE_W / 2


@functools.cache
def _find_font(names: tuple[str, ...]) -> Path | None:
    """First existing file among ``names`` in FONT_DIRS (cached: fonts don't move)."""
    for name in names:
        for directory in FONT_DIRS:
            if (directory / name).is_file():
                return directory / name
    return None


@functools.cache
def _coverage(path: Path) -> frozenset[int]:
    """Code points a font can draw, read once per process from its cmap."""
    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            return frozenset(font.getBestCmap() or ())
    except Exception:  # an unreadable font simply covers nothing
        return frozenset()


def _clean(text: str) -> str:
    """NFC (so "e" + combining mark prints as one glyph), no control or invisible format
    characters (zero-width space, soft hyphen...), whitespace runs collapsed to one space."""
    text = unicodedata.normalize("NFC", str(text))
    text = "".join(
        " " if unicodedata.category(c) == "Cc" else c
        for c in text
        if unicodedata.category(c) != "Cf"
    )
    return " ".join(text.split())


def _latin_only(text: str) -> str:
    """For core fonts: cp1252 text as is; otherwise strip accents, then "?" for the rest."""
    if _is_cp1252(text):
        return text
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )
    return stripped.encode("cp1252", "replace").decode("cp1252")


def _is_cp1252(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _use_font(pdf: FPDF, family: str, style: str, size: float, text: str) -> str:
    """Select the cheapest font able to draw ``text``; return the text to print."""
    text = _clean(text)
    primary = _find_font(_TTF_FOR_CORE[(family, style)])
    if _is_cp1252(text) or primary is None:
        pdf.set_font(family, style, size)
        return _latin_only(text)  # unchanged when the text is cp1252 already
    covered = _coverage(primary)
    chars = []
    for char in text:
        if ord(char) not in covered and not char.isspace():
            fallback = next((p for p in _FALLBACKS if ord(char) in _coverage(p)), None)
            if fallback is None:
                char = "?"
            elif (key := f"fb{_FALLBACKS.index(fallback)}") not in pdf.fonts:
                pdf.add_font(key, "", fallback)
                pdf.set_fallback_fonts(
                    [k for k in pdf.fonts if k.startswith("fb")], exact_match=False
                )
        chars.append(char)
    key = f"tt-{primary.stem.lower()}"
    if key not in pdf.fonts:
        pdf.add_font(key, "", primary)
    pdf.set_font(key, "", size)
    return "".join(chars)


#: shared with other signed documents (evidence packs) so they draw names the same way
use_font = _use_font


def _text(pdf: FPDF, text: str, y: float, face: tuple[str, str], size: float, *,
          color: tuple[int, int, int] = INK, x: float = 0, w: float = PAGE_W,
          align: str = "C", min_size: float = 0, spacing: float = 0) -> None:
    """One line of text in the box (x, y, w); shrinks down to ``min_size`` to fit, then wraps."""
    text = _use_font(pdf, *face, size, text)
    line_h = size * 0.3528 * 1.25  # from the nominal size: shrunk text stays centred
    pdf.set_char_spacing(spacing)
    while size > min_size and pdf.get_string_width(text) > w - 2:
        size = max(min_size, size - 0.5)
        pdf.set_font_size(size)
    pdf.set_text_color(*color)
    pdf.set_xy(x, y)
    if pdf.get_string_width(text) > w - 2:
        pdf.multi_cell(w, size * 0.3528 * 1.15, text, align=align)
    else:
        pdf.cell(w, line_h, text, align=align)
    pdf.set_char_spacing(0)


def _human_date(iso: str) -> str:
    day = date.fromisoformat(iso[:10])
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


@functools.lru_cache(maxsize=256)
def _qr_runs(url: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """QR modules as horizontal runs (row, start, length): few, seam-free rectangles."""
    qr = segno.make(url, error="m", micro=False)
    runs = []
    for r, row in enumerate(qr.matrix):
        c = 0
        for dark, group in itertools.groupby(row):
            n = len(list(group))
            if dark:
                runs.append((r, c, n))
            c += n
    return len(qr.matrix), tuple(runs)


def _draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    modules, runs = _qr_runs(url)
    m = size / modules
    pdf.set_fill_color(*INK)
    for r, start, length in runs:  # rows overlap slightly so no hairlines appear
        pdf.rect(x + start * m, y + r * m, length * m, m + 0.03, style="F")


draw_qr = _draw_qr


def _diamond(pdf: FPDF, x: float, y: float, r: float) -> None:
    pdf.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], style="F")


def _frame(pdf: FPDF) -> None:
    for inset, color, width in ((8, NAVY, 1.4), (11, GOLD, 0.35)):
        pdf.set_draw_color(*color)
        pdf.set_line_width(width)
        pdf.rect(inset, inset, PAGE_W - 2 * inset, PAGE_H - 2 * inset)
    pdf.set_fill_color(*GOLD)
    for cx, cy in ((11, 11), (PAGE_W - 11, 11), (11, PAGE_H - 11), (PAGE_W - 11, PAGE_H - 11)):
        _diamond(pdf, cx, cy, 2.2)
    pdf.line(CX - 42, 54, CX - 5, 54)
    pdf.line(CX + 5, 54, CX + 42, 54)
    _diamond(pdf, CX, 54, 1.8)


def _banner(pdf: FPDF, note: str) -> None:
    """Revoked/superseded notice across the top (drawn first, so the frame stays on top)."""
    pdf.set_fill_color(*RED)
    pdf.rect(11, 11, PAGE_W - 22, 6.4, style="F")
    _text(pdf, note, 12.2, ("Helvetica", "B"), 9, color=WHITE, x=14, w=PAGE_W - 28, min_size=6)


def _watermark(pdf: FPDF, note: str) -> None:
    """The same notice diagonally over everything, translucent: hard to crop away."""
    with pdf.local_context(fill_opacity=0.13), pdf.rotation(25, CX, PAGE_H / 2):
        _text(pdf, note.upper(), PAGE_H / 2 - 12, ("Helvetica", "B"), 64, color=RED,
              x=30, w=PAGE_W - 60, min_size=16)


def _hours_panel(pdf: FPDF, s: CertificateSnapshot) -> None:
    values = (s.online_hours, s.practical_hours, s.total_hours, s.ceus)
    labels = ("ONLINE CONTACT HOURS", "IN-PERSON PRACTICAL HOURS", "TOTAL CONTACT HOURS", "CEUs")
    x0, y0, col_w, h = CX - 110, 121, 55, 24
    pdf.set_fill_color(*PANEL)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.3)
    pdf.rect(x0, y0, col_w * 4, h, style="DF")
    pdf.set_fill_color(*NAVY)
    pdf.rect(x0 + col_w * 3, y0, col_w, h, style="F")  # the CEU total stands out
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        x = x0 + i * col_w
        if 0 < i < 3:
            pdf.line(x, y0 + 4, x, y0 + h - 4)
        _text(pdf, value, y0 + 3.5, ("Times", "B"), 22, color=WHITE if i == 3 else NAVY, x=x,
              w=col_w, min_size=12)
        _text(pdf, label, y0 + 15.5, ("Helvetica", "B"), 7, color=WHITE if i == 3 else MUTED,
              x=x, w=col_w, spacing=0.5, min_size=5)
    _text(pdf, "1 CEU = 10 contact hours", y0 + h + 1.5, ("Helvetica", ""), 7.5, color=MUTED)


def _details(pdf: FPDF, s: CertificateSnapshot) -> None:
    rows = [
        ("Completion date", _human_date(s.completion_date), ("Helvetica", "B")),
        ("Date issued", _human_date(s.issued_at), ("Helvetica", "B")),
        ("Provider approval no.", s.approval_number, ("Helvetica", "B")),
        ("Serial number", s.serial, ("Helvetica", "B")),
        ("Verification code", s.verification_code, ("Courier", "B")),
    ]
    if s.expires_on:
        rows.insert(2, ("Valid through", _human_date(s.expires_on), ("Helvetica", "B")))
    if s.supersedes:
        rows.append(("Replaces certificate", s.supersedes, ("Helvetica", "B")))
    if s.renews:
        rows.append(("Renews certificate", s.renews, ("Helvetica", "B")))
    if s.board_approvals:  # printed in full under the hours instead of the provider's own number
        rows = [row for row in rows if row[0] != "Provider approval no."]
    for i, (label, value, face) in enumerate(rows):
        y = 160 + i * (5.8 if len(rows) <= 6 else 5.0)
        _text(pdf, label, y, ("Helvetica", ""), 8, color=MUTED, x=22, w=36, align="L")
        _text(pdf, value, y - 0.3, face, 9.5, x=58, w=62, align="L", min_size=6)


def _seal(pdf: FPDF) -> None:
    y = 177
    pdf.set_draw_color(*GOLD)
    for radius, width in ((15, 0.8), (12.8, 0.25)):
        pdf.set_line_width(width)
        pdf.circle(CX, y, radius)
    _text(pdf, "CONTINUING", y - 8.5, ("Helvetica", "B"), 5.5, color=GOLD, spacing=0.6)
    _text(pdf, "CE", y - 5.2, ("Times", "B"), 20, color=NAVY)
    _text(pdf, "EDUCATION", y + 4.6, ("Helvetica", "B"), 5.5, color=GOLD, spacing=0.6)


def _verification(pdf: FPDF, url: str) -> None:
    size, right = 30, PAGE_W - 22
    _draw_qr(pdf, url, right - size, 158, size)
    x, w = 160, right - size - 163
    _text(pdf, "Verify this certificate", 161, ("Helvetica", "B"), 9, color=NAVY, x=x, w=w,
          align="R")
    for i, line in enumerate(
        ("Scan the QR code, or open the", "address below and check that", "serial and code match.")
    ):
        _text(pdf, line, 167 + i * 3.6, ("Helvetica", ""), 7.5, color=MUTED, x=x, w=w, align="R")
    _text(pdf, f"Verify at {url}", 191, ("Helvetica", ""), 7.5, color=INK, x=x, w=right - x,
          align="R", min_size=5.5)


def render_certificate_pdf(
    snapshot: CertificateSnapshot, verify_url: str, *, status_note: str = "",
    attachment: tuple[str, bytes] | None = None,
) -> bytes:
    """The certificate as PDF bytes (US Letter, landscape); same input -> same bytes.

    ``status_note`` (e.g. "REVOKED on 2026-12-01") is printed as a red banner and a
    diagonal watermark, so a revoked certificate can never pass for a valid one.
    ``attachment`` (file name, bytes) is embedded uncompressed and dated ``issued_at``,
    which keeps the output deterministic; it carries the signed record for offline checks.
    """
    s = snapshot
    pdf = FPDF(orientation="L", unit="mm", format="Letter")
    pdf.core_fonts_encoding = "cp1252"  # WinAnsi: also covers ’ “ ” – — €
    pdf.set_creation_date(s.issued_datetime())
    pdf.set_producer("fpdf2")  # no library version: keeps bytes stable across upgrades
    pdf.set_creator("CE certificate service")
    pdf.set_title(_clean(f"Certificate of Completion {s.serial}"))
    pdf.set_author(_clean(s.provider))
    pdf.set_subject(_clean(f"{s.course_code} {s.course_title}"))
    pdf.set_lang("en-US")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    pdf.add_page()
    if status_note:
        _banner(pdf, status_note)
    _frame(pdf)
    _text(pdf, s.provider.upper(), 19.5, ("Helvetica", "B"), 10.5, color=NAVY,
          x=20, w=PAGE_W - 40, spacing=1.2, min_size=7)
    _text(pdf, "Certificate of Completion", 27, ("Times", "B"), 36, color=NAVY)
    _text(pdf, "Continuing Education", 42, ("Times", "I"), 17, color=GOLD)
    _text(pdf, "This is to certify that", 58.5, ("Times", "I"), 12, color=MUTED)
    _text(pdf, s.trainee_name, 65, ("Times", "B"), 30, x=25, w=PAGE_W - 50, min_size=14)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.3)
    pdf.line(CX - 85, 80.5, CX + 85, 80.5)
    lic = f"{s.license_state} License No. {s.license_number}".strip() if s.license_number else ""
    who = " \u00b7 ".join(p for p in (s.profession, lic) if p)
    _text(pdf, who, 83.5, ("Helvetica", ""), 11, x=25, w=PAGE_W - 50, min_size=7)
    _text(pdf, "has successfully completed the continuing education course", 93.5,
          ("Times", "I"), 12, color=MUTED)
    _text(pdf, s.course_title, 100.5, ("Times", "B"), 18, color=NAVY, x=25, w=PAGE_W - 50,
          min_size=11)
    _text(pdf, f"Course code: {s.course_code}", 112.5, ("Helvetica", ""), 9, color=MUTED)
    _hours_panel(pdf, s)
    if s.board_approvals:
        _text(pdf, f"Approved by: {s.board_approvals}", 151, ("Helvetica", ""), 8, color=INK, x=22,
              w=PAGE_W - 44, min_size=5.5)
    _details(pdf, s)
    _seal(pdf)
    _verification(pdf, verify_url)
    if status_note:
        _watermark(pdf, status_note)
    if attachment is not None:
        name, content = attachment
        pdf.embed_file(bytes=content, basename=name, mime_type="application/json",
                       modification_date=s.issued_datetime(), desc="Signed certificate record")
    return bytes(pdf.output())
