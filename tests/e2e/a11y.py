"""Accessibility checks shared by the browser tests: axe-core, phone width, focus.

axe-core is the copy shipped inside the ``axe-playwright-python`` package (pinned in
requirements-test.txt), read from disk and evaluated in the page: nothing is downloaded
at test time. Rules: WCAG 2.0/2.1 A and AA plus the WCAG 2.2 AA rules axe has
(target-size); focus-not-obscured has no axe rule, so ``focus_obscured`` checks it.
"""

from __future__ import annotations

from importlib.resources import files

from tests.conftest import PASSWORD

AXE_SOURCE = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; the violations of the WCAG A/AA rules."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return result["violations"]


def describe(violations: list[dict]) -> list[str]:
    """One line per failing element: rule, what axe says, where."""
    lines = []
    for violation in violations:
        for node in violation["nodes"][:5]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")[:200]
            lines.append(f"{violation['id']}: {' '.join(map(str, node['target']))} -- {summary}")
    return lines


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the viewport (0 when it does not scroll sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def focus_obscured(page) -> str | None:
    """WCAG 2.4.11: describe the focused element when something else covers its centre."""
    return page.evaluate("""() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) return null;
      const x = Math.min(Math.max(box.left + box.width / 2, 0), window.innerWidth - 1);
      const y = Math.min(Math.max(box.top + box.height / 2, 0), window.innerHeight - 1);
      if (box.bottom < 0 || box.top > window.innerHeight) return `${el.outerHTML.slice(0, 80)} is off screen`;
      const top = document.elementFromPoint(x, y);
      const inLabel = el.labels && [...el.labels].some(l => l.contains(top));
      if (!top || el === top || el.contains(top) || top.contains(el) || inLabel) return null;
      return `${el.outerHTML.slice(0, 80)} is covered by ${top.outerHTML.slice(0, 80)}`;
    }""")


def has_visible_focus(page) -> bool:
    """The focused element draws an outline or a box shadow (a visible focus indicator)."""
    return page.evaluate("""() => {
      const style = getComputedStyle(document.activeElement);
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      return outline || (style.boxShadow && style.boxShadow !== 'none');
    }""")


def focus_problems(page, stops: int = 25) -> list[str]:
    """Tab through the first ``stops`` focusable elements; each must show a visible focus indicator."""
    problems = []
    page.evaluate("() => { if (document.activeElement) document.activeElement.blur(); }")
    for _ in range(stops):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.body"):
            break
        if not has_visible_focus(page):
            element = page.evaluate("() => document.activeElement.outerHTML.slice(0, 90)")
            problems.append(f"no visible focus on {element}")
    return problems


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
