"""The tracking app's models, one module per subject."""

from tracker.models.api_requests import IdempotentRequest
from tracker.models.cohorts import Cohort
from tracker.models.corrections import IdentityCorrectionRequest
from tracker.models.declarations import (
    Declaration,
    DeclarationImport,
    DeclarationRowError,
    DeclarationStagedRow,
    EmployerAffiliation,
    FoundByCnss,
    GraduateOutcome,
    HireVerification,
    IncentiveParameter,
    VerificationChange,
    VerificationState,
)
from tracker.models.history import ChangeLog, Deletion
from tracker.models.imports import ImportBatch, ImportRowError
from tracker.models.people import CONTACT_FIELDS, Enrollment, Placement, Trainee, TraineeContact
from tracker.models.rollups import (
    Dimension,
    LaggingAlert,
    Rollup,
    RollupChange,
    RollupRun,
    RollupState,
    TermsRevision,
)
from tracker.models.saved_views import SavedView
from tracker.models.system import BeatHeartbeat, WorkerHeartbeat

__all__ = [
    "CONTACT_FIELDS",
    "BeatHeartbeat",
    "ChangeLog",
    "Cohort",
    "Declaration",
    "DeclarationImport",
    "DeclarationRowError",
    "DeclarationStagedRow",
    "Deletion",
    "Dimension",
    "EmployerAffiliation",
    "Enrollment",
    "FoundByCnss",
    "GraduateOutcome",
    "HireVerification",
    "IdempotentRequest",
    "IdentityCorrectionRequest",
    "ImportBatch",
    "ImportRowError",
    "IncentiveParameter",
    "LaggingAlert",
    "Placement",
    "Rollup",
    "RollupChange",
    "RollupRun",
    "RollupState",
    "SavedView",
    "TermsRevision",
    "Trainee",
    "TraineeContact",
    "VerificationChange",
    "VerificationState",
    "WorkerHeartbeat",
]
