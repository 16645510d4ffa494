"""Checks on uploaded documents: PDF only (by content, not by name), bounded size."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from conventions.services.errors import WorkflowError

PDF_MAGIC = b"%PDF-"


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
