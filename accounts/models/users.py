from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    MANAGER = "manager", _("Chargé de programme")
    PARTNER_EDITOR = "partner_editor", _("Partenaire (éditeur)")
    PARTNER_VIEWER = "partner_viewer", _("Partenaire (lecteur)")


PARTNER_ROLES = (Role.PARTNER_EDITOR, Role.PARTNER_VIEWER)
STAFF_ROLES = (Role.ADMIN, Role.MANAGER)


class User(AbstractUser):
    """A person who logs in. Partner users belong to exactly one partner organisation;
    staff (admins, programme managers) to none."""

    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    partner = models.ForeignKey(
        "conventions.Partner",
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        verbose_name=_("organisation partenaire"),
    )
    language = models.CharField(_("langue"), max_length=5, blank=True, default="")

    # createsuperuser asks for the role too (type "admin").
    REQUIRED_FIELDS = ["email", "role"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=PARTNER_ROLES, partner__isnull=False)
                    | (~models.Q(role__in=PARTNER_ROLES) & models.Q(partner__isnull=True))
                ),
                name="user_partner_iff_partner_role",
            )
        ]

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.is_active and self.role == Role.MANAGER

    @property
    def is_staff_role(self) -> bool:
        """Ministry / agency staff: admins and programme managers."""
        return self.is_active and self.role in STAFF_ROLES

    @property
    def is_partner(self) -> bool:
        return self.role in PARTNER_ROLES

    @property
    def can_edit_partner_data(self) -> bool:
        """Partner editors update enrollments and hires; viewers only read."""
        return self.is_active and self.role == Role.PARTNER_EDITOR
