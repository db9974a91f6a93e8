"""Plain data describing a question, independent of the database.

The GIFT parser produces these, the exporter and the grader consume them, and the
``Question`` model stores the ``choices``/``numeric``/``pairs`` parts as JSON. Keeping one
plain shape means import, export, authoring forms and grading cannot drift apart.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum


class QuestionType(StrEnum):
    SINGLE = "single"  #: one correct choice (radio buttons)
    MULTIPLE = "multiple"  #: several choices with weights; wrong ones subtract, floor at zero
    TRUE_FALSE = "truefalse"  #: choices "True" and "False", one with fraction 1
    NUMERIC = "numeric"  #: a number within a tolerance or a range
    SHORT = "short"  #: free text compared with accepted answers
    MATCHING = "matching"  #: each left item matched with one right item
    HOTSPOT = "hotspot"  #: points marked on an image, scored against weighted zones


class PromptFormat(StrEnum):
    MARKDOWN = "markdown"
    HTML = "html"
    PLAIN = "plain"


@dataclass
class ChoiceSpec:
    """A choice (single, multiple, true/false) or an accepted answer (short answer)."""

    id: int  #: stable within the question, so saved answers survive edits and regrades
    text: str
    fraction: float  #: share of the question's points, -1.0 to 1.0
    feedback: str = ""


@dataclass
class NumericAnswerSpec:
    """An accepted number: ``value`` +/- ``tolerance``, or the closed range ``low``..``high``."""

    fraction: float
    value: float | None = None
    tolerance: float = 0.0
    low: float | None = None
    high: float | None = None
    feedback: str = ""


@dataclass
class MatchPairSpec:
    """A left-hand prompt and its right-hand answer; an empty prompt is a distractor answer."""

    id: int
    prompt: str
    answer: str


@dataclass
class ZoneSpec:
    """A target (or, with a negative weight, a danger) zone of a hotspot question.

    Coordinates are percentages of the image's width (x) and height (y); a circle's radius
    is a percentage of the image's width, so it stays round on any image shape.
    """

    id: int
    label: str
    fraction: float  #: share of the question's points, -1.0 to 1.0
    shape: str  #: "circle" or "polygon"
    cx: float = 0.0
    cy: float = 0.0
    r: float = 0.0
    points: list[list[float]] = field(default_factory=list)


@dataclass
class QuestionSpec:
    qtype: QuestionType
    prompt: str
    title: str = ""
    prompt_format: PromptFormat = PromptFormat.MARKDOWN
    points: float = 1.0
    general_feedback: str = ""
    choices: list[ChoiceSpec] = field(default_factory=list)
    numeric: list[NumericAnswerSpec] = field(default_factory=list)
    pairs: list[MatchPairSpec] = field(default_factory=list)
    #: hotspot: the chart's media file name (``<sha256>.<ext>``), its height / width, the zones
    image: str = ""
    aspect: float = 1.0
    max_marks: int = 1
    zones: list[ZoneSpec] = field(default_factory=list)
    #: ids of the module objectives the question examines (stored on the row, not in ``data``)
    objectives: list[str] = field(default_factory=list)
    #: GIFT import: the line of each objective tag, to name it in an error
    tag_lines: dict[str, int] = field(default_factory=dict)
    #: line in the source file where the question starts (GIFT import reports), 0 otherwise
    source_line: int = 0

    def answer_data(self) -> dict:
        """The type-specific part stored as JSON on the ``Question`` row."""
        data = {
            "choices": [asdict(c) for c in self.choices],
            "numeric": [asdict(n) for n in self.numeric],
            "pairs": [asdict(p) for p in self.pairs],
        }
        if self.qtype == QuestionType.HOTSPOT:
            data |= {"image": self.image, "aspect": self.aspect, "max_marks": self.max_marks,
                     "zones": [asdict(z) for z in self.zones]}
        return data

    @classmethod
    def from_stored(
        cls,
        *,
        qtype: str,
        prompt: str,
        title: str,
        prompt_format: str,
        points: float,
        general_feedback: str,
        data: dict,
    ) -> QuestionSpec:
        """Rebuild a spec from a ``Question`` row's columns and its JSON ``data``."""
        return cls(
            qtype=QuestionType(qtype),
            prompt=prompt,
            title=title,
            prompt_format=PromptFormat(prompt_format),
            points=points,
            general_feedback=general_feedback,
            choices=[ChoiceSpec(**c) for c in data.get("choices", [])],
            numeric=[NumericAnswerSpec(**n) for n in data.get("numeric", [])],
            pairs=[MatchPairSpec(**p) for p in data.get("pairs", [])],
            image=data.get("image", ""),
            aspect=data.get("aspect", 1.0),
            max_marks=data.get("max_marks", 1),
            zones=[ZoneSpec(**z) for z in data.get("zones", [])],
        )
