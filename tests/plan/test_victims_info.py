"""Victims' information: public pages and pamphlets per language, no login; unreviewed
translations are marked on the page and in print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pdf_tools import pdf_page_images, pdf_text
from tiaki.plan import victims_info


def test_pages_need_no_login_and_mark_unreviewed(client: Any, settings: Any, db: Any) -> None:
    settings.TIAKI_VICTIMS_INFO_LINE = "0800 000 111"
    index = client.get("/victims-information/")
    assert index.status_code == 200 and "Gagana Sāmoa" in index.content.decode()
    english = client.get("/victims-information/en/").content.decode()
    assert "0800 000 111" in english and 'data-review="unreviewed"' not in english
    samoan = client.get("/victims-information/sm/").content.decode()
    assert 'data-review="unreviewed"' in samoan and "Fesoasoani mo tagata ua faʻatauina" in samoan
    for code in ("health", "acc", "housing", "financial", "immigration", "interpreters",
                 "compensation", "repatriation"):
        assert f'data-section="{code}"' in samoan
    assert client.get("/victims-information/xx/").status_code == 404


def test_samoan_pamphlet_renders_marked(client: Any, tmp_path: Path, db: Any) -> None:
    response = client.get("/victims-information/sm/pamphlet.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "UNREVIEWED TRANSLATION" in text and "Faʻamatala upu" in text
    assert pdf_page_images(response.content, tmp_path)


def test_bad_content_file_names_the_field(settings: Any, tmp_path: Path) -> None:
    settings.TIAKI_DATA_DIR = tmp_path
    (tmp_path / "victims-info").mkdir()
    (tmp_path / "victims-info" / "mi.yaml").write_text(
        "schema: tiaki.victims-info/1\nlanguage: mi\nname: Māori\nreview: {status: maybe}\n"
        "title: t\nintro: i\nsections: [{code: health, title: t, body: b}]\n", "utf-8")
    victims_info.all_content.cache_clear()
    try:
        with pytest.raises(victims_info.ContentError, match=r"mi\.yaml: field 'review\.status'"):
            victims_info.all_content()
    finally:
        victims_info.all_content.cache_clear()
