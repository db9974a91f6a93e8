"""The PDF carries a standard PAdES signature any reader can check; changes after it are caught."""

from __future__ import annotations

import io
import logging

import pytest
from pypdf import PdfWriter

from tests.certificates.forgery import rewrite_printed_text
from training.certificates.keys import signing_key
from training.certificates.pades import check_pades


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["certificates", *args])


@pytest.fixture(autouse=True)
def quiet_pyhanko(caplog):
    caplog.set_level(logging.ERROR, logger="pyhanko")


@pytest.fixture
def pdf(client, login, trainee, certificate) -> bytes:
    login(trainee, on=client)
    return client.get(f"/certificates/{certificate.serial}.pdf").data


def test_the_download_is_pades_signed_by_the_published_key(pdf):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    [embedded] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[embedded.signer_cert]))
    assert status.intact and status.valid and status.coverage.name == "ENTIRE_FILE"
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert check_pades(pdf).fingerprint == signing_key().fingerprint


def test_a_change_after_signing_that_leaves_the_page_alone_is_caught(app, pdf, tmp_path):
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_metadata({"/Title": "Certificate of Excellence"})
    out = io.BytesIO()
    writer.write(out)
    path = tmp_path / "retitled.pdf"
    path.write_bytes(out.getvalue())
    result = run(app, "verify", str(path))
    assert result.exit_code == 1 and "modified after it was signed" in result.output


def test_the_forged_name_also_breaks_the_pdf_signature(app, pdf, tmp_path):
    path = tmp_path / "forged.pdf"
    path.write_bytes(rewrite_printed_text(pdf, "Dana Whitfield", "Dara Whitford"))
    result = run(app, "verify", str(path))
    assert result.exit_code == 1
    assert "Dara Whitford" in result.output and "modified after it was signed" in result.output
