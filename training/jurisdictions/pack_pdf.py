"""The evidence pack as a PDF: a readable report with the signed JSON record embedded.

Same approach as the certificate PDF (and its font and QR helpers): deterministic bytes for
the same pack, text drawn in the cheapest font able to show it, the record attached
uncompressed so ``flask jurisdictions verify`` can find it without a PDF library.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fpdf import FPDF

from training.certificates.pdf import draw_qr, use_font

NAVY, INK, MUTED = (24, 44, 82), (35, 35, 35), (100, 100, 100)
WIDTH = 180  # mm of text width on US Letter portrait with 18 mm margins


def _write(pdf: FPDF, text: str, *, size: float = 10, style: str = "", family: str = "Helvetica",
           color=INK, gap: float = 1.5) -> None:
    shown = use_font(pdf, family, style if (family, style) != ("Helvetica", "I") else "", size, text)
    pdf.set_text_color(*color)
    pdf.set_x(18)
    pdf.multi_cell(WIDTH, size * 0.3528 * 1.35, shown, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    _write(pdf, text, size=12.5, style="B", color=NAVY, gap=1)


def _requirements(pdf: FPDF, payload: dict) -> None:
    _heading(pdf, "Requirements")
    if not payload["requirements"]:
        _write(pdf, payload["summary"])
    for item in payload["requirements"]:
        label = {"met": "MET", "not_met": "NOT MET", "unknown": "UNKNOWN"}.get(item["outcome"], item["outcome"])
        line = f"[{label}] {item['asks']} - on record: {item['has']}"
        if item["missing"]:
            line += f". Missing: {item['missing']}"
        _write(pdf, line, gap=0.5)
        if item["counted"]:
            _write(pdf, "Counted: " + ", ".join(item["counted"]), size=8.5, color=MUTED)


def _evidence(pdf: FPDF, evidence: dict) -> None:
    _heading(pdf, "Evidence on record")
    _write(pdf, "Certificates", style="B", gap=0.5)
    for c in evidence["certificates"] or [{"serial": "none"}]:
        if "course" not in c:
            _write(pdf, "None.")
            continue
        _write(pdf, f"{c['serial']}: {c['course']}, completed {c['completion_date']}, {c['online_hours']} online + "
                    f"{c['practical_hours']} in-person hours. Verify: {c['verification_url']}", gap=0.5)
    _write(pdf, "Hours by modality and date", style="B", gap=0.5)
    for h in evidence["hours"] or [None]:
        _write(pdf, "None." if h is None else
               f"{h['date']}: {h['hours']} {h['modality']} hours ({h['description']}, {h['reference']})", gap=0.5)
    _write(pdf, "Assessed skills", style="B", gap=0.5)
    for s in evidence["assessed_skills"] or [None]:
        text = "None." if s is None else f"{s['skill']}: assessed by {s['assessor']} on {s['date']} ({s['course']})"
        _write(pdf, text, gap=0.5)
    _write(pdf, "Supervised sessions", style="B", gap=0.5)
    sessions = evidence["supervised_sessions"]
    if sessions is None:
        _write(pdf, "Not recorded on this platform.")
    for s in sessions or []:
        signed = f"countersigned {s['countersigned_on']}" if s["countersigned_on"] else "not countersigned"
        _write(pdf, f"{s['date']}: supervised by {s['supervisor']}, {signed}", gap=0.5)


def render_pack_pdf(payload: dict, verify_url: str, record: bytes) -> bytes:
    """The pack as PDF bytes; the same payload always gives the same bytes."""
    issued = datetime.strptime(payload["issued_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    pdf = FPDF(orientation="P", unit="mm", format="Letter")
    pdf.core_fonts_encoding = "cp1252"
    pdf.set_creation_date(issued)
    pdf.set_producer("fpdf2")
    pdf.set_creator("Evidence pack service")
    pdf.set_title(f"Evidence pack {payload['code']}")
    pdf.set_lang("en-US")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    jurisdiction, trainee, rule = payload["jurisdiction"], payload["trainee"], payload["rule"]
    _write(pdf, f"Dry needling evidence pack: {jurisdiction['name']} ({jurisdiction['code']})", size=17, style="B",
           color=NAVY)
    _write(pdf, f"{trainee['name']} - {trainee['profession']}, license {trainee['license_number']} "
                f"({trainee['license_state']}), licensed since {trainee['licensed_since'] or 'not entered'}")
    _write(pdf, f"Evaluated on {payload['evaluated_on']}: {payload['outcome_label'].upper()}. {payload['summary']}",
           style="B")
    _heading(pdf, "Rule used")
    if rule is None:
        _write(pdf, "No reviewed rule on file for this profession and jurisdiction.")
    else:
        until = f" to {rule['effective_to']}" if rule["effective_to"] else ""
        _write(pdf, f"Version {rule['version']}, in effect from {rule['effective_from']}{until}; "
                    f"last checked {rule['checked_on']}"
                    f"{'; figures UNCERTAIN, confirm with the board' if rule['uncertain'] else ''}.")
        _write(pdf, f"Source: {rule['source']['authority']}. {rule['source']['citation']}", size=9, color=MUTED)
        if rule.get("notes"):
            _write(pdf, rule["notes"], size=9, color=MUTED)
    _requirements(pdf, payload)
    _evidence(pdf, payload["evidence"])
    _heading(pdf, "Verification")
    _write(pdf, f"Code {payload['code']}, issued {payload['issued_at']}. Signed with the provider's certificate key; "
                f"check at {verify_url}", size=9)
    if pdf.get_y() > 230:
        pdf.add_page()
    draw_qr(pdf, verify_url, 18, pdf.get_y() + 2, 28)
    pdf.embed_file(bytes=record, basename="evidence-pack.json", mime_type="application/json",
                   modification_date=issued, desc="Signed evidence pack record")
    return bytes(pdf.output())
