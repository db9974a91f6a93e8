"""Finding jurisdictions and the rule version in effect, and evaluating a trainee against them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from training.auth.roles import Profession
from training.extensions import db
from training.jurisdictions.evaluator import Evaluation, evaluate
from training.jurisdictions.evidence import TraineeEvidence, gather_evidence
from training.jurisdictions.models import Jurisdiction, JurisdictionRule
from training.jurisdictions.rules import RuleVersion


def all_jurisdictions() -> list[Jurisdiction]:
    return list(db.session.scalars(select(Jurisdiction).order_by(Jurisdiction.name)))


def find_jurisdiction(text: str | None) -> Jurisdiction | None:
    """The jurisdiction a code ("FL", "fl") or name ("Florida") stands for, or None."""
    text = (text or "").strip()
    if not text or len(text) > 60:
        return None
    return db.session.scalar(select(Jurisdiction).where(or_(
        Jurisdiction.code == text.upper(), Jurisdiction.name.ilike(text.replace("%", "").replace("_", ""))
    )).limit(1))


def rule_in_effect(jurisdiction: Jurisdiction, profession: str | None, day: date) -> JurisdictionRule | None:
    """The version of the jurisdiction's rule for ``profession`` in effect on ``day``."""
    if not profession:
        return None
    return db.session.scalar(select(JurisdictionRule).where(
        JurisdictionRule.jurisdiction_id == jurisdiction.id, JurisdictionRule.profession == profession,
        JurisdictionRule.effective_from <= day,
        or_(JurisdictionRule.effective_to.is_(None), JurisdictionRule.effective_to >= day),
    ))


def _profession_label(profession: str | None) -> str:
    try:
        return Profession(profession).label.lower() if profession else ""
    except ValueError:
        return profession or ""


@dataclass(frozen=True)
class Verdict:
    """An evaluation together with the stored rule row it used (None when none applies)."""

    jurisdiction: Jurisdiction
    evaluation: Evaluation
    rule: JurisdictionRule | None


def verdict_for(jurisdiction: Jurisdiction, rule_row: JurisdictionRule | None, evidence: TraineeEvidence,
                today: date) -> Verdict:
    rule = RuleVersion.from_dict(rule_row.definition) if rule_row is not None else None
    evaluation = evaluate(jurisdiction.code, rule, evidence, today,
                          profession_label=_profession_label(evidence.profession))
    return Verdict(jurisdiction, evaluation, rule_row)


def evaluate_user(user, jurisdiction: Jurisdiction, today: date) -> Verdict:
    """``user`` against ``jurisdiction`` today (three or four queries)."""
    evidence = gather_evidence(user)
    return verdict_for(jurisdiction, rule_in_effect(jurisdiction, user.profession, today), evidence, today)


def evaluate_everywhere(user, today: date) -> tuple[TraineeEvidence, list[Verdict]]:
    """``user`` against every jurisdiction, in a fixed number of queries."""
    evidence = gather_evidence(user)
    jurisdictions = all_jurisdictions()
    rules: dict[int, JurisdictionRule] = {}
    if user.profession:
        rows = db.session.scalars(select(JurisdictionRule).options(joinedload(JurisdictionRule.jurisdiction)).where(
            JurisdictionRule.profession == user.profession, JurisdictionRule.effective_from <= today,
            or_(JurisdictionRule.effective_to.is_(None), JurisdictionRule.effective_to >= today),
        ))
        rules = {row.jurisdiction_id: row for row in rows}
    return evidence, [verdict_for(j, rules.get(j.id), evidence, today) for j in jurisdictions]
