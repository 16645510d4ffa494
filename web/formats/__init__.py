"""Per-language formats (FORMAT_MODULE_PATH): what Django's own filters (date, floatformat
with "g", intcomma) and web.formatting read. Only what differs from Django's locale
files is set here; the rest falls back to them."""
