"""The statement PDF draws Vietnamese, Russian and Chinese names: a TrueType font (DejaVu Sans)
is embedded for the text and CJK runs switch to a CJK font; without any configured font the
PDF still builds, in Helvetica, with a warning. The text is read back from the PDF through each
font's ToUnicode map (TrueType subsets) or its UCS-2 encoding (the CID font)."""

from __future__ import annotations

import base64
import logging
import re
import zlib

import pytest
from django.test import override_settings
from django.urls import reverse

from partners.copromotions.models import CoPromotion
from partners.organisations.models import Partner
from partners.settlement.pdf_fonts import pdf_fonts
from partners.settlement.services import statement_approve, statement_issue, statement_prepare
from tests.integration.members.factories_admin import staff_with_mfa
from tests.partner_fixtures import partner_login

from .settlement_helpers import build_month

pytestmark = pytest.mark.django_db

VIETNAMESE = "Khuyến mãi hợp tác Đông Á"
RUSSIAN = "Совместная акция"
CHINESE = "联合促销"

_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    """A PDF literal string's bytes (``\\ddd`` octal, ``\\(``, ``\\\\``, ``\\n`` ...)."""
    def one(match: re.Match) -> bytes:
        token = match.group(1)
        if token[:1].isdigit():
            return bytes([int(token, 8)])
        return _ESCAPES.get(token, token)
    return re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.S)


def _objects(content: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Object number -> (its dictionary text, its decoded stream or b"")."""
    found = {}
    for match in re.finditer(rb"(\d+) 0 obj(.*?)endobj", content, re.S):
        body = match.group(2)
        stream = b""
        streamed = re.search(rb"stream\r?\n(.*?)endstream", body, re.S)
        if streamed:
            data = streamed.group(1).strip()
            if data.endswith(b"~>"):
                data = base64.a85decode(data, adobe=True)
            try:
                data = zlib.decompress(data)
            except zlib.error:
                pass
            stream, body = data, body[:streamed.start()]
        found[int(match.group(1))] = (body, stream)
    return found


def pdf_text(content: bytes) -> str:
    """The text drawn by every content stream, each string decoded with the font selected by the
    last ``Tf``: through the font's ToUnicode map, as UCS-2 for a ``*-UCS2-H`` CID font, else
    as Latin-1 (the standard fonts)."""
    objects = _objects(content)
    decoders = {}
    for body, _ in objects.values():
        for name, number in re.findall(rb"/(F[\w+]+) (\d+) 0 R", body):
            font = objects.get(int(number), (b"", b""))[0]
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font)
            if to_unicode:
                cmap = objects[int(to_unicode.group(1))][1]
                table = {int(code, 16): chr(int(char, 16))
                         for code, char in re.findall(rb"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4})>", cmap)}
                decoders[name] = lambda data, table=table: "".join(table.get(b, "\ufffd") for b in data)
            elif re.search(rb"/Encoding /Uni\w*-UCS2-H", font):
                decoders[name] = lambda data: data.decode("utf-16-be", "replace")
    pieces = []
    for _, stream in objects.values():
        if b"Tj" not in stream:
            continue
        decode = lambda data: data.decode("latin-1")  # noqa: E731
        for match in re.finditer(rb"/(F[\w+]+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)\s*Tj", stream, re.S):
            if match.group(1) is not None:
                decode = decoders.get(match.group(1), lambda data: data.decode("latin-1"))
            else:
                pieces.append(decode(_unescape(match.group(2))))
    return "".join(pieces)


def _issued_statement_pdf(client) -> tuple[bytes, object]:
    month = build_month()
    Partner.objects.filter(pk=month.partner_user.partner_id).update(name=VIETNAMESE)
    CoPromotion.objects.filter(pk=month.voucher.pk).update(title=RUSSIAN)
    CoPromotion.objects.filter(pk=month.bonus.pk).update(title=CHINESE)
    finance = staff_with_mfa("settlement.approve_statement", "wagtailadmin.access_admin")
    statement = statement_prepare(partner_id=month.partner_user.partner_id, month=month.M).statement
    statement_approve(statement_id=statement.pk, user_id=finance.pk)
    statement = statement_issue(statement_id=statement.pk, user_id=finance.pk)
    partner_login(client, month.partner_user.user)
    response = client.get(reverse("partners:statement_pdf", args=[statement.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content, statement


def test_vietnamese_russian_and_chinese_names_are_drawn_with_an_embedded_truetype_font(client):
    fonts = pdf_fonts()
    if not fonts.embedded:
        pytest.skip("no DejaVu Sans on this machine (Debian: fonts-dejavu-core)")
    content, statement = _issued_statement_pdf(client)

    text = pdf_text(content)
    for expected in (VIETNAMESE, RUSSIAN, CHINESE, statement.number, "40,000", "-15,000", "25,000"):
        assert expected in text, expected
    assert "\ufffd" not in text
    assert b"/FontFile2" in content and re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSans\b", content)
    assert fonts.cjk is not None
    assert re.search(rb"/BaseFont /(?:[A-Z]{6}\+)?" + re.escape(fonts.cjk.encode()), content) or (
        fonts.cjk.startswith("Troika-") and content.count(b"/FontFile2") >= 3
    )
    print(f"settlement PDF fonts: {fonts.regular}/{fonts.bold}, CJK {fonts.cjk}; "
          f"{content.count(b'/FontFile2')} embedded TrueType subsets, {len(content)} bytes; "
          "vi, ru, zh names and the net 25,000 read back exactly")


def test_markup_escapes_and_puts_only_cjk_runs_in_the_cjk_font():
    fonts = pdf_fonts()
    if fonts.cjk is None:
        pytest.skip("no CJK font")
    assert fonts.markup("A&B <x> Đông 联合促销, акция 促销") == (
        f'A&amp;B &lt;x&gt; Đông <font name="{fonts.cjk}">联合促销</font>, акция '
        f'<font name="{fonts.cjk}">促销</font>'
    )


@override_settings(SETTLEMENT_PDF_FONTS={"regular": ["no/such/font.ttf"]}, SETTLEMENT_PDF_CJK_CID_FONT="")
def test_without_fonts_the_pdf_falls_back_to_helvetica_with_a_warning(client, caplog):
    with caplog.at_level(logging.WARNING, logger="partners.settlement.pdf_fonts"):
        fonts = pdf_fonts()
    assert (fonts.regular, fonts.bold, fonts.cjk) == ("Helvetica", "Helvetica-Bold", None)
    assert not fonts.embedded
    assert any("using Helvetica" in record.getMessage() for record in caplog.records)

    content, statement = _issued_statement_pdf(client)
    assert b"/FontFile2" not in content
    assert statement.number in pdf_text(content) and "25,000" in pdf_text(content)
