"""A quiz completed with the keyboard alone on a phone-sized screen: every focused control has
a visible focus indicator and is never hidden behind the sticky quiz bars (WCAG 2.4.7, 2.4.11)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.a11y import PHONE, axe_violations, describe, focus_obscured, has_visible_focus
from tests.e2e.test_quiz_e2e import log_in_and_start

FOCUSED = """() => {
  const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), type: el.type || "", name: el.name || "", id: el.id || "",
          text: (el.textContent || "").trim().slice(0, 40), mode: el.inputMode || "",
          checked: !!el.checked, value: el.value || ""};
}"""


def tab_to(page, matches, limit: int = 120) -> dict:
    """Press Tab until ``matches(focused)``; check focus is visible and unobscured at every stop."""
    problems = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] != "body":
            if not has_visible_focus(page):
                problems.append(f"no visible focus on {focused}")
            if covered := focus_obscured(page):
                problems.append(covered)
        if matches(focused):
            assert not problems, "\n".join(problems)
            return focused
    raise AssertionError(f"never reached the control; problems: {problems}")


def test_quiz_completed_with_the_keyboard_alone_on_a_phone(page, live_db):
    page.set_viewport_size(PHONE)
    page.emulate_media(reduced_motion="reduce")  # focus scrolls at once, so each stop can be checked
    log_in_and_start(page, live_db)
    assert not describe(axe_violations(page))
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    answered: set[str] = set()
    problems: list[str] = []
    for _ in range(150):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] != "body":
            if not has_visible_focus(page):
                problems.append(f"no visible focus on {focused}")
            if covered := focus_obscured(page):
                problems.append(covered)
        if focused["id"] == "review-attempt":
            break
        name = focused["name"]
        if not name.startswith("q") or name in answered and focused["tag"] != "select":
            continue
        if focused["type"] in ("radio", "checkbox"):
            page.keyboard.press("Space")
        elif focused["tag"] == "select":
            page.keyboard.press("ArrowDown")
        elif focused["mode"] == "decimal":
            page.keyboard.type("10")
        else:
            page.keyboard.type("sharps container")
        answered.add(name)
    else:
        raise AssertionError("never reached Review and submit")
    assert not problems, "\n".join(problems)
    expect(page.locator("#answered-count")).to_have_text("6 of 6 answered")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    expect(page.get_by_text("6 of 6")).to_be_visible()
    tab_to(page, lambda focused: focused["text"] == "Submit attempt" or focused["value"] == "Submit attempt")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/result$"))
    expect(page.get_by_role("status").first).to_contain_text("%")


def test_form_errors_are_announced_where_focus_lands(page):
    page.goto("/register")
    page.get_by_role("button", name="Create account").click()
    # the refused form comes back as a new page: wait for it and for focus to reach the first error
    expect(page.locator(":focus")).to_have_attribute("aria-invalid", "true")
    focused = page.evaluate("""() => {
      const el = document.activeElement;
      const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      return {invalid: el.getAttribute('aria-invalid'),
              described: ids.map(id => document.getElementById(id).textContent).join(' ')};
    }""")
    assert focused["invalid"] == "true"
    assert focused["described"].strip(), focused  # the error is read with the field
