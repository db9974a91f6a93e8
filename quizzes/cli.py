"""``flask quizzes import-gift``, ``export-gift`` and ``close-expired``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from modules.models import Module
from quizzes.attempts import close_expired_attempts
from quizzes.gift import GiftError
from quizzes.questions import decode_gift_upload, export_pool, import_gift
from training.extensions import db

quizzes_cli = AppGroup("quizzes", help="Import and export question pools.")


def find_module(ref: str) -> Module:
    """A module by id, by slug, or by "course-slug/module-slug" when slugs repeat."""
    if ref.isascii() and ref.isdigit():
        module = db.session.get(Module, int(ref))
        if module is not None:
            return module
    if "/" in ref:
        from modules.models import Course

        course_slug, _, module_slug = ref.partition("/")
        stmt = select(Module).join(Course).where(Course.slug == course_slug, Module.slug == module_slug)
        matches = db.session.scalars(stmt).all()
    else:
        matches = db.session.scalars(select(Module).where(Module.slug == ref)).all()
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise click.UsageError(f"Several modules use the slug '{ref}'; use COURSE/MODULE or the id.")
    raise click.UsageError(f"No module with id or slug '{ref}'.")


@quizzes_cli.command("import-gift")
@click.option("--module", "module_ref", required=True, help="Module id or slug (or COURSE/MODULE).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_gift_command(module_ref: str, file: Path) -> None:
    """Add every question of FILE to the module's pool, or none if any is malformed."""
    module = find_module(module_ref)
    try:
        added = import_gift(module.id, decode_gift_upload(file.read_bytes()))
    except GiftError as err:
        db.session.rollback()
        click.echo(f"{file}: line {err.line}: {err.reason}. Nothing was imported.", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Imported {len(added)} questions into {module.title}.")


@quizzes_cli.command("export-gift")
@click.option("--module", "module_ref", required=True, help="Module id or slug (or COURSE/MODULE).")
def export_gift_command(module_ref: str) -> None:
    """Print the module's active question pool as GIFT."""
    click.echo(export_pool(find_module(module_ref).id), nl=False)


@quizzes_cli.command("close-expired")
def close_expired_command() -> None:
    """Submit every open attempt whose time ran out (for a periodic job)."""
    closed = close_expired_attempts()
    db.session.commit()
    click.echo(f"Closed {closed} expired attempts.")
