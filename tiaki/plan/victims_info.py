"""Victims' information (Plan item 27: "Provide access to information for victims of crime by
distributing pamphlets and operating a free information line"): public pages and a printable
pamphlet per language, with no login.

Content is data, one file per language in ``data/victims-info/<code>.yaml``, each with its
review state: a translation no qualified translator has reviewed is shown, and printed,
marked as unreviewed. The free information line's number is a setting
(``TIAKI_VICTIMS_INFO_LINE``).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tiaki.core.pdf import Document

UNREVIEWED_NOTE = ("This translation has not yet been reviewed by a qualified translator. "
                   "If anything is unclear, ask for an interpreter.")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Review(_Strict):
    status: Literal["reviewed", "unreviewed"]
    reviewer: str = ""
    reviewed_on: dt.date | None = None


class Section(_Strict):
    code: str = Field(pattern=r"^[a-z_]+$")
    title: str = Field(min_length=1)
    body: str = Field(min_length=1)


class Content(_Strict):
    schema_: Literal["tiaki.victims-info/1"] = Field(alias="schema")
    language: str = Field(pattern=r"^[a-z]{2,3}(-[A-Za-z]+)?$")
    name: str
    direction: Literal["ltr", "rtl"] = "ltr"
    review: Review
    title: str
    intro: str
    sections: list[Section] = Field(min_length=1)

    @property
    def reviewed(self) -> bool:
        return self.review.status == "reviewed"


class ContentError(ValueError):
    """A victims' information file is wrong; the message names the file and the field."""


def content_dir() -> Path:
    configured = getattr(settings, "TIAKI_VICTIMS_INFO_DIR", None)
    return Path(configured) if configured else Path(settings.TIAKI_DATA_DIR) / "victims-info"


@lru_cache(maxsize=1)
def all_content() -> dict[str, Content]:
    found: dict[str, Content] = {}
    for path in sorted(content_dir().glob("*.yaml")):
        try:
            content = Content.model_validate(yaml.safe_load(path.read_text("utf-8")))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ContentError(f"{path.name}: field '{where}': {first['msg']}") from exc
        if content.language != path.stem:
            raise ContentError(f"{path.name}: language {content.language!r} does not match "
                               "the file name")
        found[content.language] = content
    return found


def _content(language: str) -> Content:
    content = all_content().get(language)
    if content is None:
        raise Http404("no information in that language")
    return content


@require_GET
def index_view(request: HttpRequest) -> HttpResponse:
    return render(request, "plan/victims_info_index.html", {
        "languages": list(all_content().values()), "line": settings.TIAKI_VICTIMS_INFO_LINE})


@require_GET
def page_view(request: HttpRequest, language: str) -> HttpResponse:
    return render(request, "plan/victims_info.html", {
        "c": _content(language), "line": settings.TIAKI_VICTIMS_INFO_LINE,
        "unreviewed_note": UNREVIEWED_NOTE})


def pamphlet_pdf(content: Content) -> bytes:
    doc = Document(title=content.title, author="Tiaki",
                   footer=f"{content.name} · {settings.TIAKI_VICTIMS_INFO_LINE}")
    if not content.reviewed:
        doc.small(f"UNREVIEWED TRANSLATION. {UNREVIEWED_NOTE}")
    doc.heading(content.title)
    doc.text(content.intro)
    for section in content.sections:
        doc.heading(section.title, 3)
        doc.text(section.body)
    doc.space()
    doc.heading(f"☎ {settings.TIAKI_VICTIMS_INFO_LINE}", 2)
    doc.small("Free information line · 111 in an emergency")
    return doc.render()


@require_GET
def pamphlet_view(request: HttpRequest, language: str) -> HttpResponse:
    content = _content(language)
    response = HttpResponse(pamphlet_pdf(content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="victims-information-{language}.pdf"'
    return response
