"""Backups that can be restored and proven: ``tiaki backup OUT`` and ``tiaki restore IN``.

A backup is one tar file holding four parts:

- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the processes
  keep writing) or ``database.pgdump`` (``pg_dump --format=custom`` run in a snapshot
  exported from a repeatable-read transaction, so the dump, the row counts and the list of
  media files are all the same instant);
- ``media.tar``: the media directory (public-report attachments are stored encrypted under
  the field keys, plan evidence as uploaded), taken after the database snapshot, so every
  file a row of the snapshot names was already written;
- ``checkpoint.json``: a signed audit checkpoint made just before the snapshot
  (``tiaki.audit.checkpoint``), which the restored chain must match;
- ``manifest.json``: format, version, migrations applied, rows per table, the SHA-256 and
  size of each part and the time, signed with the audit key's checkpoint signing key.

The keys are not in it. ``TIAKI_FIELD_KEYS`` and ``TIAKI_AUDIT_KEY`` are kept apart from the
database and its backups (a backup holding both gives away what the encryption protects);
``--keys-out FILE`` writes them to a separate file for the operator to store elsewhere.

Restore checks everything it can before it writes anything: each part against its checksum
(naming the damaged one), the manifest's and the checkpoint's signatures against the audit key
in the environment, that every migration in the backup is known to this version, that the
field keys decrypt a sample of the backed-up identities and encrypted attachments, and that
the target database and media directory are empty (unless ``force``). Then it writes, and
proves the result: the audit chain verifies against the backup's checkpoint and each table
holds the rows the manifest counted.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from tiaki.audit import keys as audit_keys
from tiaki.audit.checkpoint import CheckpointError, checkpoint_make, checkpoint_read
from tiaki.audit.services import Action, audit_record
from tiaki.audit.verify import Anchor, VerifyResult, audit_verify
from tiaki.core import crypto

FORMAT = "tiaki-backup/1"
MANIFEST = "manifest.json"
CHECKPOINT = "checkpoint.json"
MEDIA = "media.tar"
SQLITE_PART = "database.sqlite3"
PG_PART = "database.pgdump"
# How many identities and encrypted attachments restore decrypts before writing anything.
SAMPLE = 20
ATTACHMENT_SAMPLE = 5
_CHUNK = 1 << 20
_IDENTITIES = "cases_identifyingdetails"
_ATTACHMENTS = "intake_reportattachment"

Report = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore refused, with the reason (nothing was written when restoring)."""


class RestoreFailed(BackupError):
    """Restoring failed after it had started writing."""


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    verify: VerifyResult
    identities_checked: int
    count_mismatches: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.verify.ok and not self.count_mismatches


def _quiet(_: str) -> None:
    return None


# ------------------------------------------------------------------ shared


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _signed_bytes(manifest: dict[str, Any]) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _version() -> str:
    try:
        return metadata.version("tiaki")
    except metadata.PackageNotFoundError:
        return "unknown"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found on PATH: install the PostgreSQL client tools "
                          f"(version {_server_major()} or newer) to back up or restore "
                          f"PostgreSQL")
    return found


def _server_major() -> str:
    try:
        return str(connection.pg_version // 10000)  # type: ignore[attr-defined]
    except Exception:
        return "of the server"


def _pg_command(program: str) -> tuple[list[str], dict[str, str]]:
    """The libpq options and environment naming this install's database."""
    s = connection.settings_dict
    args = [_tool(program), "--dbname", str(s["NAME"])]
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])  # not on the command line, where ps shows it
    return args, env


def _file_columns() -> list[tuple[str, str]]:
    """(table, column) of every FileField: the media files rows point at."""
    from django.apps import apps
    from django.db.models import FileField

    return sorted({(m._meta.db_table, str(f.column)) for m in apps.get_models()
                   for f in m._meta.concrete_fields if isinstance(f, FileField)})


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ------------------------------------------------------------------ backup


def _snapshot_facts(cursor: Any, tables: list[str]) -> dict[str, Any]:
    """Rows per table, migrations applied and media files named, read through ``cursor``
    (a cursor on the snapshot: the SQLite copy, or the exported PostgreSQL snapshot)."""
    counts: dict[str, int] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - known names
        counts[table] = int(cursor.fetchone()[0])
    migrations: list[list[str]] = []
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [[str(a), str(n)] for a, n in cursor.fetchall()]
    files: set[str] = set()
    for table, column in _file_columns():
        if table in tables:
            cursor.execute(f"SELECT {_quote(column)} FROM {_quote(table)} "  # noqa: S608
                           f"WHERE {_quote(column)} <> ''")
            files.update(str(name) for (name,) in cursor.fetchall())
    return {"counts": counts, "migrations": migrations, "files": files}


def _sqlite_snapshot(target: Path) -> dict[str, Any]:
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("a backup cannot run inside a transaction")
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        # pages=-1 copies the whole database in one step under one read lock: a consistent
        # instant even while the web processes and the worker keep writing (WAL mode).
        source.backup(copy, pages=-1)
        tables = [row[0] for row in copy.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return _snapshot_facts(copy.cursor(), tables)
    finally:
        copy.close()


def _pg_snapshot(target: Path) -> dict[str, Any]:
    from django.db import transaction

    args, env = _pg_command("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        # pg_dump reads the very snapshot this transaction holds, so the counts and the list
        # of media files below describe exactly what it dumped.
        done = subprocess.run([*args, "--format=custom", f"--snapshot={snapshot}",  # noqa: S603
                               "--no-owner", "--no-privileges", "--file", str(target)],
                              env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        tables = connection.introspection.table_names(cursor)
        return _snapshot_facts(cursor, tables)


def _media_tar(target: Path, named: set[str]) -> tuple[int, list[str]]:
    """Tar the media directory; return how many files and which named files are missing."""
    root = Path(settings.MEDIA_ROOT)
    present: set[str] = set()
    with tarfile.open(target, "w") as tar:
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                name = path.relative_to(root).as_posix()
                tar.add(path, arcname=name, recursive=False)
                present.add(name)
    return len(present), sorted(named - present)


def _sign(manifest: dict[str, Any]) -> None:
    signature = audit_keys.signing_key().sign(_signed_bytes(manifest))
    manifest["signature"] = base64.b64encode(signature).decode()


def backup_make(*, out: Path, keys_out: Path | None = None,
                report: Report = _quiet) -> dict[str, Any]:
    """Write a backup of the database, the media directory and an audit checkpoint to
    ``out`` (refused if it exists). Returns the manifest."""
    out = out.resolve()
    if out.exists():
        raise BackupError(f"{out} already exists: choose a new file name")
    if not out.parent.is_dir():
        raise BackupError(f"{out.parent} is not a directory")
    if keys_out is not None:
        keys_out = keys_out.resolve()
        if keys_out == out:
            raise BackupError("--keys-out must be a different file from the backup: the keys "
                              "are kept apart from the data they protect")
        if keys_out.exists():
            raise BackupError(f"{keys_out} already exists: choose a new file name")
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"backups of {vendor} databases are not supported")
    # The backup itself is in the trail, inside the checkpoint it carries.
    audit_record(actor=None, action=Action.EXPORT, object_type="core.backup",
                 summary=f"Backup written to {out.name}")
    try:
        checkpoint = checkpoint_make()
    except CheckpointError as exc:
        raise BackupError(f"cannot write the audit checkpoint: {exc}") from exc
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        db_part = SQLITE_PART if vendor == "sqlite" else PG_PART
        report(f"copying the {vendor} database")
        facts = (_sqlite_snapshot if vendor == "sqlite" else _pg_snapshot)(work / db_part)
        report("archiving the media directory")
        media_files, missing = _media_tar(work / MEDIA, facts["files"])
        (work / CHECKPOINT).write_text(json.dumps(checkpoint, indent=2) + "\n")
        parts = {name: {"sha256": _sha256(work / name), "bytes": (work / name).stat().st_size}
                 for name in (db_part, MEDIA, CHECKPOINT)}
        manifest: dict[str, Any] = {
            "format": FORMAT, "tiaki_version": _version(),
            "made_at": timezone.now().isoformat(timespec="seconds"),
            "database": vendor, "migrations": facts["migrations"], "tables": facts["counts"],
            "parts": parts, "media": {"files": media_files, "missing": missing},
            "checkpoint": {"seq": checkpoint["seq"], "event_id": checkpoint["event_id"]},
            "keys_included": False, "audit_key": audit_keys.key_fingerprint(),
        }
        _sign(manifest)
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        partial = work / "backup.tar"
        with tarfile.open(partial, "w") as tar:
            for name in (MANIFEST, CHECKPOINT, db_part, MEDIA):
                tar.add(work / name, arcname=name, recursive=False)
        os.chmod(partial, 0o600)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, out)  # the name appears only once the file is whole
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if keys_out is not None:
        _write_keys(keys_out)
    return manifest


def _write_keys(path: Path) -> None:
    fields = ",".join(key.decode() for key in crypto._read_keys())
    text = (f"# Tiaki keys: store apart from the backups (never in the same place).\n"
            f"{crypto.ENV_VAR}={fields}\nTIAKI_AUDIT_KEY={settings.TIAKI_AUDIT_KEY}\n")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


# ------------------------------------------------------------------ restore: checks


def _read_manifest(tar: tarfile.TarFile, path: Path) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
        handle = tar.extractfile(member)
        if handle is None:
            raise KeyError(MANIFEST)
        manifest = json.loads(handle.read())
    except KeyError as exc:
        raise BackupError(f"{path} has no {MANIFEST}: not a Tiaki backup, or truncated") from exc
    except (tarfile.TarError, OSError, ValueError) as exc:
        raise BackupError(f"{path}: the manifest is damaged ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a {FORMAT} backup")
    return manifest


def _extract_parts(tar: tarfile.TarFile, manifest: dict[str, Any], work: Path) -> None:
    """Copy each part out of the archive, checking its size and SHA-256 on the way."""
    parts = manifest.get("parts")
    if not isinstance(parts, dict) or not parts:
        raise BackupError("the manifest lists no parts")
    for name, expected in sorted(parts.items()):
        if "/" in name or name.startswith("."):
            raise BackupError(f"the manifest names an unsafe part {name!r}")
        try:
            handle = tar.extractfile(tar.getmember(name))
        except KeyError as exc:
            raise BackupError(f"the backup is truncated or damaged: part {name} is "
                              f"missing") from exc
        if handle is None:
            raise BackupError(f"the backup is damaged: part {name} is not a file")
        digest, size = hashlib.sha256(), 0
        try:
            with (work / name).open("wb") as copy:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    copy.write(chunk)
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"the backup is truncated or damaged: part {name} cannot be "
                              f"read ({exc})") from exc
        if size != expected.get("bytes") or digest.hexdigest() != expected.get("sha256"):
            raise BackupError(f"the backup is damaged: part {name} does not match its checksum "
                              f"in the manifest ({size:,} bytes, expected "
                              f"{expected.get('bytes', 0):,})")


def _check_signatures(manifest: dict[str, Any], work: Path) -> Anchor:
    try:
        anchor = checkpoint_read((work / CHECKPOINT).read_text())
        checkpoint_ok = True
    except CheckpointError:
        anchor, checkpoint_ok = Anchor(0, ""), False
    try:
        signature = base64.b64decode(str(manifest.get("signature", "")))
        audit_keys.signing_key().public_key().verify(signature, _signed_bytes(manifest))
        manifest_ok = True
    except (InvalidSignature, ValueError):
        manifest_ok = False
    if not manifest_ok and not checkpoint_ok:
        raise BackupError("the TIAKI_AUDIT_KEY in the environment is not the key this backup "
                          "was made with: neither its manifest nor its audit checkpoint "
                          f"verifies (backup key {manifest.get('audit_key', '?')}, supplied "
                          f"{audit_keys.key_fingerprint()})")
    if not manifest_ok:
        raise BackupError("the backup's manifest was edited: its signature does not verify "
                          "with the audit key that signed its checkpoint")
    if not checkpoint_ok:
        raise BackupError("the backup's audit checkpoint was edited: its signature does not "
                          "verify with the audit key that signed the manifest")
    if (anchor.seq != manifest.get("checkpoint", {}).get("seq")):
        raise BackupError("the backup's checkpoint is not the one its manifest names")
    return anchor


def _check_migrations(manifest: dict[str, Any]) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest.get("migrations", [])
               if (app, name) not in known]
    if unknown:
        shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise BackupError(f"the backup was made by a newer or different version "
                          f"({manifest.get('tiaki_version')}): migrations {shown} are not in "
                          f"this version ({_version()}); install that version to restore")


_COPY = re.compile(r"^COPY (?:\S+\.)?\"?(\w+)\"? \((.*)\) FROM stdin;$")


def _copy_unescape(text: str) -> str | None:
    """A value of PostgreSQL's COPY text format."""
    if text == r"\N":
        return None
    escapes = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), text)


def _sample_rows(work: Path, vendor: str, table: str, columns: tuple[str, ...],
                 limit: int, where: Callable[[dict[str, str | None]], bool]) -> list[
                     dict[str, str | None]]:
    """The first ``limit`` rows of ``table`` in the backed-up database that pass ``where``,
    read from the backup itself (nothing is restored to read them)."""
    rows: list[dict[str, str | None]] = []
    if vendor == "sqlite":
        copy = sqlite3.connect(f"file:{work / SQLITE_PART}?mode=ro", uri=True)
        try:
            found = copy.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?",
                                 [table]).fetchone()
            if found is None:
                return rows
            cursor = copy.execute(f"SELECT {', '.join(map(_quote, columns))} "  # noqa: S608
                                  f"FROM {_quote(table)} ORDER BY id")
            for values in cursor:
                row = {c: None if v is None else str(v)
                       for c, v in zip(columns, values, strict=True)}
                if where(row):
                    rows.append(row)
                    if len(rows) >= limit:
                        break
        finally:
            copy.close()
        return rows
    # pg_restore prints the table's COPY block to stdout without touching any database.
    program = _tool("pg_restore")
    with subprocess.Popen([program, "--data-only", "--table", table,  # noqa: S603
                           "--file", "-", str(work / PG_PART)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        header: list[str] | None = None
        try:
            for line in child.stdout:
                line = line.rstrip("\n")
                if header is None:
                    match = _COPY.match(line)
                    if match and match.group(1) == table:
                        header = [c.strip().strip('"') for c in match.group(2).split(",")]
                    continue
                if line == r"\.":
                    break
                values = dict(zip(header, map(_copy_unescape, line.split("\t")), strict=True))
                row = {c: values.get(c) for c in columns}
                if where(row):
                    rows.append(row)
                    if len(rows) >= limit:
                        break
        finally:
            child.kill()
    return rows


def _check_field_keys(work: Path, vendor: str, media: Path) -> tuple[int, int]:
    """How many backed-up identities and encrypted attachments the keys decrypted."""
    crypto.reset_keys()
    identities = _sample_rows(work, vendor, _IDENTITIES, ("id", "ciphertext"), SAMPLE,
                              lambda row: bool(row["ciphertext"]))
    for row in identities:
        try:
            crypto.decrypt_json(str(row["ciphertext"]))
        except crypto.DecryptionError as exc:
            raise BackupError(f"the TIAKI_FIELD_KEYS in the environment do not decrypt the "
                              f"backed-up identities (row {row['id']} of {_IDENTITIES}): "
                              f"supply the keys the backed-up install used") from exc
    attachments = _sample_rows(work, vendor, _ATTACHMENTS, ("id", "file", "encrypted"),
                               ATTACHMENT_SAMPLE,
                               lambda row: row["encrypted"] in {"1", "t", "True", "true"})
    decrypted = 0
    if attachments:
        with tarfile.open(media) as tar:
            for row in attachments:
                try:
                    handle = tar.extractfile(str(row["file"]))
                except KeyError:
                    continue  # counted as missing at backup time; nothing to decrypt
                if handle is None:
                    continue
                try:
                    crypto.decrypt_bytes(handle.read())
                except crypto.DecryptionError as exc:
                    raise BackupError(f"the TIAKI_FIELD_KEYS in the environment do not "
                                      f"decrypt the backed-up attachment {row['file']}: "
                                      f"supply the keys the backed-up install used") from exc
                decrypted += 1
    return len(identities), decrypted


def _target_tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _check_target(force: bool) -> None:
    if force:
        return
    tables = _target_tables()
    if tables:
        raise BackupError(f"the target database is not empty ({len(tables)} tables, e.g. "
                          f"{tables[0]}): restore into a new, empty database, or pass --force "
                          f"to replace everything in it")
    root = Path(settings.MEDIA_ROOT)
    if root.is_dir() and any(root.iterdir()):
        raise BackupError(f"the media directory {root} is not empty: use an empty one, or pass "
                          f"--force to restore over it")


# ------------------------------------------------------------------ restore: writing


def _restore_sqlite(work: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{work / SQLITE_PART}?mode=ro", uri=True)
    try:
        # The backup API replaces the target's whole content in one step (every table,
        # index and the schema), so a --force restore leaves nothing of what was there.
        source.backup(connection.connection, pages=-1)
    finally:
        source.close()
    connection.close()


def _restore_pg(work: Path, force: bool) -> None:
    if force:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    connection.close()
    args, env = _pg_command("pg_restore")
    done = subprocess.run([*args, "--no-owner", "--no-privileges",  # noqa: S603
                           "--exit-on-error", "--single-transaction", str(work / PG_PART)],
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RestoreFailed(f"pg_restore failed and undid its own transaction"
                            f"{' (--force had already emptied the database)' if force else ''}"
                            f": {done.stderr.strip()}")


def _check_media(media: Path) -> None:
    """Refuse, before writing, a media archive that would write outside MEDIA_ROOT."""
    root = str(Path(settings.MEDIA_ROOT).resolve())
    with tarfile.open(media) as tar:
        for member in tar.getmembers():
            try:
                tarfile.data_filter(member, root)
            except tarfile.FilterError as exc:
                raise BackupError(f"part {MEDIA} holds an unsafe entry: {exc}") from exc


def _restore_media(media: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(media) as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        # The "data" filter refuses absolute names, "..", links out of the directory and
        # device files: a backup cannot write outside MEDIA_ROOT.
        tar.extractall(root, members=members, filter="data")
    return len(members)


def _count_mismatches(manifest: dict[str, Any]) -> dict[str, tuple[int, int]]:
    expected: dict[str, int] = manifest.get("tables", {})
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608
            found[table] = int(cursor.fetchone()[0])
    return {t: (expected.get(t, 0), found.get(t, 0)) for t in sorted(set(expected) | set(found))
            if expected.get(t, 0) != found.get(t, 0)}


def _decrypt_restored(limit: int) -> int:
    from tiaki.cases.models import IdentifyingDetails

    done = 0
    for ciphertext in IdentifyingDetails.objects.order_by("pk").values_list(
            "ciphertext", flat=True)[:limit]:
        crypto.decrypt_json(ciphertext)
        done += 1
    return done


def _opened(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path)
    except FileNotFoundError as exc:
        raise BackupError(f"{path} does not exist") from exc
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} is not a readable backup (damaged or truncated: "
                          f"{exc})") from exc


def backup_restore(*, path: Path, force: bool = False,
                   report: Report = _quiet) -> RestoreResult:
    """Restore a backup into this install's database and media directory, then prove it.

    Every check that can refuse runs before anything is written (see the module's text)."""
    work = Path(tempfile.mkdtemp(prefix=".tiaki-restore-", dir=path.resolve().parent))
    try:
        with _opened(path) as tar:
            manifest = _read_manifest(tar, path)
            _extract_parts(tar, manifest, work)
        report("every part matches its checksum")
        anchor = _check_signatures(manifest, work)
        report(f"the audit key verifies the manifest and the checkpoint (position "
               f"{anchor.seq})")
        _check_migrations(manifest)
        vendor = str(manifest.get("database"))
        if vendor != connection.vendor:
            raise BackupError(f"the backup is of a {vendor} database; this install's database "
                              f"is {connection.vendor}")
        identities, attachments = _check_field_keys(work, vendor, work / MEDIA)
        report(f"the field keys decrypt the {identities} backed-up identities and "
               f"{attachments} encrypted attachment(s) sampled"
               if identities or attachments
               else "the backup holds no identities or encrypted attachments to decrypt")
        _check_target(force)
        _check_media(work / MEDIA)
        report("restoring the database")
        if vendor == "sqlite":
            _restore_sqlite(work)
        else:
            _restore_pg(work, force)
        files = _restore_media(work / MEDIA)
        report(f"restored {files} media file(s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    crypto.reset_keys()
    result = RestoreResult(manifest=manifest, verify=audit_verify(anchors=[anchor]),
                           identities_checked=_decrypt_restored(SAMPLE),
                           count_mismatches=_count_mismatches(manifest))
    audit_record(actor=None, action=Action.CREATE, object_type="core.backup",
                 summary=f"Restored from the backup made at {manifest.get('made_at')} "
                         f"(audit checkpoint at position {anchor.seq}): "
                         f"{'verified' if result.ok else 'verification FAILED'}")
    return result


def manifest_summary(manifest: dict[str, Any]) -> str:
    rows = sum(manifest.get("tables", {}).values())
    return (f"{len(manifest.get('tables', {}))} tables, {rows:,} rows, "
            f"{manifest.get('media', {}).get('files', 0)} media file(s), audit checkpoint at "
            f"position {manifest.get('checkpoint', {}).get('seq')}")
