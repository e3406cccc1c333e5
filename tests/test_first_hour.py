"""What new users tripped on in their first hour: names, languages, reports, the progress bar,
dates, help and completion."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from conftest import manifest, page_texts, write_yaml

CLI = [sys.executable, "-c", "from workbook.cli import run; run()"]


def test_print_and_fillable_editions_get_their_own_default_names(
    cli: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"]))
    assert cli("build", path).exit_code == 0
    assert cli("build", path, "--fillable").exit_code == 0
    names = sorted(p.name for p in (tmp_path / "output").iterdir())
    assert names == ["opening-the-door-sam-rivera-fillable.pdf", "opening-the-door-sam-rivera.pdf"]
    assert not PdfReader(tmp_path / "output" / names[1]).get_fields()
    assert PdfReader(tmp_path / "output" / names[0]).get_fields()


def test_a_title_per_language_for_a_mixed_roster(cli: Any, tmp_path: Path) -> None:
    title = {"en": "Opening the door", "es": "Abriendo la puerta"}
    base = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"], title=title))
    roster = tmp_path / "r.csv"
    roster.write_text("recipient.name,language\nAda,en\nBea,es\n")
    out = tmp_path / "o"
    result = cli("batch", roster, "-m", base, "-o", out, "-j", "1")
    assert result.exit_code == 0 and "warning" not in result.stderr
    spanish = PdfReader(out / "abriendo-la-puerta-bea-2.pdf")
    assert "Abriendo la puerta" in page_texts(spanish)[0]
    assert spanish.metadata.title == "Abriendo la puerta"
    assert "Opening the door" in page_texts(PdfReader(out / "opening-the-door-ada-1.pdf"))[0]


def test_a_single_language_title_under_another_language_is_a_warning(
    cli: Any, tmp_path: Path
) -> None:
    base = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"]))
    roster = tmp_path / "r.csv"
    roster.write_text("recipient.name,language\nAda,en\nBea,es\n")
    report = tmp_path / "report.json"
    result = cli("batch", roster, "-m", base, "-o", tmp_path / "o", "-j", "1", "--report", report)
    message = ("warning: the title is written for en but this workbook is in es: "
               "give title: {en: ..., es: ...}")  # fmt: skip
    assert f"row 2: {roster}:3:2: {message}" in result.stderr
    data = json.loads(report.read_text())
    assert data["rows"][0]["warnings"] == []
    assert data["rows"][1]["warnings"] == [f"{roster}:3:2: {message}"]
    assert data["warnings"] == 1
    assert "Bea" not in json.dumps(data["rows"][1]["warnings"])  # no personal data in warnings


def test_the_files_creation_date_is_the_workbooks(make_pdf: Any) -> None:
    reader, result = make_pdf(manifest(worksheets=["i-statements"], date="2026-11-22"))
    assert str(reader.metadata["/CreationDate"]).startswith("D:20261122")
    done = subprocess.run(["pdfinfo", result.path], capture_output=True, text=True)
    assert "CreationDate:    Sun Nov 22 00:00:00 2026 UTC" in done.stdout


def test_help_is_plain_with_examples_and_completion_works() -> None:
    help_text = subprocess.run([*CLI, "build", "--help"], capture_output=True, text=True,
                               env={**os.environ, "COLUMNS": "100"}).stdout  # fmt: skip
    assert "<bool>" not in help_text and "<str>" not in help_text
    assert "partner, parent, friend, sibling, child or other." in help_text
    assert "Examples:\n    workbook build examples/partner.yaml" in help_text
    for command in (
        "list",
        "show",
        "validate",
        "build",
        "batch",
        "preview",
        "schema",
        "new",
        "init",
    ):
        text = subprocess.run([*CLI, command, "--help"], capture_output=True, text=True).stdout
        assert "Example" in text, command
    completion = subprocess.run([*CLI, "--show-completion", "bash"], capture_output=True, text=True)
    assert completion.returncode == 0 and "complete" in completion.stdout


def test_the_progress_bar_counts_to_the_total_and_errors_print_above_it(tmp_path: Path) -> None:
    """On a terminal: done/total once every row is read, and error lines whole."""
    base = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"]))
    roster = tmp_path / "r.csv"
    roster.write_text("recipient.name,loved_one.relationship\nAda,partner\nBo,cousin\nCy,friend\n")
    controller, terminal = pty.openpty()
    command = [*CLI, "batch", str(roster), "-m", str(base), "-o", str(tmp_path / "o"), "-j", "1"]
    env = {**os.environ, "COLUMNS": "200", "TERM": "xterm"}
    process = subprocess.Popen(command, stdin=terminal, stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    screen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
        elif process.poll() is not None:
            break
    process.wait(timeout=30)
    os.close(controller)
    text = screen.decode(errors="replace")
    assert "/3" in text and "0/?" not in text
    assert f"{roster}:3:2: error: row 2, column 'loved_one.relationship'" in text.replace(
        "\r\n", "\n"
    ).replace("\n", "")
    assert "built 2 workbook(s), 1 failed" in text


def test_validate_checks_a_roster_row_by_row_against_its_manifest(cli: Any, tmp_path: Path) -> None:
    base = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"]))
    roster = tmp_path / "r.csv"
    roster.write_text("recipient.name,loved_one.relationship,worksheets,region,output\n"
                      "A,cousin,,,\nB,partner,nope,,\nC,partner,,zz,\nD,,,,same\nE,,,,same\n")  # fmt: skip
    alone = cli("validate", roster)
    assert (
        alone.exit_code == 1
        and "this is a roster: check it against its base manifest" in alone.stderr
    )
    result = cli("validate", roster, "-m", base, "--json")
    found = {
        (d["line"], d["column"], d["severity"], d["message"].split(":")[0])
        for d in json.loads(result.stdout)
    }
    assert found == {
        (2, 2, "error", "row 1, column 'loved_one.relationship'"),
        (3, 3, "error", "unknown worksheet 'nope'; run 'workbook list' to see them all"),
        (
            4,
            4,
            "warning",
            "no crisis list for ZZ; the crisis page is generic (the local emergency number and space to write a line)",
        ),
        (6, 5, "error", "row 5"),
    }
    assert result.exit_code == 1
    assert not (tmp_path / "output").exists()  # nothing built
    assert cli("validate", "examples/roster.csv", "-m", "examples/partner.yaml").exit_code == 0


def test_help_list_and_validate_do_not_load_reportlab() -> None:
    """They start quickly: the PDF machinery is imported only by commands that make PDFs."""
    code = ("import sys\nfrom workbook.cli import app\ntry:\n    app(sys.argv[1:])\n"
            "except SystemExit:\n    pass\nprint('reportlab' in sys.modules, file=sys.stderr)")  # fmt: skip
    for args in (["--help"], ["list"], ["validate"]):  # (a manifest's URL needs the QR encoder)
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
        assert done.stderr.strip().endswith("False"), (args, done.stderr[-300:])


def test_a_per_language_title_with_another_key_is_named(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", manifest(title={"en": "A", "fr": "B"}))
    result = cli("validate", path)
    assert result.exit_code == 1
    assert (
        f"{path}:2:1: error: one title per language takes the keys en and es, not 'fr'"
        in result.stderr
    )


def test_reports_that_cannot_be_merged_are_named(cli: Any, tmp_path: Path) -> None:
    def report(name: str, **head: Any) -> Path:
        path = tmp_path / name
        path.write_text(json.dumps({"generator": "workbook", **head, "rows": []}))
        return path

    into = tmp_path / "all.json"
    two, three = report("a.json", shard="1/2"), report("b.json", shard="1/3")
    result = cli("batch", "--merge-reports", two, three, "--report", into)
    assert (
        result.exit_code == 1
        and "the reports are shards of different splits (1/2, 1/3)" in result.stderr
    )
    plain = report("c.json")
    result = cli("batch", "--merge-reports", two, plain, "--report", into)
    assert "some reports say which shard they are and some do not" in result.stderr
    roster = tmp_path / "roster.json"
    roster.write_text('[{"recipient.name": "Ada"}]')
    result = cli("batch", "--merge-reports", roster, "--report", into)
    assert (
        result.exit_code == 1
        and f"{roster}: error: not a batch report: it has no list of rows" in result.stderr
    )
    result = cli("batch", "--merge-reports", tmp_path / "nope.json", "--report", into)
    assert f"{tmp_path / 'nope.json'}: error: file not found" in result.stderr
    assert not into.exists()
