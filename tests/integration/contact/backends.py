"""Channel backends that fail on purpose, for the failure paths."""

from __future__ import annotations

import itertools
import threading

from django.core.mail.backends.locmem import EmailBackend

from club.members.sms import BaseSmsBackend, LocmemSmsBackend, SmsDeliveryError

_sends = itertools.count(1)
_lock = threading.Lock()


def every_twentieth() -> bool:
    """True for every 20th message sent through a flaky backend (5%), across threads."""
    with _lock:
        return next(_sends) % 20 == 0


class FailingSmsBackend(BaseSmsBackend):
    def send(self, message):
        raise SmsDeliveryError("gateway said no")


class FlakySmsBackend(LocmemSmsBackend):
    """Fails one message in 20."""

    def send(self, message):
        if every_twentieth():
            raise SmsDeliveryError("flaky gateway")
        super().send(message)


class FlakyEmailBackend(EmailBackend):
    """Fails one message in 20 (shares the count with the SMS backend)."""

    def send_messages(self, messages):
        for _message in messages:
            if every_twentieth():
                raise OSError("flaky SMTP")
        return super().send_messages(messages)
