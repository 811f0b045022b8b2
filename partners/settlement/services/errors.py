from __future__ import annotations


class SettlementRefused(Exception):
    """A settlement action refused, with a stable code and a message for people."""

    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code = code
        self.message = message
