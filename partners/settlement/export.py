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
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import Statement, StatementLine


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
    buffer = io.BytesIO()
    title = _("Settlement statement %(number)s") % {"number": _state_label(statement)}
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
        bottomMargin=15 * mm, title=title, author="Troika",
    )
    styles = getSampleStyleSheet()
    story = [
        Paragraph(title, styles["Title"]),
        Paragraph(_("Partner: %(name)s") % {"name": statement.partner.name}, styles["Normal"]),
        Paragraph(_("Month: %(month)s") % {"month": f"{statement.period:%Y-%m}"}, styles["Normal"]),
        Paragraph(_("Currency: %(currency)s") % {"currency": statement.currency}, styles["Normal"]),
        Spacer(1, 6 * mm),
    ]
    rows = [[_("Co-promotion"), _("Kind"), _("Orig. month"), _("Quantity"), _("Rate"), _("Amount")]]
    for line in lines:
        rows.append([
            Paragraph(line.copromotion_title, styles["BodyText"]),
            Paragraph(str(line.get_kind_display()), styles["BodyText"]),
            f"{line.original_period:%Y-%m}" if line.original_period else "",
            _plain(line.quantity),
            _plain(line.unit_amount),
            _money(line.amount),
        ])
    if not lines:
        rows.append([_("Nothing to settle this month."), "", "", "", "", _money(Decimal(0))])
    table = Table(rows, colWidths=[50 * mm, 42 * mm, 20 * mm, 20 * mm, 18 * mm, 30 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story.append(table)
    story.append(Spacer(1, 6 * mm))
    totals = Table(
        [
            [_("Funding"), _money(statement.funding_total)],
            [_("Revenue share"), _money(statement.revenue_share_total)],
            [_("Adjustments"), _money(statement.adjustments_total)],
            [_("Net amount (%(currency)s)") % {"currency": statement.currency}, _money(statement.net_total)],
        ],
        colWidths=[60 * mm, 40 * mm], hAlign="RIGHT",
    )
    totals.setStyle(TableStyle([
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("LINEABOVE", (0, -1), (-1, -1), 0.75, colors.black),
        ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
    ]))
    story.append(totals)
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(
        _("Positive amounts are owed by the partner to the operator; negative amounts are credits."),
        styles["Italic"],
    ))
    doc.build(story)
    return buffer.getvalue()
