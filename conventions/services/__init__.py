"""Writes of the conventions app. Import from here: ``from conventions.services import
convention_submit``. Split by subject: partners, terms (drafting), amendments, workflow
(the only writer of the status), documents (PDF checks)."""

from accounts.policy import (
    user_manages_convention,
    user_may_amend,
    user_may_attach_document,
    user_may_edit_convention,
    user_may_edit_terms,
)
from conventions.services.amendments import amendment_create
from conventions.services.documents import document_check_pdf
from conventions.services.errors import WorkflowError
from conventions.services.partners import partner_create, partner_update
from conventions.services.terms import (
    commitment_cell_key,
    commitment_targets_check,
    convention_commitment_remove,
    convention_commitment_set,
    convention_commitments_replace,
    convention_create,
    convention_document_attach,
    convention_party_add,
    convention_party_remove,
    convention_update,
)
from conventions.services.workflow import (
    SIGNED_ON_CHECK,
    TRANSITION_SERVICES,
    TRANSITIONS,
    convention_activate,
    convention_close,
    convention_resume,
    convention_return_to_draft,
    convention_sign,
    convention_sign_checks,
    convention_submit,
    convention_suspend,
    convention_terminate,
    transitions_available,
)

__all__ = [
    "SIGNED_ON_CHECK",
    "TRANSITIONS",
    "TRANSITION_SERVICES",
    "WorkflowError",
    "amendment_create",
    "commitment_cell_key",
    "commitment_targets_check",
    "convention_activate",
    "convention_close",
    "convention_commitment_remove",
    "convention_commitment_set",
    "convention_commitments_replace",
    "convention_create",
    "convention_document_attach",
    "convention_party_add",
    "convention_party_remove",
    "convention_resume",
    "convention_return_to_draft",
    "convention_sign",
    "convention_sign_checks",
    "convention_submit",
    "convention_suspend",
    "convention_terminate",
    "convention_update",
    "document_check_pdf",
    "partner_create",
    "partner_update",
    "transitions_available",
    "user_manages_convention",
    "user_may_amend",
    "user_may_attach_document",
    "user_may_edit_convention",
    "user_may_edit_terms",
]
