"""Course builders of the content tests; they live in ``tests.factories``."""

from tests.factories import build_course
from tests.factories import lessons_in as lessons_of
from tests.factories import modules_in as modules_of
from tests.factories import record_completions as complete

__all__ = ["build_course", "complete", "lessons_of", "modules_of"]
