"""Strings shown by third-party templates whose packages carry no Arabic catalogue
(django-tables2's pagination). Marked here so that makemessages puts them in our
catalogues: without them Django falls back to the French catalogue on Arabic pages."""

from django.utils.translation import gettext_noop

THIRD_PARTY_STRINGS = (
    gettext_noop("previous"),  # django_tables2/bootstrap5.html
    gettext_noop("next"),
)
