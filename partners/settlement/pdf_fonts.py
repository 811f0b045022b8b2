"""The fonts of the statements' PDF. reportlab's built-in Helvetica draws Latin-1 only, so a
partner or co-promotion name in Vietnamese, Russian or Chinese would come out as boxes.

A TrueType face for Latin (with Vietnamese) and Cyrillic (DejaVu Sans) is embedded for all the
text; runs of CJK characters switch to a CJK TrueType face when one is installed, else to
reportlab's built-in CID font (``STSong-Light``: needs no file, is not embedded; every common
viewer substitutes a system font). The files are searched in ``SETTLEMENT_PDF_FONTS`` (see
config/settings/base.py); Noto Sans CJK is not among them: its ``.ttc`` has PostScript (CFF)
outlines, which reportlab cannot embed. Without any regular face the PDF falls back to
Helvetica and a warning is logged.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

logger = logging.getLogger(__name__)

# CJK radicals and symbols, kana, bopomofo, CJK unified ideographs (with extension A and the
# supplementary planes), compatibility ideographs and forms, full-width forms.
CJK_RUN = re.compile(
    "[\u2e80-\u2fdf\u3000-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]+"
)


@dataclass(frozen=True)
class PdfFonts:
    """Registered reportlab font names; ``cjk`` is None when no font for Chinese is available."""

    regular: str
    bold: str
    italic: str
    cjk: str | None
    embedded: bool

    def markup(self, text: str) -> str:
        """``text`` as Paragraph markup: escaped, its CJK runs in the CJK font."""
        if self.cjk is None:
            return escape(text)
        out, position = [], 0
        for match in CJK_RUN.finditer(text):
            out.append(escape(text[position:match.start()]))
            out.append(f'<font name="{self.cjk}">{escape(match.group())}</font>')
            position = match.end()
        out.append(escape(text[position:]))
        return "".join(out)


_lock = threading.Lock()
_cache: dict[str, PdfFonts] = {}


def pdf_fonts() -> PdfFonts:
    """The fonts for the current settings, registered with reportlab once per process."""
    config = getattr(settings, "SETTLEMENT_PDF_FONTS", {}) or {}
    cid = getattr(settings, "SETTLEMENT_PDF_CJK_CID_FONT", "") or ""
    key = repr((sorted((face, list(paths)) for face, paths in config.items()), cid))
    with _lock:
        if key not in _cache:
            _cache[key] = _register(config, cid)
        return _cache[key]


def _candidates(entries: Iterable) -> Iterable[tuple[str, int]]:
    for entry in entries or ():
        if isinstance(entry, (tuple, list)):
            yield str(entry[0]), int(entry[1])
        else:
            yield str(entry), 0


def _first_ttf(face: str, entries: Iterable) -> str | None:
    """Register the first usable file of ``entries``; its reportlab name, or None."""
    for path, index in _candidates(entries):
        if not Path(path).is_file():
            continue
        name = f"Troika-{re.sub(r'[^A-Za-z0-9]+', '', Path(path).stem)}-{index}"
        try:
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
        except (TTFError, OSError, ValueError, KeyError) as exc:
            logger.info("settlement PDF: %s font %s (subfont %s) not usable: %s", face, path, index, exc)
            continue
        return name
    return None


def _register(config: dict, cid: str) -> PdfFonts:
    regular = _first_ttf("regular", config.get("regular"))
    if regular is None:
        logger.warning(
            "settlement PDF: no regular TrueType font found in SETTLEMENT_PDF_FONTS; using Helvetica, "
            "which draws Latin-1 only (install fonts-dejavu-core)"
        )
        regular_name, bold, italic = "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"
    else:
        regular_name = regular
        bold = _first_ttf("bold", config.get("bold")) or regular
        italic = _first_ttf("italic", config.get("italic")) or regular
        pdfmetrics.registerFontFamily(regular, normal=regular, bold=bold, italic=italic, boldItalic=bold)

    cjk = _first_ttf("cjk", config.get("cjk"))
    if cjk is None and cid:
        try:
            pdfmetrics.registerFont(UnicodeCIDFont(cid))
            cjk = cid
        except (KeyError, ValueError) as exc:
            logger.warning("settlement PDF: CID font %s not usable: %s", cid, exc)
    if cjk is None:
        logger.warning("settlement PDF: no font for Chinese text; CJK characters will not be drawn")
    return PdfFonts(regular=regular_name, bold=bold, italic=italic, cjk=cjk, embedded=regular is not None)
