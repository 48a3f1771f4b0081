"""PDFs print every script Tiaki's users write: te reo Māori and Samoan (macrons and the
ʻokina), Chinese, and the complex scripts HarfBuzz shapes (joined Arabic, Thai, Devanagari)
from bundled fonts; read back with poppler as a reader would."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.pdf_tools import _tool, pdf_page_images, pdf_text
from tiaki.core.pdf import Document

LINES = {
    "mi": "Kia ora, ko tēnei te pukapuka mō ō mōtika",
    "sm": "Talofa, o lau aiā tatau ma le fesoasoani faʻatulafonoina",
    "zh": "您有权获得帮助和口译员",
    "ar": "لديك الحق في الحصول على المساعدة",
    "th": "คุณมีสิทธิ์ได้รับความช่วยเหลือ",
    "hi": "आपको सहायता पाने का अधिकार है",
}


def _fonts(data: bytes, folder: Path) -> str:
    path = folder / "fonts.pdf"
    path.write_bytes(data)
    return subprocess.run([_tool("pdffonts"), str(path)], check=True, capture_output=True,
                          text=True).stdout


def test_every_script_prints_with_its_own_font(tmp_path: Path) -> None:
    document = Document(title="Your rights / Ō mōtika", footer="Tiaki")
    for code, line in LINES.items():
        document.heading(code, level=2)
        document.text(line)
    pdf = document.render()
    text = pdf_text(pdf, tmp_path)
    # Latin with macrons and ʻokina, and Han, read back character for character.
    for code in ("mi", "sm", "zh"):
        assert LINES[code] in text, code
    assert "?" not in text
    fonts = _fonts(pdf, tmp_path)
    # Noto Sans itself carries Devanagari; Arabic, Thai and Han come from their own fonts.
    for family in ("NotoSans", "NotoSansArabic", "NotoSansThai", "DroidSansFallback"):
        assert family in fonts, family
    # Shaped scripts: the words are there for search and copy, whatever the glyph order.
    flat = text.replace(" ", "").replace("\n", "")
    for code in ("th", "hi"):
        assert sum(ch in flat for ch in set(LINES[code].replace(" ", ""))) >= 0.8 * len(
            set(LINES[code].replace(" ", ""))), code
    pages = pdf_page_images(pdf, tmp_path)
    assert pages and all(p.stat().st_size > 1000 for p in pages)


def test_a_latin_only_document_embeds_no_fallback_font(tmp_path: Path) -> None:
    document = Document(title="Kia ora")
    document.text("Ko tēnei he whakamātautau")
    fonts = _fonts(document.render(), tmp_path)
    assert "NotoSansArabic" not in fonts and "DroidSansFallback" not in fonts
