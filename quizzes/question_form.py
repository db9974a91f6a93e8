"""Between the question authoring form and ``QuestionSpec``; choice ids stay stable on edit."""

from __future__ import annotations

import json
from decimal import Decimal

from quizzes.forms import QuestionForm
from quizzes.hotspot_json import zones_from_json, zones_to_json
from quizzes.questions import QuestionError
from quizzes.spec import (
    ChoiceSpec,
    MatchPairSpec,
    NumericAnswerSpec,
    PromptFormat,
    QuestionSpec,
    QuestionType,
)

TYPE_LABELS = {
    QuestionType.SINGLE: "Single choice",
    QuestionType.MULTIPLE: "Multiple response",
    QuestionType.TRUE_FALSE: "True / false",
    QuestionType.NUMERIC: "Numeric",
    QuestionType.SHORT: "Short answer",
    QuestionType.MATCHING: "Matching",
    QuestionType.HOTSPOT: "Hotspot (mark points on a body chart)",
}


def _fraction(percent) -> float:
    return float(Decimal(percent) / 100) if percent is not None else 0.0


def _is_id(value: str | None) -> bool:
    """A stored id sent back by the form: ASCII digits only (``"²".isdigit()`` is true too)."""
    return bool(value) and value.isascii() and value.isdigit()


def _next_id(used: set[int]) -> int:
    return max(used, default=0) + 1


def spec_from_form(form: QuestionForm, qtype: QuestionType, images: dict | None = None) -> QuestionSpec:
    """Read the rows that were filled in; empty rows are ignored.

    ``images`` maps the library file names an author may choose to their (width, height).
    """
    spec = QuestionSpec(
        qtype=qtype, prompt=form.prompt.data.strip(), title=(form.title.data or "").strip(),
        prompt_format=PromptFormat.MARKDOWN, points=float(form.points.data or 1),
        general_feedback=(form.general_feedback.data or "").strip(),
        objectives=[o for o in form.objectives.data or [] if o],
    )
    if qtype == QuestionType.HOTSPOT:
        _hotspot_from_form(form, spec, images or {})
    elif qtype == QuestionType.TRUE_FALSE:
        if form.truth.data not in ("true", "false"):
            raise QuestionError("Say whether the statement is true or false.", "truth")
        true = form.truth.data == "true"
        spec.choices = [ChoiceSpec(1, "True", 1.0 if true else 0.0), ChoiceSpec(2, "False", 0.0 if true else 1.0)]
    elif qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.SHORT):
        rows = [row.form for row in form.choices if (row.form.text.data or "").strip()]
        used = {int(r.id.data) for r in rows if _is_id(r.id.data)}
        for row in rows:
            choice_id = int(row.id.data) if _is_id(row.id.data) else _next_id(used)
            used.add(choice_id)
            spec.choices.append(ChoiceSpec(choice_id, row.text.data.strip(), _fraction(row.percent.data),
                                           (row.feedback.data or "").strip()))
    elif qtype == QuestionType.NUMERIC:
        for row in (r.form for r in form.numeric):
            if row.value.data is None and row.low.data is None and row.high.data is None:
                continue
            spec.numeric.append(NumericAnswerSpec(
                fraction=_fraction(row.percent.data if row.percent.data is not None else 100),
                value=row.value.data, tolerance=row.tolerance.data or 0.0,
                low=row.low.data if row.value.data is None else None,
                high=row.high.data if row.value.data is None else None,
                feedback=(row.feedback.data or "").strip(),
            ))
    elif qtype == QuestionType.MATCHING:
        rows = [r.form for r in form.pairs if (r.form.answer.data or "").strip()]
        used = {int(r.id.data) for r in rows if _is_id(r.id.data)}
        for row in rows:
            pair_id = int(row.id.data) if _is_id(row.id.data) else _next_id(used)
            used.add(pair_id)
            spec.pairs.append(MatchPairSpec(pair_id, (row.prompt.data or "").strip(), row.answer.data.strip()))
    return spec


def form_data_from_spec(spec: QuestionSpec) -> dict:
    """Initial form values for editing ``spec``."""
    data = {
        "title": spec.title, "prompt": spec.prompt, "points": spec.points,
        "general_feedback": spec.general_feedback,
        "choices": [{"id": str(c.id), "text": c.text, "percent": Decimal(str(round(c.fraction * 100, 3))),
                     "feedback": c.feedback} for c in spec.choices],
        "numeric": [{"value": n.value, "tolerance": n.tolerance, "low": n.low, "high": n.high,
                     "percent": Decimal(str(round(n.fraction * 100, 3))), "feedback": n.feedback}
                    for n in spec.numeric],
        "pairs": [{"id": str(p.id), "prompt": p.prompt, "answer": p.answer} for p in spec.pairs],
    }
    data["objectives"] = list(spec.objectives)
    if spec.qtype == QuestionType.HOTSPOT:
        data |= {"image": spec.image, "max_marks": spec.max_marks,
                 "zones": json.dumps(zones_to_json(spec.zones), indent=1)}
    if spec.qtype == QuestionType.TRUE_FALSE:
        true_choice = next((c for c in spec.choices if c.text == "True"), None)
        data["truth"] = "true" if true_choice and true_choice.fraction == 1 else "false"
    return data


def _hotspot_from_form(form: QuestionForm, spec: QuestionSpec, images: dict) -> None:
    if form.image.data not in images:
        raise QuestionError("Choose a body chart or image from the course's media library.", "image")
    width, height = images[form.image.data]
    spec.image, spec.aspect = form.image.data, round(height / width, 6)
    spec.max_marks = form.max_marks.data or 1
    try:
        spec.zones = zones_from_json(json.loads(form.zones.data or "[]"))
    except (ValueError, TypeError) as err:
        raise QuestionError(f"The zones could not be read: {err}.", "zones") from err
