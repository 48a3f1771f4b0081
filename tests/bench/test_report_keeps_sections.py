"""A full matching-benchmark run rewrites its own part of docs/benchmarks.md and keeps the rest
(the PostgreSQL write paths, pages, graph and soak sections come from other benchmarks' runs)."""

from pathlib import Path

from bench.run import END_MARK, kept_sections


def test_sections_after_the_mark_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    out.write_text(f"# old report\n\n{END_MARK}\n\n## Write paths\n\nfigures\n", encoding="utf-8")
    assert kept_sections(out) == "\n## Write paths\n\nfigures\n"


def test_no_mark_or_no_file_keeps_nothing(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    assert kept_sections(out) == ""
    out.write_text("# a report from before the mark existed\n", encoding="utf-8")
    assert kept_sections(out) == ""


def test_the_repository_report_has_the_mark() -> None:
    report = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
    assert "## Write paths on PostgreSQL" in kept_sections(report)
