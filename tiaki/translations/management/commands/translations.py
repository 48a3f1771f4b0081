import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.translations.exchange import CONTENTS, ExchangeError, export, import_file


class Command(BaseCommand):
    help = ("Exchange the portal's and the victims' information's languages with translators: "
            "`tiaki translations export --format po|xliff --language L [--content portal|"
            "victims-info] OUT` and `tiaki translations import FILE`.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        out = sub.add_parser("export", help="write one language as .po or XLIFF 2.0")
        out.add_argument("--format", choices=["po", "xliff"], default="po", dest="fmt")
        out.add_argument("--language", required=True, help="language code, e.g. mi or sm")
        out.add_argument("--content", choices=CONTENTS, default="portal")
        out.add_argument("out", help="file to write, or - for standard output")
        into = sub.add_parser("import", help="read a translator's .po or XLIFF 2.0 file back")
        into.add_argument("file")

    def handle(self, *args: Any, verb: str, **options: Any) -> None:
        try:
            if verb == "export":
                self._export(**options)
            else:
                self._import(options["file"])
        except ExchangeError as exc:
            raise CommandError("refused, nothing written:\n  " + "\n  ".join(exc.problems)) \
                from exc

    def _export(self, *, fmt: str, language: str, content: str, out: str,
                **_: Any) -> None:
        data = export(content=content, language=language, fmt=fmt)  # type: ignore[arg-type]
        if out == "-":
            sys.stdout.buffer.write(data)
            return
        Path(out).write_bytes(data)
        self.stderr.write(f"wrote {content} in {language} to {out}")

    def _import(self, file: str) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        result = import_file(path.read_bytes(), name=path.name)
        if not result.written:
            self.stdout.write(f"{result.content} {result.language}: no change "
                              f"({result.unchanged} strings as they were); review state kept")
        else:
            state = ("was reviewed; now unreviewed until a fluent reviewer approves it"
                     if result.was_reviewed else "stays unreviewed until a fluent reviewer "
                     "approves it")
            count = len(result.changed)
            plural = "s" if count != 1 else ""
            self.stdout.write(f"{result.content} {result.language}: {count} string{plural} "
                              f"changed ({', '.join(result.changed)}), "
                              f"{result.unchanged} unchanged; wrote {result.path}; {state}")
        if result.skipped:
            self.stdout.write(f"not taken (marked fuzzy): {', '.join(result.skipped)}")
