"""The JSON form of hotspot questions, for import, export and the shipped ``hotspots.json``.

GIFT has no syntax for hotspot questions, and Moodle's own XML for its drag-and-drop markers
type names its images by embedded files, so the platform uses a small documented JSON form
(see ``modules/content/README.md``): a list of

    {"name", "prompt", "chart", "objectives": [ids], "points", "max_marks", "feedback",
     "zones": [{"label", "weight", "shape": "circle", "cx", "cy", "r"}
               | {"label", "weight", "shape": "polygon", "points": [[x, y], ...]}]}

with weights in percent and coordinates in percent of the image. ``chart`` names a body chart
(``front``) or an image of the course library by its file name without extension.
"""

from __future__ import annotations

import json
import math

from quizzes.spec import PromptFormat, QuestionSpec, QuestionType, ZoneSpec

ITEM_KEYS = {"name", "prompt", "chart", "objectives", "points", "max_marks", "feedback", "zones"}
MAX_FILE_BYTES = 1024 * 1024


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} must be a number")
    return float(value)


def zones_from_json(items) -> list[ZoneSpec]:
    """Zones from their JSON form (weights in percent); ValueError names the zone."""
    if not isinstance(items, list):
        raise ValueError("the zones must be a list")
    zones = []
    for number, item in enumerate(items, start=1):
        where = f"zone {number}"
        if not isinstance(item, dict):
            raise ValueError(f"{where} must be an object")
        shape = item.get("shape")
        zone = ZoneSpec(id=number, label=str(item.get("label", "")).strip(),
                        fraction=_number(item.get("weight"), f"{where}: weight") / 100, shape=str(shape))
        if shape == "circle":
            zone.cx = _number(item.get("cx"), f"{where}: cx")
            zone.cy = _number(item.get("cy"), f"{where}: cy")
            zone.r = _number(item.get("r"), f"{where}: r")
        elif shape == "polygon":
            points = item.get("points")
            if not isinstance(points, list) or not all(isinstance(p, list) and len(p) == 2 for p in points):
                raise ValueError(f"{where}: points must be a list of [x, y] pairs")
            zone.points = [[_number(x, f"{where}: x"), _number(y, f"{where}: y")] for x, y in points]
        else:
            raise ValueError(f"{where}: shape must be \"circle\" or \"polygon\"")
        zones.append(zone)
    return zones


def zones_to_json(zones: list[ZoneSpec]) -> list[dict]:
    result = []
    for zone in zones:
        item = {"label": zone.label, "weight": round(zone.fraction * 100, 3), "shape": zone.shape}
        if zone.shape == "circle":
            item |= {"cx": zone.cx, "cy": zone.cy, "r": zone.r}
        else:
            item["points"] = zone.points
        result.append(item)
    return result


def question_from_json(item) -> tuple[QuestionSpec, str]:
    """A hotspot spec (image not yet resolved) and the chart name it asks for."""
    if not isinstance(item, dict):
        raise ValueError("each question must be an object")
    unknown = sorted(set(item) - ITEM_KEYS)
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}")
    for key in ("name", "prompt", "chart"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise ValueError(f"'{key}' must be non-empty text")
    objectives = item.get("objectives", [])
    if not isinstance(objectives, list) or not all(isinstance(o, str) and o for o in objectives):
        raise ValueError("'objectives' must be a list of objective ids")
    max_marks = item.get("max_marks", 1)
    if isinstance(max_marks, bool) or not isinstance(max_marks, int):
        raise ValueError("'max_marks' must be a whole number")
    feedback = item.get("feedback", "")
    if not isinstance(feedback, str):
        raise ValueError("'feedback' must be text")
    spec = QuestionSpec(
        qtype=QuestionType.HOTSPOT, prompt=item["prompt"].strip(), title=item["name"].strip(),
        prompt_format=PromptFormat.MARKDOWN, points=_number(item.get("points", 1), "'points'"),
        general_feedback=feedback.strip(), max_marks=max_marks, zones=zones_from_json(item.get("zones")),
        objectives=list(objectives),
    )
    return spec, item["chart"].strip()


def question_to_json(spec: QuestionSpec, chart: str) -> dict:
    return {
        "name": spec.title, "prompt": spec.prompt, "chart": chart, "objectives": list(spec.objectives),
        "points": spec.points, "max_marks": spec.max_marks, "feedback": spec.general_feedback,
        "zones": zones_to_json(spec.zones),
    }


def read_hotspot_items(text: str) -> list:
    """The list of question objects in a JSON document; ValueError when it is not one."""
    try:
        items = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"not valid JSON (line {err.lineno}: {err.msg})") from err
    if not isinstance(items, list):
        raise ValueError("the file must hold a JSON list of questions")
    return items
