"""The images a lesson body shows: every one needs alt text and must come from the library."""

from __future__ import annotations

from collections.abc import Iterator

from markdown_it import MarkdownIt

from modules.media.errors import MediaError
from modules.media.services import MEDIA_SRC

_parser = MarkdownIt("commonmark")


def images(body: str) -> Iterator[tuple[str, str, int]]:
    """(src, alt text, 1-based line) of every Markdown image in ``body``."""
    for token in _parser.parse(body or ""):
        if token.type != "inline":
            continue
        line = (token.map[0] + 1) if token.map else 1
        for child in token.children or []:
            if child.type == "image":
                alt = "".join(c.content for c in child.children or [])
                yield child.attrGet("src") or "", alt.strip(), line


def check_figures(body: str, *, library_only: bool = True) -> None:
    """Refuse an image without alt text, or one that is not in a media library."""
    for number, (src, alt, line) in enumerate(images(body), start=1):
        if not alt:
            raise MediaError(
                f"Image {number} (line {line}) has no alt text: describe what it shows between the "
                "square brackets, as in ![Posterior view of the thorax](...)."
            )
        if library_only and not MEDIA_SRC.fullmatch(src):
            raise MediaError(
                f"Image {number} (line {line}) is not from the course's media library: upload it there "
                "and insert the line the library gives you."
            )
