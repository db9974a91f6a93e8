"""Import and export of a pool's hotspot questions in their documented JSON form.

Import is all or nothing, like GIFT import: every item is read, checked and its chart found
(in the course library, or a shipped body chart added to it) before anything is kept.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from modules.media.body_charts import find_chart
from modules.media.errors import MediaError
from modules.media.models import MediaAsset
from modules.models import Module, objective_pairs
from quizzes.hotspot_json import question_from_json, question_to_json, read_hotspot_items
from quizzes.questions import check_spec, pool_questions
from quizzes.spec import QuestionSpec
from training.extensions import db


class HotspotImportError(ValueError):
    """A hotspot JSON item is wrong; the message names the item."""


def resolve_chart(course_id: int, spec: QuestionSpec, chart: str, uploader=None) -> None:
    """Point ``spec`` at the chart's library image (adding a shipped body chart if needed)."""
    asset = find_chart(course_id, chart, uploader)
    spec.image, spec.aspect = asset.filename, round(asset.height / asset.width, 6)


def read_hotspot_specs(module: Module, text: str, uploader=None) -> list[QuestionSpec]:
    """Every question of ``text`` checked and with its chart resolved; the first problem stops it."""
    try:
        items = read_hotspot_items(text)
    except ValueError as err:
        raise HotspotImportError(str(err)) from err
    known = {key for key, _ in objective_pairs(module)}
    specs = []
    for number, item in enumerate(items, start=1):
        name = item.get("name") if isinstance(item, dict) else None
        where = f"question {number}" + (f" ('{name}')" if isinstance(name, str) else "")
        try:
            spec, chart = question_from_json(item)
            unknown = [o for o in spec.objectives if o not in known]
            if unknown:
                raise ValueError(f"unknown objective '{unknown[0]}' (this module's objectives: "
                                 f"{', '.join(sorted(known)) or 'none'})")
            resolve_chart(module.course_id, spec, chart, uploader)
            check_spec(spec)
        except (ValueError, MediaError) as err:
            raise HotspotImportError(f"{where}: {err}") from err
        specs.append(spec)
    names = [s.title for s in specs]
    if len(set(names)) != len(names):
        raise HotspotImportError("every question needs a unique name")
    return specs


def export_hotspots(module: Module) -> str:
    questions = [q for q in pool_questions(module.id) if q.qtype == "hotspot"]
    files = {q.data.get("image") for q in questions}
    names = {a.filename: a.name.rsplit(".", 1)[0] for a in db.session.scalars(
        select(MediaAsset).where(MediaAsset.course_id == module.course_id)) if a.filename in files}
    items = [question_to_json(q.spec(), names.get(q.data.get("image"), "")) for q in questions]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
