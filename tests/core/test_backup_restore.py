"""``tiaki backup`` → ``tiaki restore``: a restored install verifies its audit chain against the
backup's checkpoint, decrypts the same identities and holds the same rows; a damaged backup
and wrong keys are refused before anything is written.

The install backed up is this test's database (demo data, an encrypted attachment, the audit
trail); each restore runs as a real ``tiaki restore`` process into a second database (a new
SQLite file, or on PostgreSQL a second database) and media directory.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from tiaki.cases.models import IdentifyingDetails, Referral
from tiaki.core import crypto
from tiaki.core.backup import MANIFEST, MEDIA
from tiaki.demo.orchestrate import load_demo
from tiaki.intake.models import Report, ReportAttachment

pytestmark = pytest.mark.django_db(transaction=True)

AUDIT_KEY = "backup-round-trip-audit-key-0123456789abcdef"
SECRET = b"photo of the passports held by the boss"
PROBE = """
import json, os, sys, io, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaki.settings")
django.setup()
from django.core.management import call_command
from django.db import connection
from tiaki.cases.models import IdentifyingDetails
from tiaki.core import crypto
from tiaki.intake.models import ReportAttachment
verified = io.StringIO()
call_command("audit", "verify", "--checkpoint", sys.argv[1], stdout=verified)
print(json.dumps({
    "identities": {r.case.reference: crypto.decrypt_json(r.ciphertext)
                   for r in IdentifyingDetails.objects.select_related("case")},
    "attachments": [a.read_bytes().decode() for a in ReportAttachment.objects.all()],
    "tables": len(connection.introspection.table_names()),
    "verified": verified.getvalue(),
}))
"""


@pytest.fixture(scope="module")
def keys() -> Iterator[dict[str, str]]:
    field_key = Fernet.generate_key().decode()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(crypto.ENV_VAR, field_key)
        with override_settings(TIAKI_AUDIT_KEY=AUDIT_KEY, TIAKI_DEMO=True):
            crypto.reset_keys()
            yield {crypto.ENV_VAR: field_key, "TIAKI_AUDIT_KEY": AUDIT_KEY}
    crypto.reset_keys()


def _identities() -> dict[str, Any]:
    return {row.case.reference: crypto.decrypt_json(row.ciphertext)
            for row in IdentifyingDetails.objects.select_related("case")}


@pytest.fixture(scope="module")
def install(keys: dict[str, str], django_db_setup: Any, django_db_blocker: Any,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Demo data (cases with identities, referrals, audit rows) and an encrypted attachment,
    backed up once for the module (loading the demo is the slow part); the tests restore it."""
    where = tmp_path_factory.mktemp("install")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=where / "media"):
        load_demo()
        report = Report.objects.order_by("pk").first()
        assert report is not None
        attachment = ReportAttachment(report=report, label="attachment-1.txt",
                                      content_type="text/plain", size=len(SECRET),
                                      sha256=hashlib.sha256(SECRET).hexdigest(), encrypted=True)
        attachment.file.save("evidence.enc", ContentFile(crypto.encrypt_bytes(SECRET)),
                             save=True)
        identities = _identities()
        assert len(identities) >= 5 and Referral.objects.exists()
        backup = _backup(where)
        try:
            yield {"identities": identities, "backup": backup}
        finally:
            call_command("flush", interactive=False, verbosity=0)


def _backup(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "tiaki.backup"
    call_command("backup", str(out), *args, stdout=io.StringIO())
    return out


def _target(tmp_path: Path, keys: dict[str, str], url: str) -> dict[str, str]:
    (tmp_path / "restored-var").mkdir(exist_ok=True)
    return {**os.environ, **keys, "TIAKI_ENV": "test", "DATABASE_URL": url,
            "MEDIA_ROOT": str(tmp_path / "restored-media"),
            "TIAKI_VAR_DIR": str(tmp_path / "restored-var")}


def _tiaki(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tiaki", *args], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def _probe(env: dict[str, str], checkpoint: Path) -> dict[str, Any]:
    """What the restored install holds, read by a process of its own, and its audit verify
    against the backup's checkpoint."""
    done = subprocess.run([sys.executable, "-c", PROBE, str(checkpoint)], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def _manifest(backup: Path) -> dict[str, Any]:
    with tarfile.open(backup) as tar:
        handle = tar.extractfile(MANIFEST)
        assert handle is not None
        return dict(json.loads(handle.read()))


def _rewrite(backup: Path, out: Path, name: str, change: Any) -> Path:
    """A copy of ``backup`` with member ``name``'s bytes passed through ``change``."""
    with tarfile.open(backup) as src, tarfile.open(out, "w") as dst:
        for member in src.getmembers():
            handle = src.extractfile(member)
            assert handle is not None
            data = handle.read()
            if member.name == name:
                data = change(data)
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return out


def _sqlite_target(tmp_path: Path, keys: dict[str, str]) -> tuple[dict[str, str], Path]:
    db = tmp_path / "restored.sqlite3"
    return _target(tmp_path, keys, f"sqlite:///{db}"), db


def _sqlite_tables(db: Path) -> list[str]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        return [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]


def _checkpoint(backup: Path) -> Path:
    out = backup.parent / "checkpoint.json"
    with tarfile.open(backup) as tar:
        handle = tar.extractfile("checkpoint.json")
        assert handle is not None
        out.write_bytes(handle.read())
    return out


def _assert_round_trip(done: subprocess.CompletedProcess[str], env: dict[str, str],
                       install: dict[str, Any]) -> None:
    assert done.returncode == 0, done.stderr + done.stdout
    backup = install["backup"]
    manifest = _manifest(backup)
    seq = manifest["checkpoint"]["seq"]
    assert "audit trail intact" in done.stdout
    assert f"matches the backup's checkpoint at position {seq}" in done.stdout
    assert "every table holds the rows the manifest counted" in done.stdout
    identities = len(install["identities"])
    assert (f"the field keys decrypt the {identities} backed-up identities and 1 encrypted "
            f"attachment(s) sampled") in done.stdout
    restored = _probe(env, _checkpoint(backup))
    assert restored["identities"] == install["identities"]
    assert restored["attachments"] == [SECRET.decode()]
    assert restored["tables"] == len(manifest["tables"])
    assert manifest["tables"]["cases_identifyingdetails"] == len(install["identities"])
    # The restored install's own verifier agrees, against the checkpoint kept in the backup.
    assert f"matches 1 checkpoint(s) at position(s) {seq}" in restored["verified"]


def test_sqlite_round_trip_reveals_the_same_identities_and_verifies_the_chain(
        install: dict[str, Any], keys: dict[str, str], tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant; the PostgreSQL one runs on PostgreSQL")
    backup = install["backup"]
    manifest = _manifest(backup)
    assert manifest["database"] == "sqlite" and manifest["keys_included"] is False
    assert set(manifest["parts"]) == {"database.sqlite3", MEDIA, "checkpoint.json"}
    assert ["cases", "0001_initial"] in manifest["migrations"]
    with tarfile.open(backup) as tar:
        blob = b"".join(tar.extractfile(m).read() for m in tar.getmembers())  # type: ignore[union-attr]
    # Neither key is in the backup, nor is the attachment's plaintext.
    assert keys[crypto.ENV_VAR].encode() not in blob and AUDIT_KEY.encode() not in blob
    assert SECRET not in blob
    env, db = _sqlite_target(tmp_path, keys)
    _assert_round_trip(_tiaki(env, "restore", str(backup)), env, install)
    # A second restore into the now full database is refused; --force replaces everything.
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE leftover (id INTEGER PRIMARY KEY)")
    again = _tiaki(env, "restore", str(backup))
    assert again.returncode != 0 and "target database is not empty" in again.stderr
    assert "leftover" in _sqlite_tables(db)
    forced = _tiaki(env, "restore", "--force", str(backup))
    assert forced.returncode == 0, forced.stderr
    assert "audit trail intact" in forced.stdout
    assert "leftover" not in _sqlite_tables(db)


@pytest.fixture
def pg_target(tmp_path: Path, keys: dict[str, str]) -> Iterator[dict[str, str]]:
    s = connection.settings_dict
    name = f"{s['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else "")
    url = f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"
    yield _target(tmp_path, keys, url)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgresql_round_trip_into_a_second_database(
        install: dict[str, Any], tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL variant (pg_dump/pg_restore); CI runs it on PostgreSQL")
    env = request.getfixturevalue("pg_target")
    backup = install["backup"]
    manifest = _manifest(backup)
    assert manifest["database"] == "postgresql" and "database.pgdump" in manifest["parts"]
    _assert_round_trip(_tiaki(env, "restore", str(backup)), env, install)
    again = _tiaki(env, "restore", str(backup))
    assert again.returncode != 0 and "target database is not empty" in again.stderr
    forced = _tiaki(env, "restore", "--force", str(backup))
    assert forced.returncode == 0, forced.stderr
    assert "audit trail intact" in forced.stdout


def _flip_last_byte(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1])


def _refused(backup: Path, match: str) -> None:
    """Restore into this test's own database refuses, and it and the media are untouched.

    The checks run before the target is even looked at, so a refusal that came later (or a
    write that came first) shows as a changed database here."""
    from tiaki.audit.models import AuditEvent

    before = (AuditEvent.objects.count(), IdentifyingDetails.objects.count())
    with pytest.raises(CommandError, match=match):
        call_command("restore", str(backup), "--force", stdout=io.StringIO())
    assert (AuditEvent.objects.count(), IdentifyingDetails.objects.count()) == before
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(media.iterdir())


def test_a_damaged_or_truncated_backup_is_refused_naming_the_part(
        install: dict[str, Any], tmp_path: Path) -> None:
    backup = install["backup"]
    part = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    for name in (part, MEDIA, "checkpoint.json"):
        damaged = _rewrite(backup, tmp_path / f"damaged-{name}", name, _flip_last_byte)
        _refused(damaged, f"part {name} does not match its checksum")
    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    _refused(truncated, "truncated")

    # Someone who edits the manifest (to match an edited part) cannot sign it.
    def recount(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["tables"]["cases_identifyingdetails"] += 1
        return json.dumps(manifest).encode()

    _refused(_rewrite(backup, tmp_path / "edited.backup", MANIFEST, recount),
             "manifest was edited")


def test_wrong_keys_are_refused_before_anything_is_written(
        install: dict[str, Any], keys: dict[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    backup = install["backup"]
    if connection.vendor == "sqlite":
        # The real process, into a new database: refused, and no table was created.
        env, db = _sqlite_target(tmp_path, keys)
        done = _tiaki({**env, crypto.ENV_VAR: Fernet.generate_key().decode()},
                      "restore", str(backup))
        assert done.returncode != 0
        assert "TIAKI_FIELD_KEYS in the environment do not decrypt" in done.stderr
        assert _sqlite_tables(db) == [] and not (tmp_path / "restored-media").exists()
    with override_settings(TIAKI_AUDIT_KEY="another-installation-audit-key-0123456789"):
        _refused(backup, "TIAKI_AUDIT_KEY in the environment is not the key this backup was "
                         "made with")
    monkeypatch.setenv(crypto.ENV_VAR, Fernet.generate_key().decode())
    crypto.reset_keys()
    try:
        _refused(backup, "TIAKI_FIELD_KEYS in the environment do not decrypt the backed-up "
                         "identities")
    finally:
        monkeypatch.setenv(crypto.ENV_VAR, keys[crypto.ENV_VAR])
        crypto.reset_keys()


def test_keys_go_to_a_separate_file_only_when_asked(
        install: dict[str, Any], keys: dict[str, str], tmp_path: Path) -> None:
    keys_file = tmp_path / "keys.env"
    with pytest.raises(CommandError, match="different file"):
        call_command("backup", str(tmp_path / "same"), "--keys-out", str(tmp_path / "same"))
    backup = _backup(tmp_path, "--keys-out", str(keys_file))
    assert _manifest(backup)["keys_included"] is False
    text = keys_file.read_text()
    assert f"{crypto.ENV_VAR}={keys[crypto.ENV_VAR]}\n" in text
    assert f"TIAKI_AUDIT_KEY={AUDIT_KEY}\n" in text
    assert keys_file.stat().st_mode & 0o077 == 0
    assert keys[crypto.ENV_VAR].encode() not in backup.read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(backup))


WRITER = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaki.settings")
django.setup()
from pathlib import Path
from django.db import transaction
from tiaki.audit.services import audit_record
stop, n = Path(sys.argv[1]), 0
while not stop.exists():
    # Two rows per transaction: a backup that is not one instant could hold half a pair.
    with transaction.atomic():
        for half in "ab":
            audit_record(actor=None, action="read", object_type="test.pair",
                         object_id=f"pair-{n}-{half}")
    n += 1
    if n == 20:
        print("writing", flush=True)
print(n, flush=True)
"""


def test_a_backup_taken_while_the_install_writes_is_one_instant(
        install: dict[str, Any], keys: dict[str, str], tmp_path: Path,
        request: pytest.FixtureRequest) -> None:
    """The backup runs as its own process while another process keeps committing pairs of
    audit rows; the restored install holds whole pairs only, its chain verifies and each table
    holds the rows the manifest counted."""
    source = tmp_path / "source"
    source.mkdir()
    if connection.vendor == "sqlite":
        # This test's database lives in memory: copy it to a file both processes can open.
        connection.ensure_connection()
        with sqlite3.connect(source / "tiaki.sqlite3") as copy:
            connection.connection.backup(copy)
        source_env = _target(source, keys, f"sqlite:///{source / 'tiaki.sqlite3'}")
        target = _sqlite_target(tmp_path, keys)[0]
    else:
        from tests.crash import child_env

        source_env = {**child_env(), **keys, "MEDIA_ROOT": str(source / "media")}
        target = dict(request.getfixturevalue("pg_target"))
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(stop)], env=source_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None
        assert "writing" in writer.stdout.readline(), writer.stderr.read() if writer.stderr else ""
        backup = tmp_path / "live.backup"
        made = _tiaki(source_env, "backup", str(backup))
        assert made.returncode == 0, made.stderr
    finally:
        stop.touch()
        written = int((writer.communicate(timeout=120)[0] or "0").split()[-1])
    restored = _tiaki(target, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr + restored.stdout
    assert "audit trail intact" in restored.stdout
    assert "every table holds the rows the manifest counted" in restored.stdout
    code = ("import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
            "'tiaki.settings'); django.setup(); from tiaki.audit.models import AuditEvent; "
            "print(AuditEvent.objects.filter(object_type='test.pair').count())")
    done = subprocess.run([sys.executable, "-c", code], env=target, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    pairs = int(done.stdout)
    # Taken mid-stream: more than the first pairs, fewer than all, and never half a pair.
    assert 40 <= pairs < 2 * written and pairs % 2 == 0
