"""Simplified Chinese: 1,000,000 (Django's group by four with no separator, "1000000"), as
Chinese banking and shopping apps write amounts."""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
