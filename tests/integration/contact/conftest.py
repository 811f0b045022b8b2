import uuid

import pytest


@pytest.fixture(autouse=True)
def _gate_prefix(settings):
    """Every test's Redis gate keys under a prefix of its own (removed afterwards)."""
    prefix = f"test:{uuid.uuid4().hex[:12]}:"
    settings.CONTACT_GATE_PREFIX = prefix
    yield prefix
    if settings.REDIS_URL:
        from campaigns.contact.services import gate

        client = gate.client()
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
