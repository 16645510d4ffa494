"""The tracking app's models, one module per subject."""

from tracker.models.api_tokens import ApiToken
from tracker.models.cohorts import Cohort
from tracker.models.history import ChangeLog
from tracker.models.imports import ImportBatch, ImportRowError
from tracker.models.people import Enrollment, Placement, Trainee
from tracker.models.rollups import (
    Dimension,
    LaggingAlert,
    Rollup,
    RollupRun,
    RollupState,
    TermsRevision,
)
from tracker.models.system import BeatHeartbeat, WorkerHeartbeat
from tracker.models.users import Role, User

__all__ = [
    "ApiToken",
    "BeatHeartbeat",
    "ChangeLog",
    "Cohort",
    "Dimension",
    "Enrollment",
    "ImportBatch",
    "ImportRowError",
    "LaggingAlert",
    "Placement",
    "Role",
    "Rollup",
    "RollupRun",
    "RollupState",
    "TermsRevision",
    "Trainee",
    "User",
    "WorkerHeartbeat",
]
