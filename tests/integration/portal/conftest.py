import re

import pytest

from club.members.services.billing_detail import billing_detail_digest
from club.members.services.line_link import line_link_code_request
from tests.factories import MemberFactory, UserFactory


@pytest.fixture
def user(db):
    return UserFactory(email="ana@example.test")


@pytest.fixture
def line(db):
    """A subscriber line nobody has linked yet; its latest bill came to 1,234,000 VND."""
    return MemberFactory(
        msisdn="+84912345678", account_number="ACC00012345", plan_name="Sao Max 200",
        billing_detail_digest=billing_detail_digest("1234000"),
    )


@pytest.fixture
def code_from_sms(sms_outbox):
    def read(to: str) -> str:
        bodies = [m.body for m in sms_outbox if m.to == to]
        assert bodies, f"no SMS to {to}"
        return re.search(r"\b(\d{6})\b", bodies[-1]).group(1)

    return read


@pytest.fixture
def request_code(django_capture_on_commit_callbacks):
    """``line_link_code_request`` with its after-commit SMS sent at once."""

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return line_link_code_request(**kwargs)

    return request
