"""Reading phone numbers into E.164 (the operator's region is the default country)."""

import phonenumbers
from django.conf import settings


class InvalidPhoneNumber(ValueError):
    pass


def phone_to_e164(raw: str, *, region: str | None = None) -> str:
    text = (raw or "").strip()
    if not text:
        raise InvalidPhoneNumber("is empty")
    try:
        number = phonenumbers.parse(text, region or settings.OPERATOR_PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"is not a phone number ({exc})") from exc
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhoneNumber("is not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mobile_to_e164(raw: str, *, region: str | None = None) -> str:
    """``phone_to_e164`` for a number someone gives us to reach them on (sign-up, a new login
    phone): it must be a number in the numbering plan, not only of a possible length
    ("0912 345" has a possible length for Vietnam, but no line has it)."""
    e164 = phone_to_e164(raw, region=region)
    if not phonenumbers.is_valid_number(phonenumbers.parse(e164)):
        raise InvalidPhoneNumber("is not a number in use")
    return e164


def national_digits(e164: str) -> str | None:
    """The line as dialled inside its country, digits only (``+84912000555`` -> ``0912000555``):
    how billing files and agents often write it. None when it is not a number or has no other
    national form than its digits."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return None
    written = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    national = "".join(ch for ch in written if ch.isdigit())
    return national if national and national != e164.lstrip("+") else None
