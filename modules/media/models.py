"""Images in a course's media library and where each is used."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.database import utcnow
from training.extensions import db

MEDIA_KINDS = ("png", "jpeg", "webp", "svg")


class MediaAsset(db.Model):
    """One sanitised image in a course library; the file is named by its SHA-256."""

    __tablename__ = "media_assets"
    __table_args__ = (
        UniqueConstraint("course_id", "sha256"),
        CheckConstraint("kind IN ('png', 'jpeg', 'webp', 'svg')", name="kind_known"),
        CheckConstraint("width > 0 AND height > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: hash of the sanitised bytes as stored (not of the upload), so equal images share a file
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    #: the uploaded file name, for people; never used to find or type the file
    name: Mapped[str] = mapped_column(String(200))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    uses: Mapped[list[MediaUse]] = relationship(back_populates="asset", cascade="all, delete-orphan")

    @property
    def filename(self) -> str:
        return f"{self.sha256}.{'jpg' if self.kind == 'jpeg' else self.kind}"


class MediaUse(db.Model):
    """A lesson revision or a question that shows an asset; an asset in use is never deleted."""

    __tablename__ = "media_uses"
    __table_args__ = (
        CheckConstraint(
            "(lesson_revision_id IS NULL) <> (question_id IS NULL)", name="one_user"
        ),
        UniqueConstraint("asset_id", "lesson_revision_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("media_assets.id", ondelete="RESTRICT"), index=True)
    lesson_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("lesson_revisions.id", ondelete="CASCADE"), index=True
    )
    #: a question of the quiz layer; a plain id column so this layer need not import it
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)

    asset: Mapped[MediaAsset] = relationship(back_populates="uses")
