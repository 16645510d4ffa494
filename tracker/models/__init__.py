"""The tracking app's models, one module per subject."""

from tracker.models.cohorts import Cohort
from tracker.models.history import ChangeLog
from tracker.models.imports import ImportBatch, ImportRowError
from tracker.models.people import Enrollment, Placement, Trainee
from tracker.models.system import WorkerHeartbeat
from tracker.models.users import Role, User

__all__ = [
    "ChangeLog",
    "Cohort",
    "Enrollment",
    "ImportBatch",
    "ImportRowError",
    "Placement",
    "Role",
    "Trainee",
    "User",
    "WorkerHeartbeat",
]
