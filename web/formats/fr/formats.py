# French as written in Morocco's administration: 148 500 (narrow no-break space), 26,22.
THOUSAND_SEPARATOR = "\u202f"
DECIMAL_SEPARATOR = ","
NUMBER_GROUPING = 3
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATETIME_FORMAT = "j F Y à H:i"
