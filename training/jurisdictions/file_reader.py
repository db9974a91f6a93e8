"""Collecting rule-file problems with their line while reading YAML values (used by ``files``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from training.jurisdictions.yaml_lines import LineDict


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.message}"


class RuleFilesError(ValueError):
    """The rule files hold problems; nothing of them may be loaded."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class Reader:
    """Collects problems of one file while turning its YAML into rule values."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def mapping(self, value, line: int, what: str, allowed: set[str], required: set[str]) -> bool:
        if not isinstance(value, LineDict):
            self.problem(line, f"{what} must be a mapping of keys to values")
            return False
        for key in sorted(set(value) - allowed):
            self.problem(value.line_of(key), f"unknown key '{key}' in {what}")
        for key in sorted(required - set(value)):
            self.problem(value.line, f"{what} lacks '{key}'")
        return True

    def text(self, data: LineDict, key: str, what: str, *, required: bool = True, max_len: int = 300) -> str:
        value = data.get(key)
        if value is None:
            if required and key in data:
                self.problem(data.line_of(key), f"{what} '{key}' must not be empty")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(data.line_of(key), f"{what} '{key}' must be text")
            return ""
        if len(value) > max_len:
            self.problem(data.line_of(key), f"{what} '{key}' is longer than {max_len} characters")
        return value.strip()

    def day(self, data: LineDict, key: str, what: str) -> date | None:
        value = data.get(key)
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        if key in data and value is not None:
            self.problem(data.line_of(key), f"{what} '{key}' must be a date like 2026-01-31")
        return None

    def number(self, data: LineDict, key: str, what: str) -> Decimal | None:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.problem(data.line_of(key), f"{what} '{key}' must be a number")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.problem(data.line_of(key), f"{what} '{key}' must be a number, not '{value}'")
            return None
        if not number.is_finite() or number <= 0:
            self.problem(data.line_of(key), f"{what} '{key}' must be greater than zero")
            return None
        return number
