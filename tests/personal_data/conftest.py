"""The course, trainee and instructor of tests/progress."""

from tests.progress.conftest import course, instructor, signing_key_file, trainee

__all__ = ["course", "instructor", "signing_key_file", "trainee"]
