"""A statement as CSV and as PDF (reportlab). Both show the same lines and totals; neither
holds anything about a subscriber (a statement has only counts and amounts)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import Statement, StatementLine
from .pdf_fonts import pdf_fonts


def _plain(value: Decimal) -> str:
    """An exact figure without grouping: ``1234567``, ``12.5``."""
    text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _money(value: Decimal) -> str:
    return f"{value.quantize(settings.OPERATOR_CURRENCY_QUANTUM):,}"


def statement_filename(statement: Statement, extension: str) -> str:
    return f"statement-{statement.partner.slug}-{statement.period:%Y-%m}.{extension}"


def _state_label(statement: Statement) -> str:
    return statement.number or statement.get_state_display()


def statement_csv(statement: Statement, lines: list[StatementLine]) -> str:
    """One row per line, then the totals; amounts exact, without grouping, in the currency."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Statement"), _state_label(statement)])
    writer.writerow([_("Partner"), statement.partner.name])
    writer.writerow([_("Month"), f"{statement.period:%Y-%m}"])
    writer.writerow([_("Currency"), statement.currency])
    writer.writerow([])
    writer.writerow(
        [_("Co-promotion"), _("Kind"), _("Original month"), _("Quantity"), _("Rate"), _("Amount")]
    )
    for line in lines:
        writer.writerow([
            line.copromotion_title,
            line.get_kind_display(),
            f"{line.original_period:%Y-%m}" if line.original_period else "",
            _plain(line.quantity),
            _plain(line.unit_amount),
            _plain(line.amount),
        ])
    writer.writerow([])
    for label, value in (
        (_("Funding"), statement.funding_total),
        (_("Revenue share"), statement.revenue_share_total),
        (_("Adjustments"), statement.adjustments_total),
        (_("Net amount"), statement.net_total),
    ):
        writer.writerow([label, "", "", "", "", _plain(value)])
    return out.getvalue()


def statement_pdf(statement: Statement, lines: list[StatementLine]) -> bytes:
    """The statement as PDF. Every text goes through ``fonts.markup`` (escaped, its CJK runs in
    the CJK font), so names and translated labels in Vietnamese, Russian or Chinese are drawn."""
    fonts = pdf_fonts()
    buffer = io.BytesIO()
    title = _("Settlement statement %(number)s") % {"number": _state_label(statement)}
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
        bottomMargin=15 * mm, title=title, author="Troika",
    )
    sample = getSampleStyleSheet()
    title_style = ParagraphStyle("StatementTitle", parent=sample["Title"], fontName=fonts.bold)
    normal = ParagraphStyle("StatementNormal", parent=sample["Normal"], fontName=fonts.regular)
    cell = ParagraphStyle("StatementCell", parent=sample["BodyText"], fontName=fonts.regular)
    cell_bold = ParagraphStyle("StatementCellBold", parent=cell, fontName=fonts.bold)
    note = ParagraphStyle("StatementNote", parent=sample["Italic"], fontName=fonts.italic)

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(fonts.markup(str(text)), style)

    story = [
        para(title, title_style),
        para(_("Partner: %(name)s") % {"name": statement.partner.name}, normal),
        para(_("Month: %(month)s") % {"month": f"{statement.period:%Y-%m}"}, normal),
        para(_("Currency: %(currency)s") % {"currency": statement.currency}, normal),
        Spacer(1, 6 * mm),
    ]
    rows = [[
        para(label, cell)
        for label in (_("Co-promotion"), _("Kind"), _("Orig. month"), _("Quantity"), _("Rate"), _("Amount"))
    ]]
    for line in lines:
        rows.append([
            para(line.copromotion_title, cell),
            para(line.get_kind_display(), cell),
            f"{line.original_period:%Y-%m}" if line.original_period else "",
            _plain(line.quantity),
            _plain(line.unit_amount),
            _money(line.amount),
        ])
    if not lines:
        rows.append([para(_("Nothing to settle this month."), cell), "", "", "", "", _money(Decimal(0))])
    table = Table(rows, colWidths=[50 * mm, 42 * mm, 20 * mm, 20 * mm, 18 * mm, 30 * mm], repeatRows=1)
    table_style = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.regular),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if not lines:
        table_style.append(("SPAN", (0, 1), (4, 1)))
    table.setStyle(TableStyle(table_style))
    story.append(table)
    story.append(Spacer(1, 6 * mm))
    totals = Table(
        [
            [para(_("Funding"), cell), _money(statement.funding_total)],
            [para(_("Revenue share"), cell), _money(statement.revenue_share_total)],
            [para(_("Adjustments"), cell), _money(statement.adjustments_total)],
            [para(_("Net amount (%(currency)s)") % {"currency": statement.currency}, cell_bold),
             _money(statement.net_total)],
        ],
        colWidths=[60 * mm, 40 * mm], hAlign="RIGHT",
    )
    totals.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.regular),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEABOVE", (0, -1), (-1, -1), 0.75, colors.black),
        ("FONTNAME", (0, -1), (-1, -1), fonts.bold),
    ]))
    story.append(totals)
    story.append(Spacer(1, 4 * mm))
    story.append(para(
        _("Positive amounts are owed by the partner to the operator; negative amounts are credits."), note,
    ))
    doc.build(story)
    return buffer.getvalue()
