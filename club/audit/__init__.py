"""The append-only audit log of staff actions (docs/audit.md). The bottom layer: every app may
import it; it imports none of them."""
