"""Public verification (/verificar/): anyone can look a certificate up by its code
and see its status and what it states, nothing more about the holder; check an
uploaded PDF against the issued file; unknown codes get a bare 404; requests are
rate-limited per client."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from certificates.models import Certificate
from certificates.services import certificate_revoke
from certificates.snapshot import display_code
from tests.factories import HRFactory, LearnerFactory

from .support import pass_final, stored_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rate_limit_cleared")]

HOLDER_FIRST = "María Fernanda"
HOLDER_LAST = "Ibáñez Muñoz"
HOLDER = f"{HOLDER_FIRST} {HOLDER_LAST}"
DISCLAIMER_BITS = ("EC0305", "No son certificados de competencia SEP-CONOCER")


@pytest.fixture
def learner():
    return LearnerFactory(
        username="mfim",
        first_name=HOLDER_FIRST,
        last_name=HOLDER_LAST,
        email="maria.fernanda@example.com",
    )


@pytest.fixture
def certificate(learner):
    with freeze_time("2026-03-02 17:00:00"):  # 11:00 in Mexico City
        return pass_final(learner)


def url(certificate: Certificate) -> str:
    return f"/verificar/{certificate.code}/"


def text_of(response) -> str:
    """The page's visible text, roughly (tags dropped, spaces squeezed)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ------------------------------------------------------------------ status


def test_valid_certificate_page_shows_what_it_certifies(client, certificate):
    """Within its period the page says "vigente" and shows holder, standard,
    element results, issue and expiry dates, issuer, serial and the PDF's SHA-256,
    and the disclaimer that it is not a SEP-CONOCER certificate."""
    with freeze_time("2027-06-01 17:00:00"):
        response = client.get(url(certificate))
    assert response.status_code == 200
    text = text_of(response)
    assert "Estado: vigente" in text
    assert HOLDER in text
    assert "EC0305 · Prestación de servicios de atención a clientes" in text
    for element in ("Atender los requerimientos del cliente", "E2", "E3"):
        assert element in text
    assert "100 %" in text and "Competente" in text
    assert "2 de marzo de 2026" in text  # issued
    assert "2 de marzo de 2028" in text  # expires
    assert certificate.snapshot["issuer"] in text
    assert certificate.serial in text
    assert certificate.pdf_sha256 in text
    assert display_code(certificate.code) in text
    for bit in DISCLAIMER_BITS:
        assert bit in text


def test_page_tells_nothing_else_about_the_holder(client, certificate, learner):
    """Neither the username nor the e-mail of the holder appears on the page."""
    text = client.get(url(certificate)).content.decode()
    assert learner.email not in text
    assert f">{learner.username}<" not in text
    assert "maria.fernanda" not in text


def test_expired_certificate_shows_vencido(client, certificate):
    """The day after expires_on the status is "vencido"."""
    with freeze_time("2028-03-02 17:00:00"):
        assert "Estado: vigente" in text_of(client.get(url(certificate)))
    with freeze_time("2028-03-03 17:00:00"):
        response = client.get(url(certificate))
    text = text_of(response)
    assert response.status_code == 200
    assert "Estado: vencido" in text
    assert "vigente" not in text.replace("Vigente hasta", "")


def test_revoked_certificate_shows_revocado_with_date_and_reason(client, certificate):
    """After revocation the status is "revocado", with the date and the reason."""
    with freeze_time("2026-08-14 18:00:00"):
        certificate_revoke(
            certificate=certificate, by=HRFactory(), reason="Evaluación anulada"
        )
    text = text_of(client.get(url(certificate)))
    assert "Estado: revocado" in text
    assert "14 de agosto de 2026" in text
    assert "Evaluación anulada" in text
    assert HOLDER in text


# ------------------------------------------------------------------ finding it


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code,
        lambda code: code.upper(),
        lambda code: display_code(code),
        lambda code: " " + display_code(code).lower().replace("-", " ") + " ",
    ],
    ids=["as-is", "upper", "grouped", "spaces"],
)
def test_form_accepts_the_code_in_any_spelling(client, certificate, typed):
    """The form at /verificar/ finds the certificate whatever the case, dashes or
    spaces, and redirects to its canonical page."""
    assert client.get("/verificar/").status_code == 200
    response = client.get("/verificar/", {"codigo": typed(certificate.code)})
    assert response.status_code == 302
    assert response["Location"] == url(certificate)


def test_non_canonical_code_in_the_address_redirects(client, certificate):
    """/verificar/ABCD-EFGH-.../ redirects to the lower-case, dashless address."""
    response = client.get(f"/verificar/{display_code(certificate.code)}/")
    assert response.status_code == 302
    assert response["Location"] == url(certificate)


def test_gibberish_in_the_form_is_an_error_not_a_lookup(client):
    """Something that cannot be a code re-shows the form with an error (400)."""
    response = client.get("/verificar/", {"codigo": "hola!"})
    assert response.status_code == 400
    assert "no parece un código" in text_of(response)


@pytest.mark.parametrize(
    "code",
    ["a" * 32, "zzzz2222zzzz2222zzzz2222zzzz2222", "not-a-code!", "12345"],
)
def test_unknown_code_is_a_bare_404(client, certificate, code):
    """An unknown or malformed code gets a 404 that says only that no certificate
    has that code: no holder, standard, status or serial of any certificate."""
    response = client.get(f"/verificar/{code}/")
    assert response.status_code == 404
    text = text_of(response)
    assert "No encontramos ninguna constancia con ese código" in text
    for leak in (HOLDER, "vigente", "Estado", certificate.serial, "SHA-256"):
        assert leak not in text


# ------------------------------------------------------------------ file check


def upload(client, certificate, data: bytes, name="constancia.pdf", ctype=None):
    file = SimpleUploadedFile(name, data, content_type=ctype or "application/pdf")
    return client.post(url(certificate), {"archivo": file})


def test_the_issued_file_matches(client, certificate):
    """Uploading exactly the stored PDF says it matches the issued certificate."""
    response = upload(client, certificate, stored_bytes(certificate))
    assert response.status_code == 200
    text = text_of(response)
    assert "El archivo coincide" in text
    assert "NO coincide" not in text


def test_one_changed_byte_does_not_match(client, certificate):
    """A PDF differing from the stored one in a single byte does not match."""
    data = bytearray(stored_bytes(certificate))
    data[len(data) // 2] ^= 0x01
    response = upload(client, certificate, bytes(data))
    assert response.status_code == 200
    text = text_of(response)
    assert "El archivo NO coincide con la constancia emitida" in text
    assert "El archivo coincide" not in text


def test_another_certificates_pdf_does_not_match(client, certificate):
    """The authentic PDF of another certificate does not match this one."""
    other = pass_final(LearnerFactory())
    response = upload(client, certificate, stored_bytes(other))
    assert "El archivo NO coincide" in text_of(response)


def test_a_file_that_is_not_a_pdf_is_a_400(client, certificate):
    """A file that does not start with %PDF is refused with a clear message."""
    response = upload(
        client, certificate, b"GIF89a not a pdf at all", name="x.pdf", ctype="image/gif"
    )
    assert response.status_code == 400
    text = text_of(response)
    assert "El archivo no es un PDF." in text
    assert "coincide" not in text.replace("¿Tienes el PDF? Comprueba", "")


def test_no_file_is_a_400(client, certificate):
    """Posting without a file is refused (400) and the page still shows."""
    response = client.post(url(certificate), {})
    assert response.status_code == 400
    assert HOLDER in text_of(response)


def test_an_oversized_file_is_a_400(client, certificate, settings):
    """A file above the size limit (5 MB by default) is refused with a message."""
    assert settings.ATIENDE_VERIFICATION_MAX_UPLOAD_BYTES == 5 * 1024 * 1024
    settings.ATIENDE_VERIFICATION_MAX_UPLOAD_BYTES = 1024 * 1024
    response = upload(client, certificate, b"%PDF-1.4\n" + b"0" * (1024 * 1024))
    assert response.status_code == 400
    assert "pesa más de 1 MB" in text_of(response)


def test_the_file_check_needs_the_csrf_token(certificate):
    """The upload form is protected against cross-site posts."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = upload(client, certificate, stored_bytes(certificate))
    assert response.status_code == 403
    page = client.get(url(certificate))
    token = page.cookies["csrftoken"].value
    ok = client.post(
        url(certificate),
        {
            "archivo": SimpleUploadedFile("c.pdf", stored_bytes(certificate)),
            "csrfmiddlewaretoken": token,
        },
    )
    assert ok.status_code == 200


# ------------------------------------------------------------------ rate limit


def test_rate_limit_per_client_gives_429(client, certificate, settings):
    """Beyond the limit (30 a minute by default) a client gets the site's 429
    page, in Spanish, on every verification address for the rest of the minute;
    another address does not."""
    assert settings.ATIENDE_VERIFICATION_RATE_LIMIT == "30/m"
    settings.ATIENDE_VERIFICATION_RATE_LIMIT = "5/m"
    with freeze_time("2026-05-05 17:00:05"):
        statuses = [client.get(url(certificate)).status_code for _ in range(3)]
        statuses += [client.get("/verificar/").status_code for _ in range(2)]
        assert statuses == [200] * 5
        limited = client.get(url(certificate))
        assert limited.status_code == 429
        assert 1 <= int(limited["Retry-After"]) <= 60
        assert "429.html" in [t.name for t in limited.templates]
        assert "Demasiadas solicitudes" in text_of(limited)
        assert "Espera 1 minuto y vuelve a intentarlo" in text_of(limited)
        assert HOLDER not in text_of(limited)
        assert client.get("/verificar/").status_code == 429
        assert client.get("/verificar/" + "a" * 32 + "/").status_code == 429
        other = client.get(url(certificate), REMOTE_ADDR="10.0.0.7")
        assert other.status_code == 200
    with freeze_time("2026-05-05 17:01:05"):  # the next minute
        assert client.get(url(certificate)).status_code == 200


def test_rate_limit_keys_on_the_client_behind_the_trusted_proxy(
    client, certificate, settings
):
    """Behind one trusted proxy (ATIENDE_TRUSTED_PROXY_COUNT = 1), every request
    comes from the proxy's address: two visitors still get a budget each (the
    address the proxy appended), and a visitor who writes a fresh address of
    their own at the front of X-Forwarded-For gets no fresh budget."""
    settings.ATIENDE_TRUSTED_PROXY_COUNT = 1
    settings.ATIENDE_VERIFICATION_RATE_LIMIT = "3/m"
    proxy = {"REMOTE_ADDR": "10.1.1.1"}

    def get(forwarded_for: str) -> int:
        return client.get(
            url(certificate), HTTP_X_FORWARDED_FOR=forwarded_for, **proxy
        ).status_code

    with freeze_time("2026-05-05 17:00:05"):
        assert [get("198.51.100.7") for _ in range(3)] == [200] * 3
        assert get("198.51.100.7") == 429
        assert get("203.0.113.9") == 200  # another visitor, same proxy
        for spoofed in ("192.0.2.1", "192.0.2.2", "not-an-address"):
            assert get(f"{spoofed}, 198.51.100.7") == 429
