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
from html import unescape

_QUESTION_NAME = re.compile(r"q[0-9]+")


@dataclass
class Field:
    """One ``q<id>`` question as the page shows it."""

    name: str
    kind: str = ""  # radio | checkbox | text | numeric | select
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label) of radios/checkboxes
    selects: list[list[str]] = field(default_factory=list)  # option values of each matching row


_TAG = re.compile(r"<(input|select|/select|option|label)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_LABEL_END = re.compile(r"</label>", re.IGNORECASE)


def parse_attempt(html: str) -> list[Field]:
    """The ``q<id>`` fields of an attempt page, in page order, with each choice's label text.

    A scan for the few tags the question template uses, not a full HTML parser: the driver
    shares the machine with the server, and html.parser costs ~10x more CPU per page.
    """
    fields: dict[str, Field] = {}
    ids: dict[str, tuple[str, str]] = {}  # input id -> (field name, value)
    labels: dict[str, str] = {}
    select: list[str] | None = None
    for match in _TAG.finditer(html):
        tag = (match.group(1) or "").lower()
        attrs = {k: unescape(v) for k, v in _ATTR.findall(match.group(2) or "")}
        name = attrs.get("name", "")
        if tag == "label" and "for" in attrs:
            end = _LABEL_END.search(html, match.end())
            text = html[match.end() : end.start() if end else match.end()]
            labels[attrs["for"]] = unescape(re.sub(r"<[^>]+>", "", text)).strip()
        elif tag == "input" and _QUESTION_NAME.fullmatch(name):
            kind = attrs.get("type", "text")
            if kind == "hidden":  # the empty value that lets a cleared choice be saved, not a question kind
                continue
            if kind in ("radio", "checkbox"):
                item = fields.setdefault(name, Field(name=name, kind=kind))
                item.options.append((attrs.get("value", ""), ""))
                ids[attrs.get("id", "")] = (name, attrs.get("value", ""))
            else:
                kind = "numeric" if attrs.get("inputmode") == "decimal" else "text"
                fields.setdefault(name, Field(name=name, kind=kind))
        elif tag == "select" and _QUESTION_NAME.fullmatch(name):
            select = []
            fields.setdefault(name, Field(name=name, kind="select")).selects.append(select)
        elif tag == "/select":
            select = None
        elif tag == "option" and select is not None and attrs.get("value"):
            select.append(attrs["value"])
    for input_id, (name, value) in ids.items():
        item = fields[name]
        item.options = [(v, labels.get(input_id, "") if v == value else t) for v, t in item.options]
    return list(fields.values())


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
