"""Phone numbers in one canonical form (E.164), so every local spelling finds the same caller.

0812-3456-7890, +62 812 3456 7890, 6281234567890 and 081234567890 all become +6281234567890;
(021) 7418780 becomes +62217418780.
"""

from __future__ import annotations

DEFAULT_REGION = "ID"
MAX_INPUT_LENGTH = 40


class InvalidPhoneNumber(ValueError):
    pass


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    text = (raw or "").strip()
    if not text:
        raise InvalidPhoneNumber("empty")
    if len(text) > MAX_INPUT_LENGTH:
        raise InvalidPhoneNumber("too long")
    import phonenumbers  # here, not at the top: mail intake seldom needs it (0.05 s to load)

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(str(exc)) from exc
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhoneNumber("not a possible number")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def display_phone(e164: str) -> str:
    """The number as people in the organisation's country write it."""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == DEFAULT_REGION:
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
