"""Fixtures of the certificate tests: the course, trainee and instructor of tests/progress,
and a certificate already issued to that trainee."""

import pytest

from tests.factories import certificates_of, finish_online, sign_off
from tests.progress.conftest import course, instructor, signing_key_file, trainee

__all__ = ["certificate", "course", "instructor", "signing_key_file", "trainee"]


@pytest.fixture
def certificate(trainee, instructor, course):
    """The trainee's certificate, issued the real way (online part, then the sign-off)."""
    finish_online(trainee, course)
    sign_off(instructor, trainee, course)
    [issued] = certificates_of(trainee)
    return issued
