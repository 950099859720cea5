from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    """A person or institution who complains. Found by phone (seed 001) or email (seed 000).

    ``is_verified`` records that the organisation confirmed this is one of its registered
    customers (seed 003); customers registered on the spot or by mail start unverified.
    """

    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, db_index=True, help_text=_("E.164, e.g. +62812...")
    )
    email = models.EmailField(_("email"), blank=True, db_index=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    customer_number = models.CharField(
        _("customer number"),
        max_length=60,
        blank=True,
        help_text=_("The organisation's own number for this customer, if any."),
    )
    is_verified = models.BooleanField(_("registered customer (verified)"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
