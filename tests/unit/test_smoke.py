import pytest

from club.members.phone import InvalidPhoneNumber, phone_to_e164


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("0912 345 678", "VN", "+84912345678"),
        ("+84 912 345 678", "VN", "+84912345678"),
        ("(415) 555-0134", "US", "+14155550134"),
    ],
    ids=["vn-national", "vn-international", "us-national"],
)
def test_phone_to_e164_normalises(raw, region, expected):
    assert phone_to_e164(raw, region=region) == expected


@pytest.mark.parametrize("raw", ["", "abc", "12"], ids=["empty", "letters", "too-short"])
def test_phone_to_e164_refuses(raw):
    with pytest.raises(InvalidPhoneNumber):
        phone_to_e164(raw, region="VN")
