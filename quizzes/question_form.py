"""Between the question authoring form and ``QuestionSpec``; choice ids stay stable on edit."""

from __future__ import annotations

from decimal import Decimal

from quizzes.forms import QuestionForm
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
}


def _fraction(percent) -> float:
    return float(Decimal(percent) / 100) if percent is not None else 0.0


def _is_id(value: str | None) -> bool:
    """A stored id sent back by the form: ASCII digits only (``"²".isdigit()`` is true too)."""
    return bool(value) and value.isascii() and value.isdigit()


def _next_id(used: set[int]) -> int:
    return max(used, default=0) + 1


def spec_from_form(form: QuestionForm, qtype: QuestionType) -> QuestionSpec:
    """Read the rows that were filled in; empty rows are ignored."""
    spec = QuestionSpec(
        qtype=qtype, prompt=form.prompt.data.strip(), title=(form.title.data or "").strip(),
        prompt_format=PromptFormat.MARKDOWN, points=float(form.points.data or 1),
        general_feedback=(form.general_feedback.data or "").strip(),
    )
    if qtype == QuestionType.TRUE_FALSE:
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
    if spec.qtype == QuestionType.TRUE_FALSE:
        true_choice = next((c for c in spec.choices if c.text == "True"), None)
        data["truth"] = "true" if true_choice and true_choice.fraction == 1 else "false"
    return data
