"""Lesson Markdown to safe HTML: markdown-it-py to render, nh3 to sanitize with an allowlist.

Raw HTML in a lesson is passed to the parser but everything outside the allowlist is removed
afterwards, so ``<script>``, event handlers, ``javascript:`` links and iframes render inert.
An image alone in its paragraph becomes a figure: ``![alt text](/media/<hash>.svg "Caption")``
renders as ``<figure>`` with the image (responsive, linked to the full-size file) and the
title as its ``<figcaption>``. Safety callouts use the container syntax ``::: warning`` ...
``:::`` (also ``note``). Lesson HTML is rendered once per revision and stored
(``LessonRevision.html``), not on every view.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from mdit_py_plugins.container import container_plugin

CALLOUTS = ("warning", "note")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p",
    "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
}
ALLOWED_CLASSES = {
    "div": {"callout", *(f"callout-{kind}" for kind in CALLOUTS)}, "code": set(),
    "figure": {"lesson-figure"}, "img": {"img-fluid"}, "a": {"figure-link"}, "span": {"visually-hidden"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def _callout_renderer(kind: str):
    def render(self, tokens, idx, _options, _env):
        if tokens[idx].nesting == 1:
            return f'<div class="callout callout-{kind}">\n'
        return "</div>\n"

    return render


def _render_image(self, tokens, idx, options, env):
    """Images are responsive; a figure's image links to the full-size file."""
    token = tokens[idx]
    src = escape(token.attrGet("src") or "")
    alt = escape(self.renderInlineAsText(token.children or [], options, env))
    title = token.attrGet("title") or ""
    img = f'<img src="{src}" alt="{alt}" class="img-fluid" loading="lazy">'
    if not token.meta.get("figure"):
        return img
    link = f'<a href="{src}" class="figure-link">{img}<span class="visually-hidden"> (open full size)</span></a>'
    return link + (f"<figcaption>{escape(title)}</figcaption>" if title else "")


def _mark_figures(tokens) -> None:
    """A paragraph holding nothing but one image becomes a ``<figure>``."""
    for index, token in enumerate(tokens[:-2]):
        inline, closing = tokens[index + 1], tokens[index + 2]
        if token.type != "paragraph_open" or token.hidden or inline.type != "inline":
            continue
        children = [
            c for c in inline.children or []
            if c.type != "softbreak" and (c.type != "text" or c.content.strip())
        ]
        if len(children) == 1 and children[0].type == "image" and closing.type == "paragraph_close":
            token.tag = closing.tag = "figure"
            token.attrSet("class", "lesson-figure")
            children[0].meta["figure"] = True


def _build_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": True, "linkify": False})
    parser.enable("table").enable("strikethrough")
    for kind in CALLOUTS:
        parser.use(container_plugin, name=kind, render=_callout_renderer(kind))
    parser.add_render_rule("image", _render_image)
    return parser


_parser = _build_parser()


def render_markdown(text: str) -> str:
    """Sanitized HTML for ``text``; never raises on malformed Markdown.

    A ``#`` heading becomes ``<h2>``: the page's own title is the only ``<h1>``, and an ``<h1>``
    left for the sanitizer would lose its tag and run into the next paragraph.
    """
    env: dict = {}
    tokens = _parser.parse(text or "", env)
    _mark_figures(tokens)
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
        elif token.type in ("th_open", "td_open") and "style" in token.attrs:
            # column alignment as an attribute: style attributes are stripped (and the CSP
            # refuses inline styles)
            token.attrs["align"] = str(token.attrs.pop("style")).removeprefix("text-align:")
    return sanitize_html(_parser.renderer.render(tokens, _parser.options, env))


def sanitize_html(html: str) -> str:
    """Keep only allowlisted tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        allowed_classes=ALLOWED_CLASSES,
        strip_comments=True,
    )


@lru_cache(maxsize=256)
def render_markdown_cached(text: str) -> Markup:
    """For short texts shown on many pages (course summaries, quiz prompts)."""
    return Markup(render_markdown(text))  # noqa: S704 - the HTML was sanitized just above
