"""One naming rule for the files that declare pages: ``routes.py`` or ``<topic>_routes.py``.

A reader looking for the view behind a URL opens the package's ``*routes.py`` files and
nothing else; rules and helpers live in the other modules, which declare no blueprint.
"""

import sys
from pathlib import Path

#: the project's own packages (extensions such as Bootstrap register blueprints of their own)
PACKAGES = ("training", "modules", "quizzes")


def test_every_blueprint_is_declared_in_a_routes_file(app):
    files = {name: Path(sys.modules[bp.import_name].__file__).name
             for name, bp in app.blueprints.items() if bp.import_name.split(".")[0] in PACKAGES}
    misnamed = {name: file for name, file in files.items() if not file.endswith("routes.py")}
    assert misnamed == {}


def test_every_routes_file_is_loaded_by_the_app(app):
    """No ``*routes.py`` file is left behind unimported (a page module nobody registers)."""
    root = Path(__file__).resolve().parent.parent
    loaded = {Path(module.__file__).resolve() for module in list(sys.modules.values())
              if getattr(module, "__file__", None)}
    routes_files = {path.resolve() for package in PACKAGES for path in (root / package).rglob("*routes.py")}
    assert routes_files - loaded == set()
