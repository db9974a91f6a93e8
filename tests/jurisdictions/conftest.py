"""Fixtures of the jurisdiction tests: the shipped rules loaded, and trainees with real certificates."""

from __future__ import annotations

import pytest

from tests.progress.conftest import signing_key_file
from training.extensions import db
from training.jurisdictions.loader import load_rules

__all__ = ["signing_key_file"]


@pytest.fixture
def rules(app):
    load_rules()
    db.session.commit()
