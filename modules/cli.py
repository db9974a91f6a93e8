"""``flask content check [DIR]`` and ``flask content load [DIR]``: the curriculum files.

DIR is either one course folder (holding ``course.md``) or a folder of course folders; the
default is the shipped content, ``modules/content``.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from modules.content_loader import (
    CONTENT_ROOT,
    ContentFileError,
    check_course_dirs,
    course_dirs,
    load_course_dirs,
)
from training.extensions import db

content_cli = AppGroup("content", help="Check and load course content files.")

DIR_ARGUMENT = click.argument(
    "directory", required=False, default=str(CONTENT_ROOT),
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)


def _folders(directory: Path) -> list[Path]:
    return [directory] if (directory / "course.md").is_file() else course_dirs(directory)


@content_cli.command("check")
@DIR_ARGUMENT
def check_command(directory: Path) -> None:
    """Check every file without writing anything; exit 1 listing each problem."""
    try:
        specs = check_course_dirs(_folders(directory))
    except ContentFileError as err:
        raise click.ClickException(f"Content problems:\n{err}") from err
    finally:
        db.session.rollback()
    for spec in specs:
        lessons = sum(len(m.lessons) for m in spec.modules)
        click.echo(f"{spec.slug}: {len(spec.modules)} modules, {lessons} lessons, all valid")


@content_cli.command("load")
@DIR_ARGUMENT
@click.option("--publish/--draft", default=True, show_default=True,
              help="Publish the courses, or leave new ones as drafts.")
def load_command(directory: Path, publish: bool) -> None:
    """Create or update courses from their files; running it again changes nothing."""
    try:
        summaries = load_course_dirs(_folders(directory), publish=publish)
    except ContentFileError as err:
        db.session.rollback()
        raise click.ClickException(f"Nothing was loaded. Content problems:\n{err}") from err
    db.session.commit()
    for summary in summaries:
        click.echo(str(summary))
