"""Rule files: the shipped ones pass; malformed or contradictory ones are refused whole with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from training.jurisdictions.files import RULES_DIR, RuleFilesError, read_rules
from training.jurisdictions.rules import RuleStatus

GOOD = """\
jurisdictions:
  - code: FL
    name: Florida
    rules:
      - profession: physical_therapist
        version: 1
        effective_from: 2026-01-01
        effective_to: {to}
        status: permitted
        checked_on: 2026-11-01
        source:
          authority: "Fla. Stat. 486.117"
          citation: "Florida Statutes section 486.117"
        requirements:
          - kind: hours
            minimum: 50
            unit: {unit}
            modalities: [in_person]
"""


def write(tmp_path: Path, text: str, name: str = "fl.yaml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def problems(folder: Path) -> list[str]:
    with pytest.raises(RuleFilesError) as caught:
        read_rules(folder)
    return [str(p) for p in caught.value.problems]


def test_the_shipped_rules_are_valid_and_cover_the_named_states():
    specs = {spec.code: spec for spec in read_rules()}
    for code in ("CO", "DE", "FL", "MD", "UT", "AZ", "GA", "TN", "CA", "HI", "NY", "OR", "TX"):
        assert code in specs
    for code in ("CA", "HI", "NY", "OR"):
        assert specs[code].rules[0].status == RuleStatus.NOT_PERMITTED
    assert specs["CO"].rules[0].uncertain is True
    assert specs["FL"].reporting.deadline_days == 30
    assert specs["TX"].rules == ()  # not reviewed: unknown, not guessed
    every_rule = [rule for spec in specs.values() for rule in spec.rules]
    assert all(r.profession == "physical_therapist" and r.source.citation and r.checked_on for r in every_rule)


def test_a_good_file_is_read(tmp_path):
    [spec] = read_rules(write(tmp_path, GOOD.format(to="null", unit="hours")))
    [rule] = spec.rules
    assert (spec.code, rule.version, str(rule.requirements[0].minimum)) == ("FL", 1, "50")


def test_unknown_unit_names_file_and_line(tmp_path):
    assert problems(write(tmp_path, GOOD.format(to="null", unit="minutes"))) == [
        "fl.yaml, line 17: FL physical_therapist version 1: unknown unit 'minutes' for hours (use 'hours')"
    ]


def test_effective_to_before_effective_from(tmp_path):
    [message] = problems(write(tmp_path, GOOD.format(to="2025-12-31", unit="hours")))
    assert message.startswith("fl.yaml, line 8: ") and "effective_to 2025-12-31 is before effective_from" in message


def test_overlapping_versions_are_refused(tmp_path):
    text = GOOD.format(to="2026-12-31", unit="hours")
    second = text.split("    rules:\n")[1].replace("version: 1", "version: 2")
    second = second.replace("effective_from: 2026-01-01", "effective_from: 2026-06-01")
    second = second.replace("effective_to: 2026-12-31", "effective_to: null")
    [message] = problems(write(tmp_path, text + second))
    assert message.startswith("fl.yaml, line 19: ") and "version 2 (from 2026-06-01) overlaps version 1" in message


def test_one_bad_file_refuses_the_whole_folder(tmp_path):
    shutil.copytree(RULES_DIR, tmp_path / "rules")
    folder = tmp_path / "rules"
    (folder / "florida.yaml").write_text(
        (folder / "florida.yaml").read_text().replace("minimum: 25\n            unit: sessions",
                                                      "minimum: 25\n            unit: visits"))
    [message] = problems(folder)
    assert message.startswith("florida.yaml, line ") and "unknown unit 'visits'" in message


@pytest.mark.parametrize(("change", "expected"), [
    (("status: permitted", "status: allowed"), "line 9: FL physical_therapist version 1: unknown status 'allowed'"),
    (("kind: hours", "kind: credits"), "line 15: FL physical_therapist version 1: unknown requirement kind 'credits'"),
    (("citation: \"Florida Statutes section 486.117\"", "citation: \"see https://example.org/486\""),
     "line 13: FL physical_therapist version 1: the source 'citation' must be a citation, not a URL"),
    (("        version: 1\n", "        version: 1\n        version: 2\n"), "line 7: key 'version' appears twice"),
    (("minimum: 50", "minimum: -5"),
     "line 16: FL physical_therapist version 1 hours 'minimum' must be greater than zero"),
    (("modalities: [in_person]", "modalities: [in_person]\n            colour: blue"), "line 19: unknown key 'colour'"),
    (("name: Florida", "name: [Florida"), "not valid YAML"),
])
def test_malformed_files_are_refused_with_the_line(tmp_path, change, expected):
    text = GOOD.format(to="null", unit="hours").replace(*change)
    found = problems(write(tmp_path, text))
    assert any(expected in message and message.startswith("fl.yaml, line ") for message in found), found


def test_a_requirement_repeated_with_another_figure_is_contradictory(tmp_path):
    text = GOOD.format(to="null", unit="hours") + (
        "          - kind: hours\n            minimum: 40\n"
        "            unit: hours\n            modalities: [in_person]\n")
    [message] = problems(write(tmp_path, text))
    assert message.startswith("fl.yaml, line 19: ") and "repeats the one on line 15" in message


def test_a_code_declared_twice_is_refused(tmp_path):
    write(tmp_path, GOOD.format(to="null", unit="hours"))
    write(tmp_path, GOOD.format(to="null", unit="hours"), "florida-again.yaml")
    assert any("FL is also declared in" in m for m in problems(tmp_path))
