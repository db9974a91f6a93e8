"""Every page, for every role, at desktop and phone width: no axe-core violations of WCAG 2.1
A/AA (and the 2.2 AA rules axe has), a visible focus indicator on the first controls reached with
Tab, and nothing scrolls sideways on a 390 px phone."""

from __future__ import annotations

import pytest

from tests.e2e.a11y import (
    DESKTOP,
    PHONE,
    axe_violations,
    describe,
    focus_problems,
    horizontal_overflow,
    log_in,
)
from tests.e2e.world import ERROR_PAGES, PAGES, build_world


@pytest.fixture(scope="module")
def world(live_app):
    from training.extensions import db

    with live_app.app_context():
        built = build_world(db)
        db.session.remove()
    return built


@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_passes_axe_and_fits_a_phone(role, world, page):
    if role != "anonymous":
        log_in(page, world.emails[role])
    problems: list[str] = []
    for template in PAGES[role]:
        url = world.url(template)
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            response = page.goto(url)
            if response is None or response.status != 200:
                problems.append(f"{url}: HTTP {response.status if response else '?'}")
                break
            width = viewport["width"]
            problems += [f"{url} @{width}: {line}" for line in describe(axe_violations(page))]
            if viewport is DESKTOP:
                problems += [f"{url} @{width}: {line}" for line in focus_problems(page)]
            if viewport is PHONE and (extra := horizontal_overflow(page)) > 0:
                problems.append(f"{url} @{width}: scrolls sideways by {extra}px")
    assert not problems, "\n".join(problems)


def test_error_pages_pass_axe_and_fit_a_phone(world, page):
    """Broken links and unknown addresses land on pages that are as accessible as the others."""
    problems: list[str] = []
    for template, status in ERROR_PAGES.items():
        url = world.url(template)
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            response = page.goto(url)
            if response is None or response.status != status:
                problems.append(f"{url}: HTTP {response.status if response else '?'}, expected {status}")
                break
            width = viewport["width"]
            problems += [f"{url} @{width}: {line}" for line in describe(axe_violations(page))]
            if viewport is PHONE and (extra := horizontal_overflow(page)) > 0:
                problems.append(f"{url} @{width}: scrolls sideways by {extra}px")
    assert not problems, "\n".join(problems)
