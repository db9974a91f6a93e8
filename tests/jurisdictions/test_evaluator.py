"""The pure evaluator: each rule kind just under and just over its threshold."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from training.jurisdictions.evaluator import MET, NOT_MET, NOT_PERMITTED, UNKNOWN, evaluate
from training.jurisdictions.evidence import (
    CompetencyEvidence,
    HoursEvidence,
    SupervisedSessionEvidence,
    TraineeEvidence,
)
from training.jurisdictions.files import read_rules

TODAY = date(2026, 12, 1)
RULES = {spec.code: spec.rules for spec in read_rules()}


def rule(code: str):
    [version] = RULES[code]
    return version


def evidence(*, online="0", in_person="0", on=date(2026, 6, 1), sessions=None, licensed_since=date(2020, 1, 1),
             competent=True, profession="physical_therapist") -> TraineeEvidence:
    hours = []
    if Decimal(online):
        hours.append(HoursEvidence("online", Decimal(online), on, "DN-101 online contact hours", "DN-2026-000001"))
    if Decimal(in_person):
        hours.append(HoursEvidence("in_person", Decimal(in_person), on, "DN-101 in-person hours", "DN-2026-000001"))
    return TraineeEvidence(
        profession=profession, license_state="FL", licensed_since=licensed_since, hours=tuple(hours),
        competencies=(CompetencyEvidence("Clean needle technique", "Ravi Menon", date(2026, 5, 1), "DN-101"),)
        if competent else (),
        supervised_sessions=None if sessions is None else tuple(
            SupervisedSessionEvidence(date(2026, 3, 1), "Dr Lee", date(2026, 3, 2)) for _ in range(sessions)),
    )


def run(code: str, ev: TraineeEvidence):
    return evaluate(code, rule(code), ev, TODAY)


# hours: Georgia asks 50 in-person hours
@pytest.mark.parametrize(("hours", "outcome"), [("49.5", NOT_MET), ("50", MET), ("50.5", MET)])
def test_in_person_hours_threshold(hours, outcome):
    result = run("GA", evidence(in_person=hours))
    assert result.outcome == outcome
    if outcome == NOT_MET:
        assert result.missing == ["0.5 more in-person hours"]


def test_online_hours_do_not_count_as_in_person():
    result = run("GA", evidence(online="30", in_person="39"))
    assert result.outcome == NOT_MET
    assert result.missing == ["11 more in-person hours"]


# total hours of any modality: Arizona asks 24
@pytest.mark.parametrize(("online", "in_person", "outcome"), [("10", "13.9", NOT_MET), ("10", "14", MET)])
def test_total_hours_of_any_modality(online, in_person, outcome):
    assert run("AZ", evidence(online=online, in_person=in_person)).outcome == outcome


# time window: Colorado counts hours within 4 years
@pytest.mark.parametrize(("on", "outcome"), [(date(2022, 11, 30), NOT_MET), (date(2022, 12, 1), MET)])
def test_window_counts_only_recent_hours(on, outcome):
    result = run("CO", evidence(online="10", in_person="40", on=on))
    assert result.outcome == outcome
    if outcome == NOT_MET:
        assert result.missing[0] == "50 more hours dated 2022-12-01 or later (within 4 years)"


# years licensed and supervised sessions: Florida
@pytest.mark.parametrize(("since", "outcome"), [(date(2024, 12, 2), NOT_MET), (date(2024, 12, 1), MET)])
def test_years_licensed_threshold(since, outcome):
    result = run("FL", evidence(in_person="50", sessions=25, licensed_since=since))
    assert result.outcome == outcome
    if outcome == NOT_MET:
        assert result.missing == ["licensed 2 years on 2026-12-02"]


@pytest.mark.parametrize(("sessions", "outcome"), [(24, NOT_MET), (25, MET)])
def test_supervised_sessions_threshold(sessions, outcome):
    result = run("FL", evidence(in_person="50", sessions=sessions))
    assert result.outcome == outcome
    if outcome == NOT_MET:
        assert result.missing == ["1 more countersigned session"]


def test_uncountersigned_sessions_do_not_count():
    ev = evidence(in_person="50", sessions=25)
    sessions = ev.supervised_sessions[:-1] + (SupervisedSessionEvidence(date(2026, 3, 1), "Dr Lee", None),)
    assert run("FL", replace(ev, supervised_sessions=sessions)).missing == ["1 more countersigned session"]


def test_sessions_window_utah():
    ev = evidence(sessions=250)
    old = tuple(SupervisedSessionEvidence(date(2023, 11, 30), "Dr Lee", date(2023, 12, 1)) for _ in range(250))
    result = run("UT", replace(ev, supervised_sessions=old))
    assert result.outcome == NOT_MET
    assert result.missing == ["250 more countersigned sessions dated 2023-12-01 or later (within 3 years)"]


def test_competency_determination_needed():
    result = run("FL", evidence(in_person="50", sessions=25, competent=False))
    assert result.outcome == NOT_MET
    assert "competency determination" in result.missing[0]


def test_everything_missing_is_listed_precisely():
    result = run("FL", evidence(in_person="39", sessions=12, licensed_since=date(2025, 3, 1)))
    assert result.missing == [
        "licensed 2 years on 2027-03-01", "11 more in-person hours", "13 more countersigned sessions",
    ]


def test_unrecorded_evidence_is_unknown_never_met():
    result = run("FL", evidence(in_person="60", sessions=None))
    assert result.outcome == UNKNOWN
    assert result.results[-1].outcome == UNKNOWN


def test_missing_licensure_date_is_unknown():
    result = run("FL", evidence(in_person="60", sessions=30, licensed_since=None))
    assert result.outcome == UNKNOWN
    assert result.results[0].missing == "enter the date your license was first issued in your profile"


def test_not_evaluable_requirement_is_unknown_even_with_everything_else():
    result = run("UT", evidence(sessions=300))
    assert result.outcome == UNKNOWN


def test_a_kind_the_code_does_not_know_is_unknown():
    version = rule("GA")
    odd = replace(version, requirements=(replace(version.requirements[0], kind="future_kind"),))
    assert evaluate("GA", odd, evidence(in_person="500"), TODAY).outcome == UNKNOWN


def test_not_permitted_and_no_rule():
    assert run("CA", evidence(in_person="500")).outcome == NOT_PERMITTED
    result = evaluate("TX", None, evidence(in_person="500"), TODAY, profession_label="physical therapist")
    assert result.outcome == UNKNOWN and "No reviewed rule" in result.summary
    assert evaluate("GA", rule("GA"), evidence(in_person="500", profession=None), TODAY).outcome == UNKNOWN
