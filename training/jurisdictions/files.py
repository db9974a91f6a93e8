"""Reading and checking the rule files; pure, no database.

Every problem is collected with its file and line, and a folder with any problem is refused
whole: a half-loaded set of state rules would answer "may I needle?" from a mix of old and new.
"""

from __future__ import annotations

import re
from pathlib import Path

from training.auth.roles import Profession
from training.jurisdictions.file_reader import Problem, Reader, RuleFilesError
from training.jurisdictions.rules import (
    UNITS,
    WINDOW_UNITS,
    JurisdictionSpec,
    Modality,
    Reporting,
    Requirement,
    RequirementKind,
    RuleStatus,
    RuleVersion,
    Source,
    Window,
)
from training.jurisdictions.yaml_lines import LineDict, LineList, YamlError, load_yaml

RULES_DIR = Path(__file__).resolve().parent / "rules"
CODE = re.compile(r"^[A-Z]{2}$")
URL = re.compile(r"(https?:|ftp:|www\.)", re.IGNORECASE)
FILE_KEYS = {"jurisdictions"}
JURISDICTION_KEYS = {"code", "name", "reporting", "rules"}
REPORTING_KEYS = {"board", "system", "deadline_days", "source"}
RULE_KEYS = {"profession", "version", "effective_from", "effective_to", "status", "requirements",
             "source", "checked_on", "uncertain", "notes"}
REQUIREMENT_KEYS = {"kind", "minimum", "unit", "modalities", "within", "before_clinical_use",
                    "description"}


def read_file(path: Path, root: Path) -> tuple[list[JurisdictionSpec], list[Problem]]:
    """The jurisdictions one file declares, and every problem found in it."""
    name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    reader = Reader(name)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except YamlError as err:
        return [], [Problem(name, err.line, str(err))]
    except (OSError, UnicodeDecodeError) as err:
        return [], [Problem(name, 1, f"cannot read the file: {err}")]
    if not reader.mapping(data, 1, "the file", FILE_KEYS, FILE_KEYS):
        return [], reader.problems
    entries = data.get("jurisdictions")
    if not isinstance(entries, LineList) or not entries:
        reader.problem(data.line_of("jurisdictions"), "'jurisdictions' must be a non-empty list")
        return [], reader.problems
    specs = [
        spec for item, line in zip(entries, entries.item_lines, strict=True)
        if (spec := _jurisdiction(reader, item, line)) is not None
    ]
    return specs, reader.problems


def _jurisdiction(reader: Reader, data, line: int) -> JurisdictionSpec | None:
    if not reader.mapping(data, line, "a jurisdiction", JURISDICTION_KEYS, {"code", "name", "rules"}):
        return None
    code = data.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        reader.problem(data.line_of("code"), "'code' must be a two-letter upper-case code such as FL")
        code = "??"
    name = reader.text(data, "name", f"jurisdiction {code}", max_len=60)
    reporting = _reporting(reader, data["reporting"], data.line_of("reporting")) if data.get("reporting") else None
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, LineList):
        reader.problem(data.line_of("rules"), f"'rules' of {code} must be a list (it may be empty: [])")
        return None
    parsed = [
        (rule, item_line) for item, item_line in zip(raw_rules, raw_rules.item_lines, strict=True)
        if (rule := _rule(reader, code, item, item_line)) is not None
    ]
    rules = [rule for rule, _ in parsed]
    _check_versions(reader, code, rules, raw_rules)
    return JurisdictionSpec(code=code, name=name, reporting=reporting, rules=tuple(rules), file=reader.file,
                            rule_lines=tuple(line for _, line in parsed))


def _reporting(reader: Reader, data, line: int) -> Reporting | None:
    if not reader.mapping(data, line, "'reporting'", REPORTING_KEYS, REPORTING_KEYS):
        return None
    days = data.get("deadline_days")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 366:
        reader.problem(data.line_of("deadline_days"), "'deadline_days' must be a whole number of days, 1 to 366")
        return None
    source = reader.text(data, "source", "reporting")
    if URL.search(source):
        reader.problem(data.line_of("source"), "the reporting 'source' must be a citation, not a URL")
    return Reporting(board=reader.text(data, "board", "reporting"), system=reader.text(data, "system", "reporting"),
                     deadline_days=days, source=source)


def _rule(reader: Reader, code: str, data, line: int) -> RuleVersion | None:
    required = {"profession", "version", "effective_from", "status", "source", "checked_on"}
    if not reader.mapping(data, line, f"a rule of {code}", RULE_KEYS, required):
        return None
    problems_before = len(reader.problems)
    profession = data.get("profession")
    if profession not in {p.value for p in Profession}:
        reader.problem(data.line_of("profession"), f"unknown profession '{profession}'")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        reader.problem(data.line_of("version"), "'version' must be a whole number from 1")
    what = f"{code} {profession} version {version}"
    start, end = reader.day(data, "effective_from", what), reader.day(data, "effective_to", what)
    if start and end and end < start:
        reader.problem(data.line_of("effective_to"), f"{what}: effective_to {end} is before effective_from {start}")
    checked_on = reader.day(data, "checked_on", what)
    status = data.get("status")
    if status not in {s.value for s in RuleStatus}:
        reader.problem(data.line_of("status"), f"{what}: unknown status '{status}' "
                                               f"(use {', '.join(s.value for s in RuleStatus)})")
    uncertain = data.get("uncertain", False)
    if not isinstance(uncertain, bool):
        reader.problem(data.line_of("uncertain"), f"{what}: 'uncertain' must be true or false")
    source = _source(reader, data.get("source"), data.line_of("source"), what)
    requirements = _requirements(reader, data, what, status)
    if len(reader.problems) > problems_before or source is None or start is None or checked_on is None:
        return None
    notes = reader.text(data, "notes", what, required=False, max_len=1000) if "notes" in data else ""
    return RuleVersion(jurisdiction=code, profession=profession, version=version, effective_from=start,
                       effective_to=end, status=status, requirements=tuple(requirements), source=source,
                       checked_on=checked_on, uncertain=uncertain, notes=notes)


def _source(reader: Reader, data, line: int, what: str) -> Source | None:
    if not reader.mapping(data, line, f"the source of {what}", {"authority", "citation"}, {"authority", "citation"}):
        return None
    authority = reader.text(data, "authority", "source")
    citation = reader.text(data, "citation", "source", max_len=600)
    for key, value in (("authority", authority), ("citation", citation)):
        if URL.search(value):
            reader.problem(data.line_of(key), f"{what}: the source '{key}' must be a citation, not a URL")
    return Source(authority, citation) if authority and citation else None


def _requirements(reader: Reader, data: LineDict, what: str, status) -> list[Requirement]:
    items = data.get("requirements", LineList())
    if not isinstance(items, LineList):
        reader.problem(data.line_of("requirements"), f"{what}: 'requirements' must be a list")
        return []
    if status == RuleStatus.PERMITTED and not items:
        reader.problem(data.line_of("requirements") if "requirements" in data else data.line,
                       f"{what}: a permitting rule needs at least one requirement")
    if status in (RuleStatus.NOT_PERMITTED, RuleStatus.UNKNOWN) and items:
        reader.problem(data.line_of("requirements"), f"{what}: a rule with status '{status}' has no requirements")
    result = []
    seen: dict[tuple, int] = {}
    for item, line in zip(items, items.item_lines, strict=True):
        requirement = _requirement(reader, item, line, what)
        if requirement is None:
            continue
        result.append(requirement)
        key = (requirement.kind, requirement.modalities, requirement.within, requirement.before_clinical_use)
        if requirement.kind != RequirementKind.NOT_EVALUABLE and key in seen:
            reader.problem(line, f"{what}: this {requirement.kind} requirement repeats the one on "
                                 f"line {seen[key]} with another figure")
        seen.setdefault(key, line)
    return result


def _requirement(reader: Reader, data, line: int, what: str) -> Requirement | None:
    if not reader.mapping(data, line, f"a requirement of {what}", REQUIREMENT_KEYS, {"kind"}):
        return None
    before = len(reader.problems)
    try:
        kind = RequirementKind(data["kind"])
    except ValueError:
        reader.problem(data.line_of("kind"), f"{what}: unknown requirement kind '{data['kind']}' "
                                             f"(use {', '.join(k.value for k in RequirementKind)})")
        return None
    minimum, unit = None, ""
    if kind in UNITS:
        minimum = reader.number(data, "minimum", f"{what} {kind}")
        unit = data.get("unit")
        if unit != UNITS[kind]:
            reader.problem(data.line_of("unit"), f"{what}: unknown unit '{unit}' for {kind} (use '{UNITS[kind]}')")
        if kind == RequirementKind.SUPERVISED_SESSIONS and minimum is not None and minimum != int(minimum):
            reader.problem(data.line_of("minimum"), f"{what}: sessions are counted in whole numbers")
    else:
        for key in ("minimum", "unit", "modalities", "within"):
            if key in data:
                reader.problem(data.line_of(key), f"{what}: a {kind} requirement takes no '{key}'")
    modalities = _modalities(reader, data, what) if kind == RequirementKind.HOURS else ()
    within = _window(reader, data, what) if "within" in data and kind in UNITS else None
    description = reader.text(data, "description", what, required=False) if "description" in data else ""
    if kind == RequirementKind.NOT_EVALUABLE and not description:
        reader.problem(data.line, f"{what}: a not_evaluable requirement needs a 'description'")
    before_use = data.get("before_clinical_use", False)
    if not isinstance(before_use, bool):
        reader.problem(data.line_of("before_clinical_use"), f"{what}: 'before_clinical_use' must be true or false")
    if len(reader.problems) > before:
        return None
    return Requirement(kind=kind.value, minimum=minimum, unit=unit, modalities=modalities, within=within,
                       before_clinical_use=before_use, description=description)


def _modalities(reader: Reader, data: LineDict, what: str) -> tuple[str, ...]:
    value = data.get("modalities")
    if value is None:
        return ()
    known = {m.value for m in Modality}
    if not isinstance(value, list) or not value or any(m not in known for m in value):
        reader.problem(data.line_of("modalities"), f"{what}: 'modalities' must list some of {', '.join(sorted(known))}")
        return ()
    return tuple(sorted(set(value)))


def _window(reader: Reader, data: LineDict, what: str) -> Window | None:
    value = data.get("within")
    if not reader.mapping(value, data.line_of("within"), f"'within' of {what}", {"amount", "unit"}, {"amount", "unit"}):
        return None
    amount, unit = value.get("amount"), value.get("unit")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        reader.problem(value.line_of("amount"), f"{what}: the window 'amount' must be a whole number from 1")
        return None
    if unit not in WINDOW_UNITS:
        reader.problem(value.line_of("unit"), f"{what}: unknown unit '{unit}' for a window "
                                              f"(use {', '.join(WINDOW_UNITS)})")
        return None
    return Window(amount, unit)


def _check_versions(reader: Reader, code: str, rules: list[RuleVersion], raw: LineList) -> None:
    """Versions of one profession have distinct numbers and never overlap in time."""
    lines = {(r.get("profession"), r.get("version")): r.line for r in raw if isinstance(r, LineDict)}
    by_profession: dict[str, list[RuleVersion]] = {}
    for rule in rules:
        by_profession.setdefault(rule.profession, []).append(rule)
    for profession, versions in by_profession.items():
        versions.sort(key=lambda r: (r.effective_from, r.version))
        numbers = [r.version for r in versions]
        for number in sorted({n for n in numbers if numbers.count(n) > 1}):
            reader.problem(lines.get((profession, number), 1), f"{code} {profession}: version {number} appears twice")
        for earlier, later in zip(versions, versions[1:], strict=False):
            if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                reader.problem(lines.get((profession, later.version), 1),
                               f"{code} {profession}: version {later.version} (from {later.effective_from}) "
                               f"overlaps version {earlier.version} "
                               f"(to {earlier.effective_to or 'open end'})")
            elif later.version <= earlier.version:
                reader.problem(lines.get((profession, later.version), 1),
                               f"{code} {profession}: version {later.version} starts after version "
                               f"{earlier.version}; number versions in date order")


def read_rules(folder: Path | None = None) -> list[JurisdictionSpec]:
    """Every jurisdiction in ``folder`` (``*.yaml``), or RuleFilesError listing every problem."""
    root = Path(folder or RULES_DIR)
    files = sorted(root.glob("*.yaml"))
    problems: list[Problem] = []
    if not files:
        raise RuleFilesError([Problem(str(root), 0, "no rule files (*.yaml) in this folder")])
    specs: list[JurisdictionSpec] = []
    seen: dict[str, str] = {}
    for path in files:
        found, file_problems = read_file(path, root)
        problems.extend(file_problems)
        for spec in found:
            if spec.code in seen:
                problems.append(Problem(spec.file, 1, f"{spec.code} is also declared in {seen[spec.code]}"))
            seen.setdefault(spec.code, spec.file)
            specs.append(spec)
    if problems:
        raise RuleFilesError(problems)
    return specs
