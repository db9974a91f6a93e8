"""Read a form off a rendered page as a browser would submit it unchanged."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, index: int):
        super().__init__(convert_charrefs=True)
        self.index, self.seen, self.inside = index, -1, False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.seen += 1
            self.inside = self.seen == self.index
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []
        elif tag == "select":
            self._select, self._first_option, self._selected = a.get("name"), None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self.fields.append((self._select, value))
                self._selected = True

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        if not self.inside:
            return
        if tag == "textarea" and self._textarea is not None:
            # as a browser: one newline after the tag is dropped, line ends are sent as CRLF
            text = "".join(self._text).replace("\r\n", "\n").replace("\r", "\n")
            text = text[1:] if text.startswith("\n") else text
            self.fields.append((self._textarea, text.replace("\n", "\r\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._selected and self._first_option is not None:
                self.fields.append((self._select, self._first_option))
            self._select = None


def form_fields(html: str, index: int = 0) -> list[tuple[str, str]]:
    """The (name, value) pairs the ``index``-th form of the page posts when submitted as shown."""
    reader = _FormReader(index)
    reader.feed(html)
    return reader.fields


def form_with(html: str, name: str) -> list[tuple[str, str]]:
    """The fields of the first form on the page that has a field called ``name``."""
    for index in range(html.count("<form")):
        fields = form_fields(html, index)
        if any(field == name for field, _value in fields):
            return fields
    raise AssertionError(f"no form with a field {name!r}")
