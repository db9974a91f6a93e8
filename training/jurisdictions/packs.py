"""Evidence packs: a trainee's evaluation for one jurisdiction, frozen, signed and verifiable.

The payload holds everything the pack shows (the rule version and its source, each requirement
with what counted, and every piece of evidence) and is signed with the provider's certificate
key, exactly like a certificate snapshot, so it is checked the same way: rebuild the canonical
JSON of ``payload`` and verify the Ed25519 signature against the published key. Creating a pack
is the act that records an evaluation: a later rule version never changes it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import select

from training.audit import record_event
from training.certificates.keys import signing_key
from training.certificates.record import Check, extract_record
from training.certificates.signing import public_key_fingerprint, sign, verify
from training.certificates.snapshot import format_issued_at, new_verification_code, normalize_code
from training.database import utcnow
from training.extensions import db
from training.jurisdictions.evaluator import OUTCOME_LABELS
from training.jurisdictions.evidence import TraineeEvidence
from training.jurisdictions.models import EvidencePack
from training.jurisdictions.rules import MODALITY_LABELS, Modality, number_text
from training.jurisdictions.services import Verdict
from training.urls import public_url

PACK_FORMAT = "dn-evidence-pack/1"
RECORD_FORMAT = "dn-evidence-pack-record/1"
RECORD_FILENAME = "evidence-pack.json"


def canonical(payload: Mapping) -> bytes:
    """The exact bytes that are signed: sorted keys, no whitespace, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _evidence_section(evidence: TraineeEvidence) -> dict:
    return {
        "certificates": [
            {"serial": c.serial, "course": f"{c.course_code} {c.course_title}",
             "completion_date": c.completion_date.isoformat(), "online_hours": number_text(c.online_hours),
             "practical_hours": number_text(c.practical_hours),
             "verification_url": public_url("verify.certificate", code=c.verification_code)}
            for c in evidence.certificates
        ],
        "hours": [
            {"modality": MODALITY_LABELS[Modality(h.modality)], "hours": number_text(h.hours),
             "date": h.on.isoformat(), "description": h.description, "reference": h.reference}
            for h in evidence.hours
        ],
        "assessed_skills": [
            {"skill": c.skill, "assessor": c.assessor, "date": c.on.isoformat(), "course": c.course_code}
            for c in evidence.competencies
        ],
        "supervised_sessions": None if evidence.supervised_sessions is None else [
            {"date": s.on.isoformat(), "supervisor": s.supervisor,
             "countersigned_on": s.countersigned_on.isoformat() if s.countersigned_on else None,
             "setting": s.setting, "region": s.region}
            for s in evidence.supervised_sessions
        ],
    }


def build_payload(user, verdict: Verdict, evidence: TraineeEvidence, *, code: str, issued_at) -> dict:
    """Everything the pack prints, as JSON-ready plain values."""
    evaluation, rule_row = verdict.evaluation, verdict.rule
    rule = dict(rule_row.definition, source_file=rule_row.source_file) if rule_row is not None else None
    return {
        "format": PACK_FORMAT,
        "code": code,
        "issued_at": format_issued_at(issued_at),
        "trainee": {
            "name": user.name, "profession": user.profession_label, "license_number": user.license_number or "",
            "license_state": user.license_state or "",
            "licensed_since": user.licensed_since.isoformat() if user.licensed_since else None,
        },
        "jurisdiction": {"code": verdict.jurisdiction.code, "name": verdict.jurisdiction.name},
        "evaluated_on": evaluation.on.isoformat(),
        "outcome": evaluation.outcome,
        "outcome_label": OUTCOME_LABELS[evaluation.outcome],
        "summary": evaluation.summary,
        "rule": rule,
        "requirements": [
            {"asks": r.asks, "outcome": r.outcome, "has": r.has, "missing": r.missing, "counted": list(r.counted)}
            for r in evaluation.results
        ],
        "evidence": _evidence_section(evidence),
    }


def create_pack(user, verdict: Verdict, evidence: TraineeEvidence, *, by) -> EvidencePack:
    """Freeze, sign and store the evaluation; audited. Flushes, the caller commits."""
    key = signing_key()
    code = new_verification_code()
    issued_at = utcnow().replace(microsecond=0)
    payload = build_payload(user, verdict, evidence, code=code, issued_at=issued_at.replace(tzinfo=UTC))
    pack = EvidencePack(
        verification_code=code, user_id=user.id, jurisdiction_code=verdict.jurisdiction.code,
        rule_id=verdict.rule.id if verdict.rule is not None else None,
        rule_version=verdict.rule.version if verdict.rule is not None else None,
        outcome=verdict.evaluation.outcome, payload=payload, signature=sign(key.private, canonical(payload)),
        key_fingerprint=key.fingerprint, created_at=issued_at, created_by_id=by.id,
    )
    db.session.add(pack)
    db.session.flush()
    record_event("jurisdictions.evidence_pack_created", f"evidence-pack:{code}", {
        "user_id": user.id, "jurisdiction": verdict.jurisdiction.code, "outcome": pack.outcome,
        "rule_version": pack.rule_version,
    }, actor=by)
    return pack


def record_json(pack: EvidencePack) -> bytes:
    """The JSON twin (also embedded in the PDF): format first, then key, signature, payload."""
    record = {"format": RECORD_FORMAT, "key_fingerprint": pack.key_fingerprint, "signature": pack.signature,
              "payload": pack.payload}
    return json.dumps(record, separators=(",", ":"), ensure_ascii=True, indent=None).encode("ascii")


def check_record(record: object, public_key) -> Check:
    """Whether a pack record (from the JSON twin or the PDF) is exactly what the key signed."""
    if not isinstance(record, Mapping) or record.get("format") != RECORD_FORMAT:
        return Check(False, "this is not an evidence pack record")
    payload, signature = record.get("payload"), record.get("signature")
    if not isinstance(payload, Mapping) or payload.get("format") != PACK_FORMAT:
        return Check(False, "the evidence pack data is missing or malformed")
    expected = public_key_fingerprint(public_key)
    if record.get("key_fingerprint") != expected:
        return Check(False, "signed by another key, not the provider's key")
    if not isinstance(signature, str) or not verify(public_key, canonical(payload), signature):
        return Check(False, "the signature does not match the data: it was altered after issue")
    return Check(True, "the signature is valid")


def record_from_file(content: bytes) -> dict | None:
    """The signed record in a pack PDF or its JSON twin, or None."""
    if content.lstrip().startswith(b"{"):
        try:
            record = json.loads(content)
        except ValueError:
            return None
        return record if isinstance(record, dict) else None
    return extract_record(content, RECORD_FORMAT, RECORD_FILENAME)


@dataclass(frozen=True)
class PackVerification:
    #: "valid", "invalid", "not_found", "malformed"
    state: str
    pack: EvidencePack | None = None
    reason: str = ""


def verify_pack_code(text: str) -> PackVerification:
    """Look a pack up by its code and check the stored record's signature."""
    code = normalize_code(text)
    if code is None:
        return PackVerification("malformed")
    pack = db.session.scalar(select(EvidencePack).where(EvidencePack.verification_code == code))
    if pack is None:
        return PackVerification("not_found")
    check = check_record(json.loads(record_json(pack)), signing_key().public)
    if not check.ok or pack.payload.get("code") != pack.verification_code:
        reason = check.reason if not check.ok else "the code differs from the signed one"
        return PackVerification("invalid", pack, reason)
    return PackVerification("valid", pack, check.reason)
