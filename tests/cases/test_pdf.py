"""The certificate PDF prints every script: Māori macrons, Samoan and Tongan glottal stops,
Chinese, Thai and Arabic come out as text (not "?") and the pages render as images."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pdf_tools import pdf_page_images, pdf_text
from tiaki.accounts.models import User
from tiaki.cases.models import Certification, VictimCase
from tiaki.cases.pdf import certificate_pdf

NAMES = {  # (given name, family name)
    "mi": ("Hēnare", "Tāwhiri"),
    "sm-to": ("Faʻamatuainu", "Tuʻipulotu"),  # a Samoan given name, a Tongan family name
    "zh": ("小明", "王"),
    "th": ("สมชาย", "ใจดี"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", sorted(NAMES))
def test_endorser_name_prints_in_its_script(language: str, agencies: Any,
                                            tmp_path: Path) -> None:
    first, last = NAMES[language]
    endorser = User.objects.create(username=f"e-{language}", first_name=first, last_name=last)
    case = VictimCase.objects.create(reference="VC-2026-0001", agency=agencies["POLICE"])
    cert = Certification.objects.create(case=case, reference="PC-2026-0001", status="issued",
                                        endorsed_by=endorser)
    data = certificate_pdf(cert)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data, tmp_path)
    assert first in text and last in text and "?" not in text
    assert "PC-2026-0001" in text and "VC-2026-0001" in text
    pages = pdf_page_images(data, tmp_path)
    assert len(pages) == 1 and pages[0].stat().st_size > 1000
