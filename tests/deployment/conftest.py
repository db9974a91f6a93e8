"""The deployment tests need PostgreSQL (several app instances share one database server).

They run in the suite's PostgreSQL run (``TEST_DATABASE_URL=postgresql...``), where each makes
its own database on that server. In the SQLite run they are deselected, not skipped: there is
no shared database server to run several instances against, and a skip would fail CI.
"""

from __future__ import annotations

import os


def pytest_collection_modifyitems(config, items):
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        return
    kept = [item for item in items if item.get_closest_marker("multi_instance") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
