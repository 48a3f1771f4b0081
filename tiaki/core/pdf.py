"""PDF documents that print every script Tiaki's users write (te reo Māori, Samoan, Tongan,
Chinese, Thai, Arabic, ...), for certificates, the annual report and pamphlets.

Rendering is fpdf2 with HarfBuzz text shaping (uharfbuzz), so Arabic joins and runs right to
left and Thai marks stack; glyphs come from fonts bundled in ``tiaki/core/fonts`` whose
licences allow redistribution (Noto Sans, Noto Sans Arabic and Noto Sans Thai under the SIL
Open Font Licence; Droid Sans Fallback for Chinese, Japanese and Korean under Apache 2.0).
A document is built as a list of blocks and its fonts are chosen from the text it holds, so
a Latin-only certificate does not pay for loading a 4 MB CJK font.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONTS = Path(__file__).resolve().parent / "fonts"
BASE = "NotoSans"

# Fallback fonts, each with the code point ranges that call for it.
FALLBACKS: tuple[tuple[str, str, tuple[tuple[int, int], ...]], ...] = (
    ("NotoSansArabic", "NotoSansArabic-Regular.ttf",
     ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
      (0xFE70, 0xFEFF))),
    ("NotoSansThai", "NotoSansThai-Regular.ttf", ((0x0E00, 0x0E7F),)),
    ("DroidSansFallback", "DroidSansFallbackFull.ttf",
     ((0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF),
      (0x20000, 0x2FFFF))),
)


@dataclass(frozen=True)
class Block:
    kind: str  # heading, text, small, bars, rule, space
    text: str = ""
    level: int = 1
    bars: tuple[tuple[str, float], ...] = ()


@dataclass
class Document:
    """A simple flowing document: headings, paragraphs and labelled bar charts."""

    title: str
    author: str = "Tiaki"
    blocks: list[Block] = field(default_factory=list)
    footer: str = ""

    def heading(self, text: str, level: int = 1) -> None:
        self.blocks.append(Block("heading", text, level))

    def text(self, text: str) -> None:
        self.blocks.append(Block("text", text))

    def small(self, text: str) -> None:
        self.blocks.append(Block("small", text))

    def space(self) -> None:
        self.blocks.append(Block("space"))

    def bars(self, rows: list[tuple[str, float]]) -> None:
        """A horizontal bar chart: one labelled bar per row, on one scale."""
        self.blocks.append(Block("bars", bars=tuple(rows)))

    def all_text(self) -> str:
        labels = " ".join(label for b in self.blocks for label, _ in b.bars)
        return " ".join([self.title, self.footer, labels, *(b.text for b in self.blocks)])

    def render(self) -> bytes:
        pdf = _Pdf(self.footer)
        pdf.set_title(self.title)
        pdf.set_author(self.author)
        pdf.set_creation_date(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))  # reproducible bytes
        _add_fonts(pdf, self.all_text())
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.add_page()
        for block in self.blocks:
            _draw(pdf, block)
        return bytes(pdf.output())


class _Pdf(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(BASE, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, f"{self.footer_text}  ·  page {self.page_no()}".strip(" ·"),
                  align="C")
        self.set_text_color(0, 0, 0)


def _add_fonts(pdf: FPDF, text: str) -> None:
    pdf.add_font(BASE, "", str(FONTS / "NotoSans-Regular.ttf"))
    pdf.add_font(BASE, "B", str(FONTS / "NotoSans-Bold.ttf"))
    points = {ord(ch) for ch in text}
    fallbacks = []
    for family, file_name, ranges in FALLBACKS:
        if any(low <= p <= high for p in points for low, high in ranges):
            pdf.add_font(family, "", str(FONTS / file_name))
            fallbacks.append(family)
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
    pdf.set_text_shaping(True)


HEADING_SIZES: dict[int, float] = {1: 18, 2: 14, 3: 12}


def _draw(pdf: FPDF, block: Block) -> None:
    width = pdf.epw
    if block.kind == "heading":
        size = HEADING_SIZES.get(block.level, 12.0)
        pdf.ln(2 if block.level > 1 else 0)
        pdf.set_font(BASE, "B", size)
        pdf.multi_cell(width, size * 0.55, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)
    elif block.kind in {"text", "small"}:
        size = 10.5 if block.kind == "text" else 8.5
        pdf.set_font(BASE, "", size)
        pdf.multi_cell(width, size * 0.5, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(0.8)
    elif block.kind == "space":
        pdf.ln(4)
    elif block.kind == "bars":
        _draw_bars(pdf, block.bars)


def _draw_bars(pdf: FPDF, rows: tuple[tuple[str, float], ...]) -> None:
    label_width, height = 45.0, 5.0
    largest = max((abs(v) for _, v in rows), default=0) or 1
    usable = pdf.epw - label_width - 25
    pdf.set_font(BASE, "", 8.5)
    for label, value in rows:
        if pdf.will_page_break(height + 1):
            pdf.add_page()
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_xy(x, y)
        pdf.cell(label_width, height, label)
        bar = usable * abs(value) / largest
        if bar:
            pdf.set_fill_color(47, 111, 163)
            pdf.rect(x + label_width, y + 0.8, bar, height - 1.6, style="F")
        pdf.set_xy(x + label_width + bar + 2, y)
        pdf.cell(20, height, f"{value:g}")
        pdf.set_xy(x, y + height + 0.6)
    pdf.ln(1)
