"""Loading the checked rule files into the database: idempotent, all or nothing, append-only.

A loaded rule version is never changed: evidence packs point at it and must keep showing the
rule they were evaluated against. Changing a published figure therefore means closing the old
version (giving its open ``effective_to`` a date, the one change allowed) and adding a new
version from the next day; a file that alters a loaded version otherwise is refused whole.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from training.audit import record_event
from training.extensions import db
from training.jurisdictions.files import Problem, RuleFilesError, read_rules
from training.jurisdictions.models import Jurisdiction, JurisdictionRule
from training.jurisdictions.rules import JurisdictionSpec, RuleVersion


@dataclass
class LoadReport:
    jurisdictions_added: list[str] = field(default_factory=list)
    jurisdictions_updated: list[str] = field(default_factory=list)
    rules_added: list[str] = field(default_factory=list)
    rules_closed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.jurisdictions_added or self.jurisdictions_updated or self.rules_added or self.rules_closed)


def content_hash(rule: RuleVersion) -> str:
    """SHA-256 of the rule's canonical JSON without its end date (closing a version is allowed)."""
    content = {k: v for k, v in rule.to_dict().items() if k != "effective_to"}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _label(rule: RuleVersion) -> str:
    return f"{rule.jurisdiction} {rule.profession} v{rule.version}"


def load_rules(folder: Path | None = None, *, actor=None) -> LoadReport:
    """Check every file, then add what is new; flushes, the caller commits.

    Raises RuleFilesError (nothing written) for any problem in the files or any loaded version
    whose content differs from its file.
    """
    specs = read_rules(folder)
    jurisdictions = {j.code: j for j in db.session.scalars(select(Jurisdiction))}
    stored = {
        (r.jurisdiction.code, r.profession, r.version): r
        for r in db.session.scalars(select(JurisdictionRule).join(JurisdictionRule.jurisdiction))
    }
    _refuse_changed_versions(specs, stored)
    report = LoadReport()
    for spec in specs:
        jurisdiction = jurisdictions.get(spec.code)
        if jurisdiction is None:
            jurisdiction = Jurisdiction(code=spec.code)
            db.session.add(jurisdiction)
            report.jurisdictions_added.append(spec.code)
        if _apply_jurisdiction(jurisdiction, spec) and spec.code not in report.jurisdictions_added:
            report.jurisdictions_updated.append(spec.code)
        for rule in spec.rules:
            row = stored.get((spec.code, rule.profession, rule.version))
            if row is not None:
                if row.effective_to != rule.effective_to:  # checked above: only closing gets here
                    row.effective_to = rule.effective_to
                    row.definition = rule.to_dict()
                    report.rules_closed.append(f"{_label(rule)} to {rule.effective_to}")
                else:
                    report.unchanged += 1
                continue
            db.session.add(JurisdictionRule(
                jurisdiction=jurisdiction, profession=rule.profession, version=rule.version,
                effective_from=rule.effective_from, effective_to=rule.effective_to, status=rule.status,
                definition=rule.to_dict(), content_hash=content_hash(rule), checked_on=rule.checked_on,
                uncertain=rule.uncertain, source_file=spec.file,
            ))
            report.rules_added.append(_label(rule))
    if report.changed:
        record_event("jurisdictions.rules_loaded", "jurisdictions", {
            "jurisdictions_added": report.jurisdictions_added,
            "jurisdictions_updated": report.jurisdictions_updated,
            "rules_added": report.rules_added,
            "rules_closed": report.rules_closed,
        }, actor=actor)
    db.session.flush()
    return report


def _refuse_changed_versions(specs: list[JurisdictionSpec], stored: dict) -> None:
    problems = []
    for spec in specs:
        for rule, line in zip(spec.rules, spec.rule_lines, strict=True):
            row = stored.get((spec.code, rule.profession, rule.version))
            if row is None:
                continue
            if row.content_hash != content_hash(rule):
                problems.append(Problem(spec.file, line, (
                    f"{_label(rule)} is already loaded with other content; loaded versions never change "
                    f"(evaluations refer to them): close it with effective_to and add version "
                    f"{rule.version + 1}")))
            elif row.effective_to is not None and row.effective_to != rule.effective_to:
                problems.append(Problem(spec.file, line, (
                    f"{_label(rule)} was loaded ending {row.effective_to}; a version's end date is set once")))
    if problems:
        raise RuleFilesError(problems)


def _apply_jurisdiction(jurisdiction: Jurisdiction, spec: JurisdictionSpec) -> bool:
    """Copy name and reporting duty from the file; True when anything changed."""
    reporting = spec.reporting
    values = {
        "name": spec.name,
        "reporting_board": reporting.board if reporting else "",
        "reporting_system": reporting.system if reporting else "",
        "reporting_deadline_days": reporting.deadline_days if reporting else None,
        "reporting_source": reporting.source if reporting else "",
    }
    changed = False
    for key, value in values.items():
        if getattr(jurisdiction, key) != value:
            setattr(jurisdiction, key, value)
            changed = True
    return changed


def seed_rules() -> None:
    """Seed hook of ``flask seed-demo``: load the shipped rule files."""
    load_rules()
