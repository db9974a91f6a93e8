"""Hotspot questions: the trainee marks points on a body chart, scored against weighted zones.

Pure rules, shared by grading, regrading, the review and the authoring checks. Coordinates
are percentages of the image (x of its width, y of its height), so they do not depend on
the size the image is shown at. Scoring follows the multiple-response rules:

* a target zone (positive weight) earns its weight once, however many marks land in it
  (two zones of 100% with one marker allowed are alternatives: "on either side");
* a mark in a danger zone (negative weight) subtracts that zone's weight, once per zone;
* a mark in no zone at all is a wrong answer and subtracts ``1 / max_marks`` of the points;
* the total is kept between 0 and 1.

Zones stay on the server: the attempt page gets the image and the number of marks only.
"""

from __future__ import annotations

import math

from quizzes.spec import QuestionSpec, ZoneSpec

MAX_ZONES = 30
MAX_POLYGON_POINTS = 60
MAX_MARKS = 20
SHAPES = ("circle", "polygon")


def _inside_polygon(points: list[list[float]], x: float, y: float) -> bool:
    """Even-odd ray casting; scale-free, so percentages work as well as pixels."""
    inside = False
    count = len(points)
    for i in range(count):
        x1, y1 = points[i]
        x2, y2 = points[(i + 1) % count]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def zone_contains(zone: ZoneSpec, x: float, y: float, aspect: float) -> bool:
    """Whether the point (x%, y%) lies in ``zone`` on an image of height/width ``aspect``."""
    if zone.shape == "circle":
        dy = (y - zone.cy) * aspect  # in percent of the width, like the radius
        return (x - zone.cx) ** 2 + dy**2 <= zone.r**2
    return len(zone.points) >= 3 and _inside_polygon(zone.points, x, y)


def parse_marks(spec: QuestionSpec, values: list[str]) -> dict | None:
    """``{"marks": [[x, y], ...]}`` from form values ``"x,y"``; ValueError with a reason."""
    marks = []
    for value in values:
        x_text, sep, y_text = value.strip().partition(",")
        try:
            x, y = float(x_text), float(y_text)
        except ValueError:
            raise ValueError("Each marker must be a position given as two numbers, across and down.") from None
        if not sep or not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError("Each marker must be a position given as two numbers, across and down.")
        if not (0 <= x <= 100 and 0 <= y <= 100):
            raise ValueError("A marker is outside the image: positions run from 0 to 100% across and down.")
        marks.append([round(x, 2), round(y, 2)])
    if len(marks) > spec.max_marks:
        raise ValueError(f"Place at most {spec.max_marks} marker{'s' if spec.max_marks != 1 else ''}.")
    return {"marks": marks} if marks else None


def _valid_marks(answer: dict) -> list[tuple[float, float]]:
    marks = answer.get("marks")
    if not isinstance(marks, list):
        return []
    return [(float(m[0]), float(m[1])) for m in marks
            if isinstance(m, list) and len(m) == 2 and all(isinstance(v, int | float) for v in m)]


def mark_results(spec: QuestionSpec, answer: dict | None) -> list[dict]:
    """Per mark: its position and the zones it fell in (for scoring and the review)."""
    if not isinstance(answer, dict):
        return []
    results = []
    for x, y in _valid_marks(answer)[: spec.max_marks]:
        zones = [z for z in spec.zones if zone_contains(z, x, y, spec.aspect)]
        results.append({"x": x, "y": y, "zones": zones,
                         "correct": any(z.fraction > 0 for z in zones)})
    return results


def score_hotspot(spec: QuestionSpec, answer: dict | None) -> float:
    results = mark_results(spec, answer)
    hit = {z.id: z.fraction for r in results for z in r["zones"]}
    strays = sum(1 for r in results if not r["zones"])
    total = sum(hit.values()) - strays / max(spec.max_marks, 1)
    return min(1.0, max(0.0, total))


def hotspot_summary(spec: QuestionSpec) -> str:
    targets = [f"{z.label}" + (f" ({z.fraction:.0%})" if z.fraction < 1 else "") for z in spec.zones if z.fraction > 0]
    dangers = [z.label for z in spec.zones if z.fraction < 0]
    text = f"Target zone{'s' if len(targets) != 1 else ''}: {', '.join(targets)}"
    return text + (f". Zones to avoid: {', '.join(dangers)}" if dangers else "")


def hotspot_problem(spec: QuestionSpec) -> str | None:
    """What is wrong with a hotspot question's chart or zones, or None."""
    if not spec.image:
        return "Choose the body chart or image to mark."
    if not 1 <= spec.max_marks <= MAX_MARKS:
        return f"Allow from 1 to {MAX_MARKS} markers."
    if not spec.zones or len(spec.zones) > MAX_ZONES:
        return f"Draw from 1 to {MAX_ZONES} zones on the image."
    for number, zone in enumerate(spec.zones, start=1):
        problem = _zone_problem(zone)
        if problem:
            return f"Zone {number} ({zone.label or 'no label'}): {problem}"
    positive = sorted((z.fraction for z in spec.zones if z.fraction > 0), reverse=True)
    if not positive:
        return "Give at least one target zone (a positive weight)."
    if sum(positive[: spec.max_marks]) < 0.995:
        return (f"Full marks must be reachable: the {spec.max_marks} best target zone(s) must add up to at "
                "least 100% (raise the weights or allow more markers).")
    return None


def _zone_problem(zone: ZoneSpec) -> str | None:
    if not zone.label.strip() or len(zone.label) > 100:
        return "give it a label of up to 100 characters."
    if not -1 <= zone.fraction <= 1 or zone.fraction == 0:
        return "its weight must be between -100% and 100%, and not 0."
    if zone.shape not in SHAPES:
        return "its shape must be a circle or a polygon."
    numbers = [zone.cx, zone.cy, zone.r] if zone.shape == "circle" else [v for p in zone.points for v in p]
    if not all(isinstance(v, int | float) and math.isfinite(v) and 0 <= v <= 100 for v in numbers):
        return "its coordinates must be percentages from 0 to 100."
    if zone.shape == "circle" and zone.r <= 0:
        return "a circle needs a radius above 0."
    if zone.shape == "polygon" and not (3 <= len(zone.points) <= MAX_POLYGON_POINTS
                                        and all(len(p) == 2 for p in zone.points)):
        return f"a polygon needs from 3 to {MAX_POLYGON_POINTS} corner points."
    return None


def hotspot_review(spec: QuestionSpec, answer: dict | None) -> dict:
    """What the review draws: the zones and the trainee's marks, with which zones each hit."""
    zones = []
    for zone in spec.zones:
        item = {"label": zone.label, "target": zone.fraction > 0, "shape": zone.shape, "percent": zone.fraction * 100}
        if zone.shape == "circle":
            item |= {"cx": zone.cx, "cy": zone.cy, "rx": zone.r, "ry": zone.r / (spec.aspect or 1)}
        else:
            item["points"] = " ".join(f"{x},{y}" for x, y in zone.points)
        zones.append(item)
    marks = [
        {"x": r["x"], "y": r["y"], "correct": r["correct"], "labels": [z.label for z in r["zones"]]}
        for r in mark_results(spec, answer)
    ]
    return {"image_url": f"/media/{spec.image}", "aspect": spec.aspect or 1, "zones": zones, "marks": marks}
