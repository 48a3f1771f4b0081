"""Load the border posts (alert queues) from ``data/<cc>/border_posts.yaml``.

Schema ``tiaki.border_posts/1``: ``country`` and ``posts: [{code, name, agency, ports,
default, visas}]``. Validated whole before anything is written; loading the same file
twice changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from django.conf import settings
from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tiaki.accounts.models import Agency
from tiaki.audit.services import Action, audit_record
from tiaki.screening.models import Post


class PostFileError(Exception):
    pass


class PostEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    code: str = Field(pattern=r"^[A-Z][A-Z0-9-]*$")
    name: str = Field(min_length=1)
    agency: str
    ports: list[str] = []
    default: bool = False
    visas: bool = False


class PostFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    schema_: Literal["tiaki.border_posts/1"] = Field(alias="schema")
    country: str = Field(pattern=r"^[A-Z]{2}$")
    posts: list[PostEntry] = Field(min_length=1)


def default_path() -> Path:
    return Path(settings.TIAKI_DATA_DIR) / "nz" / "border_posts.yaml"


def posts_load(*, path: Path | None = None) -> list[Post]:
    path = path or default_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = PostFile.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise PostFileError(f"{path.name}: {exc}") from exc
    agencies = {a.code: a for a in Agency.objects.all()}
    missing = sorted({p.agency for p in spec.posts} - set(agencies))
    if missing:
        raise PostFileError(f"{path.name}: unknown agencies {', '.join(missing)} "
                            "(load agencies first)")
    if sum(p.default for p in spec.posts) != 1:
        raise PostFileError(f"{path.name}: exactly one post must be the default")
    posts = []
    with transaction.atomic():
        for entry in spec.posts:
            post, created = Post.objects.update_or_create(
                code=entry.code,
                defaults={"name": entry.name, "agency": agencies[entry.agency],
                          "ports": [p.upper() for p in entry.ports],
                          "is_default": entry.default, "handles_visas": entry.visas},
            )
            if created:
                audit_record(actor=None, action=Action.CREATE, obj=post,
                             summary=f"Border post {post.code} loaded from {path.name}")
            posts.append(post)
    return posts


def posts_ensure() -> None:
    """Load the default posts the first time screening needs a queue."""
    if not Post.objects.exists():
        posts_load()
