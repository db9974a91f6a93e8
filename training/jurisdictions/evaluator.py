"""Does a trainee's evidence meet a jurisdiction's rule? One pure function, no database, no clock.

Outcomes: ``met``, ``not_met`` (with exactly what is missing), ``not_permitted`` and ``unknown``.
Anything the platform cannot judge (no rule on file, a rule marked unknown, a requirement with
no evidence source, a missing licensure date) is ``unknown``, never ``met``. A rule is ``met``
only when every one of its requirements is met; one requirement not met makes it ``not_met``
even if others are unknown, because that much is certain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from training.jurisdictions.facts import TraineeEvidence
from training.jurisdictions.rules import (
    MODALITY_LABELS,
    Modality,
    Requirement,
    RequirementKind,
    RuleStatus,
    RuleVersion,
    Window,
    number_text,
)

MET, NOT_MET, NOT_PERMITTED, UNKNOWN = "met", "not_met", "not_permitted", "unknown"
OUTCOME_LABELS = {MET: "Met", NOT_MET: "Not met", NOT_PERMITTED: "Not permitted", UNKNOWN: "Unknown"}


@dataclass(frozen=True)
class RequirementResult:
    requirement: Requirement
    outcome: str
    #: what the rule asks, in words ("50 in-person hours")
    asks: str
    #: what the trainee has ("39 in-person hours")
    has: str
    #: for not met / unknown: what is missing or why it cannot be judged
    missing: str = ""
    #: references of the evidence counted (certificate serials, session dates)
    counted: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    jurisdiction: str
    on: date
    outcome: str
    rule: RuleVersion | None
    summary: str
    results: tuple[RequirementResult, ...] = field(default_factory=tuple)

    @property
    def missing(self) -> list[str]:
        return [r.missing for r in self.results if r.outcome == NOT_MET]


def _plural(number: Decimal | int, word: str) -> str:
    return f"{number_text(Decimal(number))} {word if Decimal(number) == 1 else word + 's'}"


def _modality_words(requirement: Requirement) -> str:
    chosen = set(requirement.modalities)
    if not chosen or chosen == {m.value for m in Modality}:
        return ""
    return " or ".join(MODALITY_LABELS[Modality(m)] for m in sorted(chosen)) + " "


def add_years(day: date, years: Decimal) -> date:
    """``day`` plus ``years`` (fractions as whole months), 29 Feb landing on 28 Feb."""
    return _add_months(day, int((Decimal(years) * 12).to_integral_value()))


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = day.day
    while True:
        try:
            return date(year, month + 1, last)
        except ValueError:
            last -= 1


def _window_text(window: Window | None, today: date) -> str:
    if window is None:
        return ""
    return f" dated {window.start(today).isoformat()} or later (within {window})"


def _hours(req: Requirement, evidence: TraineeEvidence, today: date) -> RequirementResult:
    start = req.within.start(today) if req.within else date.min
    wanted = set(req.modalities) or {m.value for m in Modality}
    counted = [h for h in evidence.hours if h.modality in wanted and start <= h.on <= today]
    total = sum((h.hours for h in counted), Decimal(0))
    words = _modality_words(req)
    asks = f"{_plural(req.minimum, words + 'hour')}{_window_text(req.within, today)}"
    if req.before_clinical_use:
        asks += ", before any clinical use"
    result = dict(requirement=req, asks=asks, has=_plural(total, words + "hour"),
                  counted=tuple(sorted({h.reference for h in counted})))
    if total >= req.minimum:
        return RequirementResult(outcome=MET, **result)
    short = req.minimum - total
    return RequirementResult(outcome=NOT_MET, missing=f"{_plural(short, 'more ' + words + 'hour')}"
                                                     f"{_window_text(req.within, today)}", **result)


def _sessions(req: Requirement, evidence: TraineeEvidence, today: date) -> RequirementResult:
    asks = f"{_plural(req.minimum, 'countersigned supervised session')}{_window_text(req.within, today)}"
    if evidence.supervised_sessions is None:
        return RequirementResult(req, UNKNOWN, asks, "no supervised-session log on this platform",
                                 "supervised sessions are not recorded on this platform, so this cannot be checked")
    start = req.within.start(today) if req.within else date.min
    counted = [s for s in evidence.supervised_sessions
               if s.countersigned_on is not None and start <= s.on <= today]
    has = _plural(len(counted), "countersigned session")
    refs = tuple(f"{s.on.isoformat()} {s.supervisor}" for s in counted)
    if len(counted) >= req.minimum:
        return RequirementResult(req, MET, asks, has, counted=refs)
    short = req.minimum - len(counted)
    return RequirementResult(req, NOT_MET, asks, has, f"{_plural(short, 'more countersigned session')}"
                                                      f"{_window_text(req.within, today)}", refs)


def _years(req: Requirement, evidence: TraineeEvidence, today: date) -> RequirementResult:
    asks = f"licensed for {_plural(req.minimum, 'year')}"
    if evidence.licensed_since is None:
        return RequirementResult(req, UNKNOWN, asks, "licensure start date not entered",
                                 "enter the date your license was first issued in your profile")
    when = add_years(evidence.licensed_since, req.minimum)
    has = f"licensed since {evidence.licensed_since.isoformat()}"
    if when <= today:
        return RequirementResult(req, MET, asks, has)
    return RequirementResult(req, NOT_MET, asks, has, f"licensed {_plural(req.minimum, 'year')} on {when.isoformat()}")


def _competency(req: Requirement, evidence: TraineeEvidence, _today: date) -> RequirementResult:
    asks = "a psychomotor competency determination by an instructor"
    if evidence.competencies:
        latest = max(evidence.competencies, key=lambda c: c.on)
        refs = tuple(sorted({f"{c.course_code} {c.on.isoformat()} {c.assessor}" for c in evidence.competencies}))
        return RequirementResult(req, MET, asks, f"determined by {latest.assessor} on {latest.on.isoformat()}",
                                 counted=refs)
    return RequirementResult(req, NOT_MET, asks, "no passed practical assessment",
                             "an instructor's competency determination (pass the in-person practical assessment)")


def _not_evaluable(req: Requirement, _evidence: TraineeEvidence, _today: date) -> RequirementResult:
    return RequirementResult(req, UNKNOWN, req.description, "not recorded on this platform",
                             f"cannot be checked from platform records: {req.description}")


_CHECKS = {
    RequirementKind.HOURS: _hours,
    RequirementKind.SUPERVISED_SESSIONS: _sessions,
    RequirementKind.YEARS_LICENSED: _years,
    RequirementKind.COMPETENCY: _competency,
    RequirementKind.NOT_EVALUABLE: _not_evaluable,
}


def evaluate_requirement(req: Requirement, evidence: TraineeEvidence, today: date) -> RequirementResult:
    """One requirement; a kind this code does not know is unknown, never met."""
    check = _CHECKS.get(req.kind)
    if check is None:
        return RequirementResult(req, UNKNOWN, req.kind, "", f"the platform cannot evaluate '{req.kind}'")
    return check(req, evidence, today)


def evaluate(jurisdiction: str, rule: RuleVersion | None, evidence: TraineeEvidence, today: date,
             *, profession_label: str = "") -> Evaluation:
    """The outcome of ``rule`` (the version in effect on ``today``) for ``evidence``."""
    if not evidence.profession:
        return Evaluation(jurisdiction, today, UNKNOWN, rule, "Set your profession in your profile first.")
    if rule is None:
        who = profession_label or evidence.profession.replace("_", " ")
        return Evaluation(jurisdiction, today, UNKNOWN, None,
                          f"No reviewed rule on file for {who}s here: check with the board.")
    if rule.status == RuleStatus.NOT_PERMITTED:
        return Evaluation(jurisdiction, today, NOT_PERMITTED, rule,
                          "Dry needling is not permitted for your profession here (as last checked).")
    if rule.status != RuleStatus.PERMITTED:
        return Evaluation(jurisdiction, today, UNKNOWN, rule, "The rule here is not known: check with the board.")
    results = tuple(evaluate_requirement(req, evidence, today) for req in rule.requirements)
    outcomes = {r.outcome for r in results}
    if NOT_MET in outcomes:
        missing = "; ".join(r.missing for r in results if r.outcome == NOT_MET)
        outcome, summary = NOT_MET, f"Still missing: {missing}."
    elif UNKNOWN in outcomes or not results:
        outcome, summary = UNKNOWN, "Some requirements cannot be checked from your records here."
    else:
        outcome, summary = MET, "Your records meet every requirement of this rule."
    return Evaluation(jurisdiction, today, outcome, rule, summary, results)
