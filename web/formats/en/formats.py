# English for a Moroccan programme: 148,500 and 26.22, but dates day first (26/11/2026),
# as every official document the users work from writes them.
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."
NUMBER_GROUPING = 3
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
