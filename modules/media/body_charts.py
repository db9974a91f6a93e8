"""The body charts shipped in ``modules/content/body-charts``, added to a library on request."""

from __future__ import annotations

from pathlib import Path

from modules.media.errors import MediaError
from modules.media.models import MediaAsset
from modules.media.services import add_asset

BODY_CHART_DIR = Path(__file__).resolve().parent.parent / "content" / "body-charts"
BODY_CHARTS = ("front", "back", "neck-shoulder", "lumbar-gluteal", "lower-limb")


def add_body_chart(course_id: int, name: str, uploader=None) -> MediaAsset:
    """The chart ``name`` (without ``.svg``) in the course library, sanitised like an upload."""
    if name not in BODY_CHARTS:
        raise MediaError(f"There is no body chart called '{name}' (charts: {', '.join(BODY_CHARTS)}).")
    path = BODY_CHART_DIR / f"{name}.svg"
    return add_asset(course_id, path.read_bytes(), path.name, uploader)


def add_body_charts(course_id: int, uploader=None) -> list[MediaAsset]:
    return [add_body_chart(course_id, name, uploader) for name in BODY_CHARTS]


def find_chart(course_id: int, chart: str, uploader=None) -> MediaAsset:
    """A library image named ``chart`` (file name without extension), else that body chart."""
    from sqlalchemy import select

    from training.extensions import db

    for asset in db.session.scalars(select(MediaAsset).where(MediaAsset.course_id == course_id)):
        if asset.name.rsplit(".", 1)[0] == chart:
            return asset
    return add_body_chart(course_id, chart, uploader)
