"""Channel backends that fail on purpose, for the failure paths."""

from __future__ import annotations

import hashlib

from django.core.mail.backends.locmem import EmailBackend

from club.members.sms import BaseSmsBackend, LocmemSmsBackend, SmsDeliveryError

FAIL_MARK = "FAIL"


def fails(text: str, percent: int) -> bool:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % 100 < percent


class FailingSmsBackend(BaseSmsBackend):
    def send(self, message):
        raise SmsDeliveryError("gateway said no")


class FlakySmsBackend(LocmemSmsBackend):
    """Fails about 5% of messages, always the same ones (by recipient and text)."""

    def send(self, message):
        if fails(f"{message.to}|{message.body}", 5):
            raise SmsDeliveryError("flaky gateway")
        super().send(message)


class FlakyEmailBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            if fails(f"{message.to}|{message.subject}", 5):
                raise OSError("flaky SMTP")
        return super().send_messages(messages)
