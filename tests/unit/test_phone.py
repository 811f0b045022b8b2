"""A number given to reach someone must be in the numbering plan, not only of a possible length."""

import pytest

from club.members.phone import InvalidPhoneNumber, mobile_to_e164, phone_to_e164


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0912 345 678", "+84912345678"), ("+84 903 123 456", "+84903123456"), ("84987654321", "+84987654321")],
    ids=["national", "international", "no-plus"],
)
def test_a_real_mobile_number_is_read_into_e164(raw, expected):
    assert mobile_to_e164(raw, region="VN") == expected


def test_a_cut_off_number_of_a_possible_length_is_refused_as_a_mobile_number():
    # given: "0912 345" has a length Vietnam's plan allows, so the lenient reader takes it
    assert phone_to_e164("0912 345", region="VN") == "+840912345"

    # then: as a number to send an SMS to, it is refused
    with pytest.raises(InvalidPhoneNumber):
        mobile_to_e164("0912 345", region="VN")


@pytest.mark.parametrize("raw", ["", "abc", "12"], ids=["empty", "letters", "too-short"])
def test_what_the_lenient_reader_refuses_is_refused_too(raw):
    with pytest.raises(InvalidPhoneNumber):
        mobile_to_e164(raw, region="VN")
