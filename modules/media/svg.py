"""SVG uploads rebuilt from an allowlist over defusedxml.

An SVG is a document that can run scripts, load other files and embed HTML, so it is never
stored as uploaded. It is parsed by defusedxml (no DTDs, no entities, no external references
at all), then a new tree is built holding only allowlisted SVG elements and attributes.
Anything that could act (scripts, event handlers, ``foreignObject``, animation that can
rewrite links, links to other documents, CSS) makes the upload refused with the reason, so
the author knows the picture was not what they thought. Harmless editor leftovers (Inkscape
metadata, other namespaces) are dropped silently. No regular expression touches the markup.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - only builds and serialises the clean tree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from modules.media.errors import MediaError

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)

ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "path", "rect", "circle", "ellipse", "line", "polyline",
    "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop", "clipPath", "use",
    "symbol", "marker",
}
#: refused rather than dropped: they run code, load content or can change what a link does
FORBIDDEN = {
    "script", "foreignObject", "iframe", "embed", "object", "image", "a", "animate", "set",
    "animateTransform", "animateMotion", "handler", "listener", "style", "feImage", "audio", "video",
}
ATTRIBUTES = {
    "id", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "width",
    "height", "d", "points", "transform", "viewBox", "preserveAspectRatio", "fill", "fill-opacity",
    "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin",
    "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity", "clip-path", "clip-rule",
    "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline",
    "letter-spacing", "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform",
    "spreadMethod", "clipPathUnits", "marker-start", "marker-mid", "marker-end", "markerWidth",
    "markerHeight", "refX", "refY", "orient", "markerUnits", "dx", "dy", "role", "aria-label",
    "aria-hidden", "visibility", "display", "vector-effect", "version",
}
MAX_ELEMENTS = 20_000
MAX_DEPTH = 64


def _local(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


def _check_value(element: str, name: str, value: str) -> None:
    """Paint and reference values may only point inside the document (``url(#id)``)."""
    lowered = value.strip().lower()
    if "url(" in lowered and not (lowered.startswith("url(#") and lowered.endswith(")")
                                  and lowered.count("(") == 1):
        raise MediaError(f"The SVG refers to another file in the '{name}' of a <{element}>.")
    if "javascript:" in lowered or "data:" in lowered or "expression(" in lowered:
        raise MediaError(f"The SVG carries a script in the '{name}' of a <{element}>.")


def _copy(source: ET.Element, depth: int, budget: list[int]) -> ET.Element | None:
    namespace, tag = _local(source.tag)
    if tag in FORBIDDEN:
        raise MediaError(f"The SVG contains a <{tag}> element, which is not allowed (scripts, "
                         "embedded pages and links to other files are refused).")
    if namespace != SVG_NS or tag not in ELEMENTS:
        return None  # editor metadata and unknown elements are dropped with their content
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise MediaError("The SVG is too complex (too many or too deeply nested elements).")
    clean = ET.Element(f"{{{SVG_NS}}}{tag}")
    for raw_name, value in source.attrib.items():
        attr_ns, name = _local(raw_name)
        if name.lower().startswith("on"):
            raise MediaError(f"The SVG has an event handler ('{name}') on a <{tag}>; scripts are not allowed.")
        if name == "href" and attr_ns in ("", XLINK_NS):
            if tag != "use" or not value.startswith("#"):
                raise MediaError(f"The SVG links to another file from a <{tag}>; only '#id' references are allowed.")
            clean.set("href", value)
            continue
        if attr_ns or name not in ATTRIBUTES:
            continue
        _check_value(tag, name, value)
        clean.set(name, value)
    clean.text = source.text if tag in ("text", "tspan", "title", "desc") else None
    for child in source:
        copied = _copy(child, depth + 1, budget)
        if copied is not None:
            copied.tail = child.tail if tag in ("text", "tspan") else None
            clean.append(copied)
    return clean


def _length(value: str | None) -> float | None:
    if not value:
        return None
    text = value.strip().removesuffix("px")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number > 0 else None


def _size(root: ET.Element) -> tuple[int, int]:
    """Width and height in user units: from viewBox, else from width and height."""
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            width, height = float(box[2]), float(box[3])
        except ValueError:
            width = height = 0
        if width > 0 and height > 0:
            return max(1, round(width)), max(1, round(height))
    width, height = _length(root.get("width")), _length(root.get("height"))
    if width and height:
        root.set("viewBox", f"0 0 {width:g} {height:g}")
        return max(1, round(width)), max(1, round(height))
    raise MediaError("The SVG needs a viewBox (or a width and height in pixels) to be shown at the right size.")


def sanitise_svg(data: bytes) -> tuple[bytes, int, int]:
    """The rebuilt SVG's bytes, width and height; ``MediaError`` names what was refused."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise MediaError("The SVG is not UTF-8 text.") from err
    try:
        root = fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as err:
        raise MediaError("The SVG declares a DTD or entities, which are not allowed.") from err
    except ET.ParseError as err:
        raise MediaError(f"The SVG is not well-formed XML ({err}).") from err
    if _local(root.tag) != (SVG_NS, "svg"):
        raise MediaError("The file is XML but not an SVG image (its root must be <svg> in the SVG namespace).")
    clean = _copy(root, 0, [MAX_ELEMENTS])
    width, height = _size(clean)
    clean.set("width", str(width))
    clean.set("height", str(height))
    body = ET.tostring(clean, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8"), width, height
