"""Signed documents are real PDFs: the bytes are parsed (pypdf), so a file that only
starts with ``%PDF-`` is refused, on the page and in the services."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from conventions.models import Convention
from conventions.services import WorkflowError, convention_create, convention_document_attach
from tests.conventions.test_conventions_services import TERMS
from tests.support.factories import MINIMAL_PDF

pytestmark = pytest.mark.django_db

HTML_DRESSED_AS_PDF = (
    b"%PDF-1.7\n<!doctype html><html><body><script>alert(1)</script></body></html>"
)


def _encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _no_page_pdf() -> bytes:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HTML_DRESSED_AS_PDF, "n'en est pas un lisible"),
        (MINIMAL_PDF[: len(MINIMAL_PDF) // 2], "n'en est pas un lisible"),  # truncated
        (b"%PDF-1.4\n" + b"\x00" * 2000, "n'en est pas un lisible"),
        (_encrypted_pdf(), "mot de passe"),
        (_no_page_pdf(), "aucune page"),
    ],
)
def test_a_file_that_only_looks_like_a_pdf_is_refused(manager_user, content, message) -> None:
    convention = convention_create(actor=manager_user, **TERMS)
    with pytest.raises(WorkflowError) as refused:
        convention_document_attach(
            actor=manager_user,
            convention=convention,
            file=SimpleUploadedFile("signee.pdf", content, content_type="application/pdf"),
        )
    assert message in " ".join(refused.value.messages)
    convention.refresh_from_db()
    assert not convention.document


def test_a_real_pdf_is_accepted(manager_user) -> None:
    convention = convention_create(actor=manager_user, **TERMS)
    convention_document_attach(
        actor=manager_user, convention=convention, file=SimpleUploadedFile("ok.pdf", MINIMAL_PDF)
    )
    convention.refresh_from_db()
    assert convention.document


def test_the_upload_page_explains_the_refusal(manager_user, manager_client) -> None:
    convention = convention_create(actor=manager_user, **TERMS)
    response = manager_client.post(
        reverse("conventions:document_upload", args=[convention.pk]),
        {"document": SimpleUploadedFile("x.pdf", HTML_DRESSED_AS_PDF)},
        follow=True,
    )
    assert response.status_code == 200
    assert "n&#x27;en est pas un lisible" in response.content.decode() or (
        "n'en est pas un lisible" in response.content.decode()
    )
    assert not Convention.objects.get(pk=convention.pk).document
