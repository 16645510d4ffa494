"""Checks on uploaded documents: PDF only (by content, not by name), bounded size.

The bytes are parsed (pypdf, pure Python): a file that only starts with ``%PDF-`` (an
HTML page, a renamed text file, a truncated download) is refused, as is a PDF with no
page or one locked by a password nobody could open."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from conventions.services.errors import WorkflowError

PDF_MAGIC = b"%PDF-"

logger = logging.getLogger(__name__)


def document_check_pdf(*, file: UploadedFile, field: str = "document") -> None:
    """Refuses anything that is not a PDF (magic bytes) or is larger than
    settings.MAX_DOCUMENT_BYTES. The file name and the browser's content type are not
    trusted: only the bytes are."""
    size = file.size or 0
    if size == 0:
        raise WorkflowError({field: _("Le fichier est vide.")})
    if size > settings.MAX_DOCUMENT_BYTES:
        raise WorkflowError(
            {
                field: _("Le fichier dépasse la taille maximale de %(limit)s.")
                % {"limit": filesizeformat(settings.MAX_DOCUMENT_BYTES)}
            }
        )
    file.seek(0)
    head = file.read(len(PDF_MAGIC))
    file.seek(0)
    if head != PDF_MAGIC:
        raise WorkflowError({field: _("Seuls les documents PDF sont acceptés.")})
    problem = _pdf_problem(file)
    file.seek(0)
    if problem:
        raise WorkflowError({field: problem})


def _pdf_problem(file: UploadedFile) -> str:
    """Why the bytes are not a readable PDF, or "" when they are one."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return _(
                "Ce PDF est protégé par un mot de passe : déposez une version sans mot de passe."
            )
        pages = len(reader.pages)
    except Exception as error:  # pypdf raises many kinds on a damaged or fake file
        logger.info("Document refused, unreadable PDF: %r", error)
        return _(
            "Ce fichier commence comme un PDF mais n'en est pas un lisible (page web "
            "renommée, fichier tronqué ou endommagé) : déposez le PDF signé."
        )
    if pages == 0:
        return _("Ce PDF ne contient aucune page : déposez le PDF signé.")
    return ""
