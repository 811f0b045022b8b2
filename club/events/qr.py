"""A ticket's QR code as inline SVG, drawn on the server (no script, nothing fetched)."""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_SIZE = re.compile(rb'^<svg width="[^"]*" height="[^"]*"')


def qr_svg(data: str, *, label: str) -> SafeString:
    """``data`` as a QR code: one SVG path, error correction M, a 4-module quiet zone, scaled by
    CSS (its width and height are its viewBox's). ``label`` names it for screen readers."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(data)
    code.make(fit=True)
    svg = code.make_image().to_string()
    svg = svg.replace(b"<?xml version='1.0' encoding='UTF-8'?>\n", b"")
    svg = _SIZE.sub(b'<svg class="ticket-qr" role="img"', svg, count=1)
    title = str(escape(label)).encode()
    svg = svg.replace(b">", b"><title>" + title + b"</title>", 1)
    return mark_safe(svg.decode())  # noqa: S308 - built here from the library's output and an escaped label
