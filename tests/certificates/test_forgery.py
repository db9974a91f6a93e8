"""A certificate whose printed page was edited (the signed record left alone) is INVALID."""

from __future__ import annotations

import pytest

from tests.certificates.forgery import rewrite_printed_text
from training.certificates.record import extract_record


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["certificates", *args])


@pytest.fixture
def original(client, login, trainee, certificate) -> bytes:
    login(trainee, on=client)
    return client.get(f"/certificates/{certificate.serial}.pdf").data


@pytest.fixture
def forged(original) -> bytes:
    pdf = rewrite_printed_text(original, "Dana Whitfield", "Dara Whitford")
    assert extract_record(pdf) == extract_record(original)  # the record still verifies alone
    return pdf


def test_the_cli_finds_the_rewritten_name(app, forged, original, tmp_path):
    good, bad = tmp_path / "original.pdf", tmp_path / "forged.pdf"
    good.write_bytes(original)
    bad.write_bytes(forged)
    assert run(app, "verify", str(good)).exit_code == 0
    result = run(app, "verify", str(bad))
    assert result.exit_code == 1
    assert "INVALID: the printed page was altered" in result.output
    assert 'printed "Dara Whitford" where the signed record gives "Dana Whitfield"' in result.output


def test_the_cli_finds_changed_hours(app, original, tmp_path):
    bad = tmp_path / "forged.pdf"
    bad.write_bytes(rewrite_printed_text(original, "(27)", "(72)"))
    result = run(app, "verify", str(bad))
    assert result.exit_code == 1 and "altered" in result.output
    assert '"72"' in result.output and '"27"' in result.output


def test_the_cli_with_a_public_base_url_checks_the_printed_address(app, client, login, trainee,
                                                                   certificate, tmp_path):
    app.config["PUBLIC_BASE_URL"] = "https://ce.example.org"
    login(trainee, on=client)
    pdf = client.get(f"/certificates/{certificate.serial}.pdf").data
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    assert run(app, "verify", str(path)).exit_code == 0
    path.write_bytes(rewrite_printed_text(pdf, "ce.example.org", "ce.example.net"))
    result = run(app, "verify", str(path))
    assert result.exit_code == 1 and "ce.example.net" in result.output
