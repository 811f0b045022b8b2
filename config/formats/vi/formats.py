"""Vietnamese: 1.000.000 (Django's Vietnamese formats group no digits) and dates as written in a
sentence, "7 tháng 12 năm 2026" (Django's start with a capitalised "Ngày 07")."""

DATE_FORMAT = r"j \t\há\n\g n \nă\m Y"
DATETIME_FORMAT = r"H:i, j \t\há\n\g n \nă\m Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
