"""Parts of the content files that other layers read too: objectives and lesson figures."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from modules.media.figures import images

#: an objective id: what GIFT tags and blueprints name
OBJECTIVE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: lesson figures live in this folder of the course folder (not a module)
FIGURES_DIR = "figures"


def lesson_figures(body: str, course_dir: Path, problem) -> dict[str, Path]:
    """The ``figures/`` files a lesson shows; each needs alt text and must exist."""
    found = {}
    for number, (src, alt, line) in enumerate(images(body), start=1):
        where = f"image {number} (line {line} of the text)"
        if not alt:
            problem(f"{where} has no alt text: describe it in the square brackets")
        if src.startswith("/media/"):
            continue  # already a library image
        folder, _, filename = src.partition("/")
        if folder != FIGURES_DIR or not filename or "/" in filename or filename.startswith("."):
            problem(f"{where}: '{src}' must be a file in the course's {FIGURES_DIR}/ folder")
        elif not (course_dir / FIGURES_DIR / filename).is_file():
            problem(f"{where}: {FIGURES_DIR}/{filename} does not exist")
        else:
            found[src] = course_dir / FIGURES_DIR / filename
    return found


def read_objectives(value, problem: Callable[[str], None]) -> tuple[list[str], list[str]]:
    """(ids, texts) of a module's ``objectives:`` list; ``problem(message)`` for each fault.

    Each item is a text (its id is ``o1``, ``o2``... by position) or ``{id: <slug>, text: <text>}``.
    """
    if not isinstance(value, list):
        problem("must be a list of non-empty text items or {id, text} mappings")
        return [], []
    if not value:
        problem("must list at least one item")
        return [], []
    ids, texts = [], []
    for position, item in enumerate(value, start=1):
        if isinstance(item, str) and item.strip():
            ids.append(f"o{position}")
            texts.append(item.strip())
        elif isinstance(item, dict) and set(item) == {"id", "text"} and isinstance(item["text"], str) \
                and item["text"].strip() and isinstance(item["id"], str) and OBJECTIVE_ID.match(item["id"]):
            ids.append(item["id"])
            texts.append(item["text"].strip())
        elif isinstance(item, dict):
            problem(f"item {position}: each mapping needs exactly a slug-shaped 'id' and a non-empty 'text'")
        else:
            problem(f"item {position}: must be a list of non-empty text items or {{id, text}} mappings")
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problem(f"the id '{duplicates[0]}' is used twice")
    return ids, texts
