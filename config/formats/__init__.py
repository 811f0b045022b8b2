"""Number and date formats where Django's own do not match how the operator's markets write
them (``FORMAT_MODULE_PATH``; anything not set here falls back to Django's locale formats)."""
