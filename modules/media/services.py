"""Adding images to a library, recording where they are used, and refusing unsafe deletions.

Files live under ``MEDIA_ROOT`` (the instance folder by default) named by the SHA-256 of the
sanitised bytes, so an image uploaded twice is stored once and a URL never changes meaning:
that is what lets the app serve them with a year-long cache lifetime.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, func, select

from modules.media.errors import MediaError
from modules.media.models import MediaAsset, MediaUse
from modules.media.raster import sanitise_raster, sniff_raster
from modules.media.svg import sanitise_svg
from training.audit import record_event
from training.extensions import db

#: how lessons and questions refer to library images: /media/<sha256>.<ext>
MEDIA_URL_PREFIX = "/media/"
MEDIA_NAME = re.compile(r"^([0-9a-f]{64})\.(png|jpg|webp|svg)$")
MEDIA_SRC = re.compile(r"/media/([0-9a-f]{64})\.(?:png|jpg|webp|svg)")


def media_root() -> Path:
    return Path(current_app.config.get("MEDIA_ROOT") or Path(current_app.instance_path) / "media")


def file_path(sha256: str, filename: str) -> Path:
    return media_root() / sha256[:2] / filename


def media_url(asset: MediaAsset) -> str:
    return MEDIA_URL_PREFIX + asset.filename


def sanitise(data: bytes) -> tuple[str, bytes, int, int]:
    """(kind, clean bytes, width, height) for an upload, judged by its content alone."""
    limit = current_app.config.get("MEDIA_MAX_BYTES", 2 * 1024 * 1024)
    if not data:
        raise MediaError("The file is empty.")
    if len(data) > limit:
        raise MediaError(f"The file is {len(data) / 1048576:.1f} MiB; the limit is {limit / 1048576:.1f} MiB.")
    kind = sniff_raster(data)
    if kind is not None:
        clean, width, height = sanitise_raster(kind, data, current_app.config.get("MEDIA_MAX_PIXELS", 25_000_000))
        return kind, clean, width, height
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE", b"<!doctype")):
        clean, width, height = sanitise_svg(data)
        return "svg", clean, width, height
    raise MediaError("This is not a PNG, JPEG, WebP or SVG image (the file's content was checked, not its name).")


def _clean_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    printable = "".join(ch for ch in base if ch.isprintable())
    return printable[:200] or "image"


def add_asset(course_id: int, data: bytes, name: str, uploader=None) -> MediaAsset:
    """Sanitise and store ``data`` in the course library; the same image twice is one asset."""
    kind, clean, width, height = sanitise(data)
    sha = hashlib.sha256(clean).hexdigest()
    existing = db.session.scalar(
        select(MediaAsset).where(MediaAsset.course_id == course_id, MediaAsset.sha256 == sha)
    )
    if existing is not None:
        return existing
    asset = MediaAsset(course_id=course_id, sha256=sha, kind=kind, name=_clean_name(name), width=width,
                       height=height, size_bytes=len(clean), uploaded_by_id=getattr(uploader, "id", None))
    path = file_path(sha, asset.filename)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + f".{os.getpid()}.part")
        temporary.write_bytes(clean)
        os.replace(temporary, path)  # atomic: a reader never sees half a file
    db.session.add(asset)
    db.session.flush()
    record_event("media.added", f"media:{asset.id}",
                 {"course_id": course_id, "name": asset.name, "sha256": sha, "kind": kind}, actor=uploader)
    return asset


def assets_for_course(course_id: int) -> list[MediaAsset]:
    return list(db.session.scalars(
        select(MediaAsset).where(MediaAsset.course_id == course_id).order_by(MediaAsset.name, MediaAsset.id)
    ))


def referenced_hashes(text: str) -> set[str]:
    """The library images a lesson body or prompt shows, by hash."""
    return set(MEDIA_SRC.findall(text or ""))


def assets_by_hash(course_id: int, hashes: set[str]) -> dict[str, MediaAsset]:
    if not hashes:
        return {}
    rows = db.session.scalars(
        select(MediaAsset).where(MediaAsset.course_id == course_id, MediaAsset.sha256.in_(sorted(hashes)))
    )
    return {a.sha256: a for a in rows}


def record_revision_uses(course_id: int, revision_id: int, body: str) -> set[str]:
    """Note every library image a new lesson revision shows (old revisions keep theirs).

    Returns the file names the body shows that are not in the course's library.
    """
    wanted = referenced_hashes(body)
    found = assets_by_hash(course_id, wanted)
    for asset in found.values():
        db.session.add(MediaUse(asset_id=asset.id, lesson_revision_id=revision_id))
    return {h for h in wanted if h not in found}


def set_question_uses(question_id: int, assets: list[MediaAsset]) -> None:
    """Replace what a question shows (its chart, images in its prompt)."""
    db.session.execute(delete(MediaUse).where(MediaUse.question_id == question_id))
    for asset in {a.id: a for a in assets}.values():
        db.session.add(MediaUse(asset_id=asset.id, question_id=question_id))


def use_counts(course_id: int) -> dict[int, int]:
    rows = db.session.execute(
        select(MediaUse.asset_id, func.count()).join(MediaAsset)
        .where(MediaAsset.course_id == course_id).group_by(MediaUse.asset_id)
    )
    return dict(rows.all())


def delete_asset(asset: MediaAsset, actor=None) -> Path | None:
    """Remove an unused image from the library; refused while any lesson revision or question shows it.

    Returns the file to remove once the deletion is committed (None while another library
    holds the same image), so a rolled-back deletion never loses the file.
    """
    used = db.session.scalar(select(func.count()).select_from(MediaUse).where(MediaUse.asset_id == asset.id))
    if used:
        raise MediaError(f"“{asset.name}” is used in {used} place(s) (lesson revisions keep their images); "
                         "it cannot be deleted.")
    record_event("media.deleted", f"media:{asset.id}",
                 {"course_id": asset.course_id, "name": asset.name, "sha256": asset.sha256}, actor=actor)
    sha, filename = asset.sha256, asset.filename
    db.session.delete(asset)
    db.session.flush()
    others = db.session.scalar(select(func.count()).select_from(MediaAsset).where(MediaAsset.sha256 == sha))
    return None if others else file_path(sha, filename)


def may_read(user, sha256: str) -> bool:
    """Instructors and admins read every library; trainees those of courses they are enrolled in."""
    if user.has_role("instructor", "admin"):
        return True
    from modules.models import Enrolment

    return db.session.scalar(
        select(MediaAsset.id).join(Enrolment, Enrolment.course_id == MediaAsset.course_id)
        .where(MediaAsset.sha256 == sha256, Enrolment.user_id == user.id).limit(1)
    ) is not None


def usage_listing(course_id: int) -> dict[int, list[dict]]:
    """Asset id -> where it is used (lesson revisions and questions), in two queries."""
    from modules.models import Lesson, LessonRevision

    listing: dict[int, list[dict]] = {}
    lesson_rows = db.session.execute(
        select(MediaUse.asset_id, Lesson.id, Lesson.title, LessonRevision.number, Lesson.current_revision_id,
               LessonRevision.id)
        .join(MediaAsset, MediaAsset.id == MediaUse.asset_id)
        .join(LessonRevision, LessonRevision.id == MediaUse.lesson_revision_id)
        .join(Lesson, Lesson.id == LessonRevision.lesson_id)
        .where(MediaAsset.course_id == course_id).order_by(Lesson.title, LessonRevision.number)
    )
    for asset_id, lesson_id, title, number, current_id, revision_id in lesson_rows:
        listing.setdefault(asset_id, []).append({
            "kind": "lesson", "id": lesson_id, "title": title, "revision": number,
            "current": current_id == revision_id,
        })
    questions = db.metadata.tables["questions"]  # the quiz layer's table, read by name
    question_rows = db.session.execute(
        select(MediaUse.asset_id, questions.c.id, questions.c.title, questions.c.prompt)
        .join(MediaAsset, MediaAsset.id == MediaUse.asset_id)
        .join(questions, questions.c.id == MediaUse.question_id)
        .where(MediaAsset.course_id == course_id).order_by(questions.c.id)
    )
    for asset_id, question_id, title, prompt in question_rows:
        listing.setdefault(asset_id, []).append({"kind": "question", "id": question_id,
                                                 "title": title or prompt[:60]})
    return listing
