"""Outbound SMS through a pluggable backend, in the manner of Django's email backends.

``settings.SMS_BACKEND`` names the class. Console (default) prints; Locmem keeps messages in
``outbox`` for tests; Http posts JSON to an operator's SMS gateway.
"""

from __future__ import annotations

import json
import logging
import sys
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

outbox: list[SmsMessage] = []


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    sender: str


class SmsDeliveryError(Exception):
    pass


class BaseSmsBackend:
    def send(self, message: SmsMessage) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> None:
        sys.stdout.write(f"[SMS from {message.sender} to {message.to}] {message.body}\n")
        sys.stdout.flush()


class LocmemSmsBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> None:
        outbox.append(message)


class LogSmsBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> None:
        logger.info("sms to=%s sender=%s body=%r", message.to, message.sender, message.body)


class HttpSmsBackend(BaseSmsBackend):
    """POST {"to", "from", "text"} with a bearer token; any non-2xx answer is an error."""

    def send(self, message: SmsMessage) -> None:
        if not settings.SMS_GATEWAY_URL:
            raise SmsDeliveryError("SMS_GATEWAY_URL is not set.")
        payload = json.dumps({"to": message.to, "from": message.sender, "text": message.body})
        request = urllib.request.Request(
            settings.SMS_GATEWAY_URL,
            data=payload.encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
            },
        )
        try:
            with urllib.request.urlopen(  # noqa: S310 - the URL is operator configuration
                request, timeout=settings.SMS_GATEWAY_TIMEOUT_SECONDS
            ) as response:
                if not 200 <= response.status < 300:
                    raise SmsDeliveryError(f"SMS gateway answered {response.status}.")
        except OSError as exc:
            raise SmsDeliveryError(f"SMS gateway unreachable: {exc}") from exc


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def sms_send(*, to: str, body: str) -> None:
    get_sms_backend().send(SmsMessage(to=to, body=body, sender=settings.SMS_SENDER_ID))
