"""Batch: a workbook per roster row, bad rows reported and skipped, shards, same bytes."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from conftest import manifest, write_yaml

RELATIONSHIPS = ["partner", "parent", "friend", "sibling", "child", "other"]


def write_roster(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def people(count: int) -> list[dict[str, str]]:
    return [{"recipient.name": f"Person {i}", "loved_one.name": f"Kin {i}",
             "loved_one.relationship": RELATIONSHIPS[i % 6], "output": ""} for i in range(1, count + 1)]  # fmt: skip


def base(tmp_path: Path) -> Path:
    return write_yaml(
        tmp_path / "base.yaml", manifest(worksheets=["i-statements"], date="2026-11-22")
    )


def test_fifty_rows_with_two_bad_ones(cli: Any, tmp_path: Path) -> None:
    rows = people(50)
    rows[9]["loved_one.relationship"] = "cousin"  # data row 10
    rows[29]["language"] = "xx"  # data row 30
    roster = write_roster(
        tmp_path / "roster.csv", [{**r, "language": r.get("language", "")} for r in rows]
    )
    out, report = tmp_path / "out", tmp_path / "report.json"
    result = cli(
        "batch", roster, "-m", base(tmp_path), "-o", out, "--jobs", "2", "--report", report
    )
    assert result.exit_code == 1
    assert len(list(out.glob("*.pdf"))) == 48
    assert f"{roster}:11:3: error: row 10, column 'loved_one.relationship'" in result.stderr
    assert (
        f"{roster}:31:5: error: row 30, column 'language': unsupported language 'xx'"
        in result.stderr
    )
    data = json.loads(report.read_text())
    assert (data["ok"], data["failed"]) == (48, 2)
    assert [r["row"] for r in data["rows"]] == list(range(1, 51))
    assert {r["row"] for r in data["rows"] if r["status"] == "error"} == {10, 30}
    good = data["rows"][0]
    assert set(good) == {"row", "status", "output", "pages", "seconds", "error", "warnings"}
    assert good["pages"] == len(PdfReader(good["output"]).pages)
    assert "Person 1" in PdfReader(good["output"]).pages[0].extract_text()


def test_a_bad_row_takes_nothing_from_the_rows_after_it(cli: Any, tmp_path: Path) -> None:
    """A bad row neither claims its output name nor stops the batch, however it is bad."""
    csv_roster = write_roster(tmp_path / "r.csv", [
        {"recipient.name": "Ana", "page_size": "a5", "output": "same"},
        {"recipient.name": "Bea", "page_size": "letter", "output": "same"},
        {"recipient.name": "Cy", "page_size": "letter", "output": "other"},
    ])  # fmt: skip
    yaml_roster = write_yaml(tmp_path / "r.yaml", [
        {"recipient": {"name": "Ana"}, "output": "ana"},
        {"recipient": "Sam", "output": "sam"},
        {"recipient": {"name": "Bea"}, "output": "bea"},
    ])  # fmt: skip
    for roster, built, bad in (
        (csv_roster, {"same", "other"}, 1),
        (yaml_roster, {"ana", "bea"}, 2),
    ):
        out, report = tmp_path / roster.suffix[1:], tmp_path / f"{roster.suffix[1:]}.json"
        args = ("batch", roster, "-m", base(tmp_path), "-o", out, "-j", "2", "--report", report)
        result = cli(*args)
        assert result.exit_code == 1 and "internal error" not in result.stderr, result.stderr
        assert {p.stem for p in out.glob("*.pdf")} == built
        rows = json.loads(report.read_text())["rows"]
        assert [(r["row"], r["status"]) for r in rows] == [
            (n, "error" if n == bad else "ok") for n in (1, 2, 3)
        ]


def test_shards_are_disjoint_and_cover_the_roster_byte_for_byte(cli: Any, tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv", people(7))
    manifest_path = base(tmp_path)
    assert (
        cli("batch", roster, "-m", manifest_path, "-o", tmp_path / "all", "-j", "1").exit_code == 0
    )
    for shard in ("1/3", "2/3", "3/3"):
        result = cli(
            "batch",
            roster,
            "-m",
            manifest_path,
            "-o",
            tmp_path / "shards",
            "-j",
            "2",
            "--shard",
            shard,
        )
        assert result.exit_code == 0, result.stderr
    everything = {p.name: p.read_bytes() for p in (tmp_path / "all").glob("*.pdf")}
    sharded = {p.name: p.read_bytes() for p in (tmp_path / "shards").glob("*.pdf")}
    assert len(everything) == 7 and everything == sharded


def test_a_row_builds_the_same_bytes_alone(cli: Any, tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv", people(2))
    manifest_path = base(tmp_path)
    assert (
        cli("batch", roster, "-m", manifest_path, "-o", tmp_path / "out", "-j", "2").exit_code == 0
    )
    alone = tmp_path / "alone.pdf"
    result = cli("build", manifest_path, "-o", alone, "--name", "Person 2", "--loved-one", "Kin 2",
                 "--relationship", "friend")  # fmt: skip
    assert result.exit_code == 0
    [batched] = (tmp_path / "out").glob("*-2.pdf")
    assert batched.read_bytes() == alone.read_bytes()


def test_path_like_names_stay_inside_the_output_folder(cli: Any, tmp_path: Path) -> None:
    rows = people(3)
    rows[0]["output"] = "../../escaped.pdf"
    rows[1]["output"] = "/etc/passwd"
    rows[2]["recipient.name"] = "../../../x"
    roster = write_roster(tmp_path / "roster.csv", rows)
    out = tmp_path / "deep" / "out"
    assert cli("batch", roster, "-m", base(tmp_path), "-o", out, "-j", "1").exit_code == 0
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.pdf"))
    assert made == sorted(
        Path("deep/out") / n for n in ("escaped.pdf", "passwd.pdf", "opening-the-door-x-3.pdf")
    )


def test_yaml_and_json_rosters_with_nested_and_dotted_keys(cli: Any, tmp_path: Path) -> None:
    rows = [{"recipient": {"name": "Nested"}, "loved_one.relationship": "parent"},
            {"recipient.name": "Dotted", "worksheets": ["i-statements", "objection-handling"]}]  # fmt: skip
    for suffix, text in ((".yaml", None), (".json", json.dumps(rows))):
        roster = write_yaml(tmp_path / f"roster{suffix}", text or rows)
        out = tmp_path / suffix[1:]
        result = cli(
            "batch",
            roster,
            "-m",
            base(tmp_path),
            "-o",
            out,
            "-j",
            "1",
            "--name-template",
            "{recipient.name}-{row}",
        )
        assert result.exit_code == 0, result.stderr
        assert sorted(p.name for p in out.glob("*.pdf")) == ["dotted-2.pdf", "nested-1.pdf"]
        assert len(PdfReader(out / "dotted-2.pdf").outline) > len(
            PdfReader(out / "nested-1.pdf").outline
        )


def test_bad_roster_files(cli: Any, tmp_path: Path) -> None:
    missing = cli("batch", tmp_path / "nope.csv", "-m", base(tmp_path))
    assert missing.exit_code == 1 and "roster not found" in missing.stderr
    listless = write_yaml(tmp_path / "r.yaml", {"recipient.name": "x"})
    result = cli("batch", listless, "-m", base(tmp_path))
    assert result.exit_code == 1 and "a list of objects" in result.stderr
    unknown = write_roster(tmp_path / "r.csv", [{"recipent.name": "x"}])
    result = cli("batch", unknown, "-m", base(tmp_path), "-o", tmp_path / "o")
    assert result.exit_code == 1
    assert (
        f"{unknown}:2:1: error: row 1: unknown manifest field 'recipent.name' (did you mean 'recipient'?)"
        in result.stderr
    )
    assert cli("batch", unknown, "-m", base(tmp_path), "--shard", "4/3").exit_code == 1


def test_fail_fast_stops_at_the_first_error(cli: Any, tmp_path: Path) -> None:
    rows = people(4)
    rows[0]["loved_one.relationship"] = "cousin"
    roster = write_roster(tmp_path / "roster.csv", rows)
    result = cli("batch", roster, "-m", base(tmp_path), "-o", tmp_path / "o", "--fail-fast")
    assert result.exit_code == 1
    assert not list((tmp_path / "o").glob("*.pdf"))


def test_interrupted_batch_leaves_no_partial_pdf(tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv", people(400))  # more than it can finish
    out = tmp_path / "out"
    command = [sys.executable, "-c", "from workbook.cli import run; run()", "batch", str(roster),
               "-m", str(base(tmp_path)), "-o", str(out), "-j", "2"]  # fmt: skip
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(list(out.glob("*.pdf"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    pdfs = list(out.glob("*.pdf"))
    assert 3 <= len(pdfs) < 400
    assert not [p for p in out.iterdir() if p.suffix != ".pdf"]  # no temporary files
    for pdf in pdfs:
        assert len(PdfReader(pdf).pages) > 3
    assert os.listdir(out)


def test_unreadable_rosters_are_clean_errors(cli: Any, tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("recipient.name\nJos\xe9\n".encode("latin-1"))
    result = cli("batch", latin, "-m", base(tmp_path), "-o", tmp_path / "o")
    assert (
        result.exit_code == 1
        and "not UTF-8 text" in result.stderr
        and "Traceback" not in result.stderr
    )


def test_layout_caches_keep_only_what_rows_share(cli: Any, tmp_path: Path) -> None:
    """Names make some paragraphs new in every row; the caches must not grow with the rows
    (memory flat from 10 to 1,000 rows), while the text rows share stays cached. Checked from
    inside: the bound is the point, and a test of seconds sees it only in the caches' sizes
    (every layout cache is a RecentCache, wherever it lives, and registers itself)."""
    from workbook.pdf.layout import recent

    def sizes() -> list[int]:
        return [len(cache) for cache in recent._caches]

    roster = write_roster(tmp_path / "roster.csv", people(40))
    first = write_roster(tmp_path / "first.csv", people(10))
    assert cli("batch", first, "-m", base(tmp_path), "-o", tmp_path / "a", "-j", "1").exit_code == 0
    after_ten = sizes()
    assert (
        cli("batch", roster, "-m", base(tmp_path), "-o", tmp_path / "b", "-j", "1").exit_code == 0
    )
    assert sum(after_ten) > 0 and all(
        (0 < n <= ten) if ten else n == 0 for n, ten in zip(sizes(), after_ten, strict=True)
    ), (sizes(), after_ten)


def ok_outputs(report: dict[str, Any]) -> set[str]:
    return {Path(r["output"]).name for r in report["rows"] if r["status"] == "ok"}


def assert_report_matches_disk(report: dict[str, Any], out: Path) -> None:
    assert ok_outputs(report) == {p.name for p in out.glob("*.pdf")}
    assert not [p.name for p in out.iterdir() if p.suffix != ".pdf"]  # no temporaries
    assert (report["ok"], report["failed"]) == (
        len(ok_outputs(report)), sum(r["status"] == "error" for r in report["rows"]))  # fmt: skip


def test_rows_the_roster_cannot_give_are_skipped_and_reported(cli: Any, tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("recipient.name,loved_one.name\nAda,Bo\nCy,Di,extra\nEd,Fi\n")
    out, report = tmp_path / "o", tmp_path / "report.json"
    result = cli("batch", roster, "-m", base(tmp_path), "-o", out, "--report", report)
    assert result.exit_code == 1
    assert f"{roster}:3:3: error: row 2 has more cells than the header has columns" in result.stderr
    data = json.loads(report.read_text())
    assert [(r["row"], r["status"]) for r in data["rows"]] == [(1, "ok"), (2, "error"), (3, "ok")]
    assert_report_matches_disk(data, out)
    listed = write_yaml(tmp_path / "r.yaml", [{"recipient": {"name": "Ada"}}, "Bo", 3])
    result = cli("batch", listed, "-m", base(tmp_path), "-o", tmp_path / "p")
    assert result.exit_code == 1 and "built 1 workbook(s), 2 failed" in result.stderr
    assert f"{listed}:3:3: error: row 2 is not an object of fields" in result.stderr


def test_a_column_named_twice_is_an_error(cli: Any, tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("recipient.name,language,recipient.name\nAda,en,Bo\n")
    result = cli("batch", roster, "-m", base(tmp_path), "-o", tmp_path / "o")
    assert result.exit_code == 1
    assert (f"{roster}:1:3: error: column 'recipient.name' appears twice (columns 1 and 3); "
            "keep one") in result.stderr  # fmt: skip
    assert not list((tmp_path / "o").glob("*.pdf"))


def test_batch_encrypts_every_pdf(cli: Any, tmp_path: Path, monkeypatch: Any) -> None:
    roster = write_roster(tmp_path / "r.csv", people(2))
    monkeypatch.setenv("WORKBOOK_PASSWORD", "s3cret")
    assert (
        cli("batch", roster, "-m", base(tmp_path), "-o", tmp_path / "o", "-j", "1").exit_code == 0
    )
    for pdf in (tmp_path / "o").glob("*.pdf"):
        reader = PdfReader(pdf)
        assert reader.is_encrypted and reader.decrypt("s3cret")
    monkeypatch.delenv("WORKBOOK_PASSWORD")
    result = cli("batch", roster, "-m", base(tmp_path), "-o", tmp_path / "p", "--password", "")
    assert result.exit_code == 1 and "the password is empty" in result.stderr


def test_roster_paths_stay_in_the_manifest_folder(cli: Any, tmp_path: Path) -> None:
    from PIL import Image

    outside = tmp_path / "other-client"
    outside.mkdir()
    Image.new("RGB", (40, 20), "red").save(outside / "logo.png")
    write_yaml(outside / "theme.yaml", {"extends": "default"})
    project = tmp_path / "clinic"
    project.mkdir()
    Image.new("RGB", (40, 20), "blue").save(project / "logo.png")
    manifest_path = write_yaml(project / "base.yaml", manifest(worksheets=["i-statements"]))
    rows = [{"prepared_by.logo": "logo.png", "theme": "default", "worksheets_dirs": ""},
            {"prepared_by.logo": str(outside / "logo.png"), "theme": "", "worksheets_dirs": ""},
            {"prepared_by.logo": "", "theme": "../other-client/theme.yaml", "worksheets_dirs": ""},
            {"prepared_by.logo": "", "theme": "", "worksheets_dirs": "../other-client"}]  # fmt: skip
    roster = write_roster(tmp_path / "r.csv", rows)
    result = cli("batch", roster, "-m", manifest_path, "-o", tmp_path / "o", "-j", "1")
    assert result.exit_code == 1 and "built 1 workbook(s), 3 failed" in result.stderr
    folder = project.resolve()
    assert (f"{roster}:3:1: error: row 2: 'prepared_by.logo' names '{outside / 'logo.png'}', "
            f"outside the manifest's folder {folder}") in result.stderr  # fmt: skip
    assert (
        f"{roster}:4:2: error: row 3: 'theme' names '../other-client/theme.yaml'" in result.stderr
    )
    assert f"{roster}:5:3: error: row 4: 'worksheets_dirs' names '../other-client'" in result.stderr


def test_a_rows_unknown_worksheet_points_at_its_cell(cli: Any, tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("recipient.name,worksheets\nAda,i-statements\nBo,no-such-sheet\n")
    result = cli("batch", roster, "-m", base(tmp_path), "-o", tmp_path / "o", "-j", "1")
    assert result.exit_code == 1
    assert f"row 2: {roster}:3:2: error: unknown worksheet 'no-such-sheet'" in result.stderr


def test_an_old_report_never_looks_current(cli: Any, tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "r.csv", people(2))
    report = tmp_path / "report.json"
    assert (
        cli(
            "batch", roster, "-m", base(tmp_path), "-o", tmp_path / "o", "--report", report
        ).exit_code
        == 0
    )
    first = json.loads(report.read_text())
    assert first["generator"].startswith("workbook ") and first["complete"] is True
    bad_roster = tmp_path / "bad.csv"
    bad_roster.write_bytes(b"recipient.name\nAda\nJos\xe9\n")  # breaks on row 2
    result = cli(
        "batch", bad_roster, "-m", base(tmp_path), "-o", tmp_path / "o", "--report", report
    )
    assert result.exit_code == 1
    second = json.loads(report.read_text())
    assert second["complete"] is False and "not UTF-8" in second["error"]
    assert second["rows"] == []  # the whole roster is checked before any row is built


def test_a_worker_that_dies_costs_only_its_row(tmp_path: Path, monkeypatch: Any) -> None:
    """As under the OOM killer: the rows it took down are built again; the row that kills its
    worker every time is reported, and the report matches the disk."""
    import workbook.batch as batch_module
    from workbook.report import finish_report, start_report

    build_row = batch_module._build_row

    def killer(batch: Any, plan: Any) -> Any:
        if plan.row.number == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        return build_row(batch, plan)

    monkeypatch.setattr(batch_module, "_build_row", killer)  # the workers are forked with it
    out, report = tmp_path / "out", tmp_path / "report.json"
    roster = write_roster(tmp_path / "r.csv", people(12))
    journal, target = start_report(report, out, [], False)
    batch = batch_module.Batch.load(base(tmp_path), out, journal=journal)
    results = list(batch_module.run_batch(batch, lambda: batch_module.read_roster(roster), 2))
    assert sorted(r.row for r in results) == list(range(1, 13))
    [dead] = [r for r in results if r.status == "error"]
    assert dead.row == 5 and "stopped without finishing" in (dead.error or "")
    finish_report(journal, target, complete=True, interrupted=False, error=None)
    data = json.loads(report.read_text())
    assert [r["row"] for r in data["rows"]] == list(range(1, 13))
    assert_report_matches_disk(data, out)


def batch_process(tmp_path: Path, rows: int) -> tuple[subprocess.Popen[str], Path, Path]:
    roster = write_roster(tmp_path / "roster.csv", people(rows))
    out, report = tmp_path / "out", tmp_path / "report.json"
    command = [sys.executable, "-c", "from workbook.cli import run; run()", "batch", str(roster),
               "-m", str(base(tmp_path)), "-o", str(out), "-j", "2", "--report", str(report)]  # fmt: skip
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    return process, out, report


def processes_of(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "cmdline").read_bytes().decode(
                errors="replace"
            ):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def wait_for(condition: Any) -> None:
    deadline = time.monotonic() + 60
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def wait_for_pdfs(out: Path, count: int) -> None:
    wait_for(lambda: len(list(out.glob("*.pdf"))) >= count)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    signal_number=st.sampled_from([signal.SIGINT, signal.SIGTERM, signal.SIGKILL]),
    after=st.integers(min_value=0, max_value=6),
    delay=st.floats(min_value=0, max_value=0.3),
)
def test_a_stopped_batch_reports_exactly_what_is_on_disk(
    tmp_path_factory: Any, signal_number: int, after: int, delay: float
) -> None:
    """Whenever the signal lands (before the first PDF or after a few): the report, or for
    SIGKILL the journal it names, lists exactly the PDFs on disk; no worker and no
    temporary is left."""
    tmp_path = tmp_path_factory.mktemp("batch")
    process, out, report = batch_process(tmp_path, 300)
    wait_for(lambda: report.exists())  # the batch has begun (a signal in Python's own start-up
    wait_for_pdfs(out, after)  # is Python's to report)
    time.sleep(delay)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr
    assert not processes_of(str(tmp_path / "roster.csv"))  # the workers are gone too
    data = json.loads(report.read_text())
    assert data["complete"] is False
    if signal_number == signal.SIGKILL:
        journal = Path(data["journal"])
        data["rows"] = [json.loads(line) for line in journal.read_text().splitlines()]
        journal.unlink()
        data["ok"], data["failed"] = len(data["rows"]), 0
    else:
        assert process.returncode == 130 and data["interrupted"] is True
        assert f"built {data['ok']} workbook(s), 0 failed (interrupted)" in stderr
    assert data["ok"] >= after and data["ok"] < 300
    assert_report_matches_disk(data, out)


def test_a_killed_batch_takes_its_workers_and_leaves_a_true_journal(tmp_path: Path) -> None:
    process, out, report = batch_process(tmp_path, 300)
    wait_for_pdfs(out, 3)
    process.kill()
    process.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while processes_of(str(tmp_path / "roster.csv")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not processes_of(str(tmp_path / "roster.csv"))
    data = json.loads(report.read_text())
    assert data["complete"] is False and data["rows"] == []
    journal = Path(data["journal"])
    rows = [json.loads(line) for line in journal.read_text().splitlines()]
    assert {Path(r["output"]).name for r in rows if r["status"] == "ok"} == {
        p.name for p in out.glob("*.pdf")
    }
    assert not [p for p in out.iterdir() if p.suffix == ".tmp"]


def test_an_output_folder_that_is_a_file(cli: Any, tmp_path: Path) -> None:
    roster = write_roster(tmp_path / "r.csv", people(1))
    (tmp_path / "afile").write_text("x")
    result = cli("batch", roster, "-m", base(tmp_path), "-o", tmp_path / "afile")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"{tmp_path / 'afile'}: error: is a file, not a folder; give a folder for the output\n"
    )


@pytest.mark.parametrize(
    ("environ", "shard", "expected"),
    [
        ({"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3"}, "auto", (2, 3)),  # GitLab: from 1
        ({"BUILDKITE_PARALLEL_JOB": "0", "BUILDKITE_PARALLEL_JOB_COUNT": "4"}, "auto", (1, 4)),
        ({"JOB_COMPLETION_INDEX": "4"}, "auto/5", (5, 5)),  # Kubernetes: from 0, total given
        ({"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "2"}, "auto/2", (1, 2)),
    ],
)
def test_shard_auto_reads_the_batch_engine(
    environ: dict[str, str], shard: str, expected: tuple[int, int]
) -> None:
    from workbook.roster import parse_shard

    assert parse_shard(shard, environ) == expected


def test_shard_auto_without_an_engine_says_what_it_looked_for() -> None:
    from workbook.errors import WorkbookError
    from workbook.roster import parse_shard

    with pytest.raises(WorkbookError) as caught:
        parse_shard("auto", {})
    assert "CI_NODE_INDEX and CI_NODE_TOTAL (GitLab CI parallel jobs)" in str(caught.value)
    assert "JOB_COMPLETION_INDEX (a Kubernetes indexed Job, with --shard auto/N)" in str(
        caught.value
    )
    for environ, text in (({"JOB_COMPLETION_INDEX": "1"}, "auto"),
                          ({"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "3"}, "auto/2"),
                          ({"CI_NODE_INDEX": "x", "CI_NODE_TOTAL": "3"}, "auto")):  # fmt: skip
        with pytest.raises(WorkbookError, match="do not make a shard"):
            parse_shard(text, environ)


def test_shards_reports_merge_into_one(cli: Any, tmp_path: Path, monkeypatch: Any) -> None:
    rows = people(7)
    rows[3]["loved_one.relationship"] = "cousin"  # row 4 fails
    roster = write_roster(tmp_path / "roster.csv", rows)
    reports = []
    for index in (1, 2, 3):
        monkeypatch.setenv("CI_NODE_INDEX", str(index))
        monkeypatch.setenv("CI_NODE_TOTAL", "3")
        report = tmp_path / f"report-{index}.json"
        cli("batch", roster, "-m", base(tmp_path), "-o", tmp_path / "o", "--shard", "auto",
            "--report", report, "-j", "1")  # fmt: skip
        assert json.loads(report.read_text())["shard"] == f"{index}/3"
        reports.append(report)
    merged = tmp_path / "all.json"
    result = cli("batch", "--merge-reports", *reports, "--report", merged)
    assert result.exit_code == 1 and "joined 3 report(s): 6 built, 1 failed" in result.stderr
    data = json.loads(merged.read_text())
    assert [r["row"] for r in data["rows"]] == list(range(1, 8))
    assert (data["ok"], data["failed"], data["complete"]) == (6, 1, True)
    assert_report_matches_disk(data, tmp_path / "o")
    missing = cli("batch", "--merge-reports", reports[0], reports[2], "--report", merged)
    assert missing.exit_code == 1 and "shard 2 of 3 is missing from the reports" in missing.stderr
    twice = cli("batch", "--merge-reports", reports[0], reports[0], "--report", tmp_path / "x.json")
    assert twice.exit_code == 1 and f"row 1 is also in {reports[0]}" in twice.stderr
    assert cli("batch", "--merge-reports", *reports).exit_code == 2  # no --report
    assert cli("batch", roster).exit_code == 2  # no manifest
