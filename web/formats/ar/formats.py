# Arabic as in Morocco (CLDR ar-MA): Latin digits, 148.500 and 26,22; day first. The
# templates isolate every figure left-to-right (<bdi dir="ltr">), so no bidi marks here.
THOUSAND_SEPARATOR = "."
DECIMAL_SEPARATOR = ","
NUMBER_GROUPING = 3
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
