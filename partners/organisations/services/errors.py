from __future__ import annotations


class PartnerUserError(ValueError):
    """Refused: ``errors`` maps each field (or ``__all__``) to its message; nothing was written."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors

    @property
    def message(self) -> str:
        return " ".join(str(message) for message in self.errors.values())
