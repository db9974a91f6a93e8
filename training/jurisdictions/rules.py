"""The vocabulary of jurisdiction rules: what a state may require, as plain frozen values.

A :class:`RuleVersion` is what one reviewed rule file says about one profession in one
jurisdiction for one period. It is stored as JSON (``to_dict``) next to its database row and
copied into every evidence pack, so an evaluation can always show the exact rule it used.
Numbers are kept as text in the JSON ("50", "2.5") for the same reason certificates keep them
as text: exact round trips and signatures.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Modality(StrEnum):
    ONLINE = "online"
    LIVE_VIRTUAL = "live_virtual"
    IN_PERSON = "in_person"


MODALITY_LABELS = {
    Modality.ONLINE: "online",
    Modality.LIVE_VIRTUAL: "live virtual",
    Modality.IN_PERSON: "in-person",
}


class RuleStatus(StrEnum):
    PERMITTED = "permitted"
    NOT_PERMITTED = "not_permitted"
    UNKNOWN = "unknown"


class RequirementKind(StrEnum):
    HOURS = "hours"
    SUPERVISED_SESSIONS = "supervised_sessions"
    YEARS_LICENSED = "years_licensed"
    COMPETENCY = "competency_determination"
    #: a requirement the platform holds no evidence for (e.g. "50 foundational hours")
    NOT_EVALUABLE = "not_evaluable"


#: the unit each measured requirement must state; anything else is refused by the checker
UNITS = {
    RequirementKind.HOURS: "hours",
    RequirementKind.SUPERVISED_SESSIONS: "sessions",
    RequirementKind.YEARS_LICENSED: "years",
}
WINDOW_UNITS = ("years", "months", "days")


@dataclass(frozen=True)
class Window:
    """Evidence counts only when dated within ``amount`` ``unit`` before the evaluation day."""

    amount: int
    unit: str

    def start(self, today: date) -> date:
        """The first day that still counts (inclusive)."""
        if self.unit == "days":
            return date.fromordinal(today.toordinal() - self.amount)
        months = self.amount * (12 if self.unit == "years" else 1)
        year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
        return _clamped_date(year, month + 1, today.day)

    def __str__(self) -> str:
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{self.amount} {unit}"


def _clamped_date(year: int, month: int, day: int) -> date:
    """``date(year, month, day)`` with the day cut to the month's length (29 Feb -> 28 Feb)."""
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


@dataclass(frozen=True)
class Requirement:
    kind: str
    #: the threshold (hours, sessions or years); None for competency and not-evaluable kinds
    minimum: Decimal | None = None
    unit: str = ""
    #: which modalities count towards an hours requirement (all when the file lists none)
    modalities: tuple[str, ...] = ()
    within: Window | None = None
    #: a sequencing condition the platform cannot observe; shown to the trainee as a reminder
    before_clinical_use: bool = False
    description: str = ""

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "minimum": _number_text(self.minimum) if self.minimum is not None else None,
            "unit": self.unit,
            "modalities": list(self.modalities),
            "within": dataclasses.asdict(self.within) if self.within else None,
            "before_clinical_use": self.before_clinical_use,
            "description": self.description,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Requirement:
        within = data.get("within")
        minimum = data.get("minimum")
        return cls(
            kind=data["kind"], minimum=Decimal(minimum) if minimum is not None else None,
            unit=data.get("unit", ""), modalities=tuple(data.get("modalities") or ()),
            within=Window(**within) if within else None,
            before_clinical_use=bool(data.get("before_clinical_use")),
            description=data.get("description", ""),
        )


@dataclass(frozen=True)
class Source:
    #: the statute or board rule, e.g. "Fla. Stat. 486.117"
    authority: str
    #: a citation a reader can look up without a link (no URLs: they rot and can be swapped)
    citation: str


@dataclass(frozen=True)
class RuleVersion:
    jurisdiction: str
    profession: str
    version: int
    effective_from: date
    effective_to: date | None
    status: str
    requirements: tuple[Requirement, ...]
    source: Source
    checked_on: date
    uncertain: bool = False
    notes: str = ""

    def in_effect_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def to_dict(self) -> dict:
        return {
            "jurisdiction": self.jurisdiction,
            "profession": self.profession,
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "status": self.status,
            "requirements": [r.to_dict() for r in self.requirements],
            "source": dataclasses.asdict(self.source),
            "checked_on": self.checked_on.isoformat(),
            "uncertain": self.uncertain,
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: dict) -> RuleVersion:
        to = data.get("effective_to")
        return cls(
            jurisdiction=data["jurisdiction"], profession=data["profession"],
            version=int(data["version"]),
            effective_from=date.fromisoformat(data["effective_from"]),
            effective_to=date.fromisoformat(to) if to else None,
            status=data["status"],
            requirements=tuple(Requirement.from_dict(r) for r in data["requirements"]),
            source=Source(**data["source"]),
            checked_on=date.fromisoformat(data["checked_on"]),
            uncertain=bool(data.get("uncertain")), notes=data.get("notes", ""),
        )


@dataclass(frozen=True)
class Reporting:
    """How completions must be reported to the jurisdiction's board."""

    board: str
    system: str
    #: days after completion by which the provider must report it
    deadline_days: int
    source: str


@dataclass(frozen=True)
class JurisdictionSpec:
    code: str
    name: str
    reporting: Reporting | None
    rules: tuple[RuleVersion, ...]
    file: str = ""
    #: the line of each rule in ``file``, for messages about a rule
    rule_lines: tuple[int, ...] = ()


def number_text(value: Decimal) -> str:
    """"50", "2.5": no exponent, no trailing zeros (for messages and JSON)."""
    return format(Decimal(value).normalize(), "f")


_number_text = number_text
