"""What the attempt page shows of each question: text and options, never the key."""

from __future__ import annotations

from collections.abc import Mapping

from markupsafe import Markup

from quizzes.grading import format_number
from quizzes.models import Attempt


def attempt_questions(attempt: Attempt, questions: Mapping, posted: dict[str, list[str]] | None = None) -> list[dict]:
    """Per question: prompt, options in the attempt's order, and the answer to pre-fill.

    ``questions`` maps question ids to the questions (``quizzes.content``). Choice options are
    numbered by the position shown, so the page carries no choice ids (ids follow the author's
    order, which often puts the right answer first).
    """
    layout = {entry["question_id"]: entry for entry in attempt.layout}
    items = []
    for response in attempt.responses:
        question = questions[response.question_id]
        entry = layout[question.id]
        data = question.data or {}
        texts = {c["id"]: c["text"] for c in data.get("choices", [])}
        order = entry.get("choice_order", [])
        item = {
            "position": response.position,
            "name": f"q{question.id}",
            "qtype": question.qtype,
            "prompt_html": question.prompt_html,
            "points": question.points,
            "options": [(index, texts.get(choice_id, "")) for index, choice_id in enumerate(order, start=1)],
            "rows": [(p["id"], p["prompt"]) for p in data.get("pairs", []) if p["prompt"].strip()],
            "match_options": entry.get("match_options", []),
        }
        if question.qtype == "hotspot":  # the chart and how many marks; never the zones
            item |= {"image_url": f"/media/{data.get('image', '')}", "aspect": data.get("aspect", 1.0),
                     "max_marks": data.get("max_marks", 1)}
        item["value"] = _prefill(item, order, response.answer, posted.get(item["name"]) if posted else None)
        item["answered"] = bool(item["value"])
        items.append(item)
    return items


def answer_summary(attempt: Attempt, questions: Mapping) -> list[dict]:
    """Per question, in the attempt's order: position, the start of its text, answered or not."""
    rows = []
    for response in attempt.responses:
        text = Markup(questions[response.question_id].prompt_html or "").striptags()  # noqa: S704 - sanitised when saved
        rows.append({
            "position": response.position,
            "excerpt": text if len(text) <= 90 else text[:87].rstrip() + "…",
            "answered": response.answer is not None,
        })
    return rows


def _prefill(item: dict, order: list[int], answer: dict | None, raw: list[str] | None):
    """The current answer in the page's own terms (positions, text, matches)."""
    if raw is not None:
        raw = [value for value in raw if value.strip()]  # the page's empty "unanswered" field
        if item["qtype"] == "matching":
            return dict(v.split("=", 1) for v in raw if "=" in v)
        return raw if item["qtype"] in ("multiple", "hotspot") else (raw[0] if raw else "")
    if answer is None:
        return {} if item["qtype"] == "matching" else ([] if item["qtype"] in ("multiple", "hotspot") else "")
    if item["qtype"] == "hotspot":
        return [f"{format_number(x)},{format_number(y)}" for x, y in answer.get("marks", [])]
    position = {choice_id: str(index) for index, choice_id in enumerate(order, start=1)}
    kind = item["qtype"]
    if kind in ("single", "truefalse"):
        return position.get(answer.get("choice"), "")
    if kind == "multiple":
        return [position[c] for c in answer.get("choices", []) if c in position]
    if kind == "numeric":
        return format_number(answer["value"]) if "value" in answer else ""
    if kind == "short":
        return answer.get("text", "")
    return {str(k): v for k, v in answer.get("matches", {}).items()}
