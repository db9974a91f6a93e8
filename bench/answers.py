"""Read the question fields of an attempt page and fill them in like a trainee would.

The page carries no answer key (choices are numbered by the position shown), so the driver
gets the key from the dataset and matches choices by their label text. Each question is
answered correctly with probability ``skill``: some attempts pass (and run the certificate
check a pass triggers), some fail, as in a real cohort.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_QUESTION_NAME = re.compile(r"q[0-9]+")


@dataclass
class Field:
    """One ``q<id>`` question as the page shows it."""

    name: str
    kind: str = ""  # radio | checkbox | text | numeric | select
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label) of radios/checkboxes
    selects: list[list[str]] = field(default_factory=list)  # option values of each matching row


class AttemptPage(HTMLParser):
    """Collects the question fields in page order, with the text of each choice's label."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, Field] = {}
        self._ids: dict[str, tuple[str, str]] = {}  # input id -> (field name, value)
        self._labels: dict[str, str] = {}  # input id -> label text
        self._label_for: str | None = None
        self._label_text: list[str] = []
        self._select: list[str] | None = None

    def _field(self, name: str, kind: str) -> Field:
        item = self.fields.setdefault(name, Field(name=name))
        item.kind = kind
        return item

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "label" and a.get("for"):
            self._label_for, self._label_text = a["for"], []
        elif tag == "input" and _QUESTION_NAME.fullmatch(name):
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                self._field(name, kind).options.append((a.get("value", ""), ""))
                self._ids[a.get("id", "")] = (name, a.get("value", ""))
            else:
                self._field(name, "numeric" if a.get("inputmode") == "decimal" else "text")
        elif tag == "select" and _QUESTION_NAME.fullmatch(name):
            self._select = []
            self._field(name, "select").selects.append(self._select)
        elif tag == "option" and self._select is not None and a.get("value"):
            self._select.append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_for is not None:
            self._labels[self._label_for] = "".join(self._label_text).strip()
            self._label_for = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self._label_text.append(data)

    def questions(self) -> list[Field]:
        """The fields, with each choice's label text filled in."""
        for input_id, (name, value) in self._ids.items():
            item = self.fields[name]
            label = self._labels.get(input_id, "")
            item.options = [(v, label if v == value else t) for v, t in item.options]
        return list(self.fields.values())


def parse_attempt(html: str) -> list[Field]:
    parser = AttemptPage()
    parser.feed(html)
    parser.close()
    return parser.questions()


def _correct(item: Field, key: dict) -> list[str]:
    """The values that answer ``item`` right according to ``key`` (from the dataset)."""
    if item.kind in ("radio", "checkbox"):
        right = set(key.get("choices", []))
        return [value for value, label in item.options if label in right]
    if item.kind in ("numeric", "text"):
        return [key.get("text", "")]
    pairs = key.get("pairs", {})
    chosen = []
    for values in item.selects:
        for value in values:
            pair_id, _, text = value.partition("=")
            if pairs.get(pair_id) == text:
                chosen.append(value)
    return chosen


def _guess(item: Field, rng: random.Random) -> list[str]:
    """A plausible wrong (or lucky) answer."""
    if item.kind == "radio":
        return [rng.choice(item.options)[0]]
    if item.kind == "checkbox":
        return [value for value, _ in rng.sample(item.options, k=rng.randint(1, len(item.options)))]
    if item.kind == "numeric":
        return [str(rng.randint(1, 100))]
    if item.kind == "text":
        return [rng.choice(("not sure", "needle", "trigger point"))]
    return [rng.choice(values) for values in item.selects if values]


def fill(fields: list[Field], key: dict[str, dict], rng: random.Random, skill: float) -> dict[str, list[str]]:
    """Form values for every question: right with probability ``skill``, else a guess."""
    form: dict[str, list[str]] = {}
    for item in fields:
        question_key = key.get(item.name[1:])
        answer = _correct(item, question_key) if question_key and rng.random() < skill else []
        form[item.name] = answer or _guess(item, rng)
    return form
