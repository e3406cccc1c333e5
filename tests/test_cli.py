"""The command line: output, exit codes 0/1/2, and never a traceback for bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from conftest import CORE, manifest, worksheet, write_yaml


def test_list_shows_the_library(cli: Any) -> None:
    result = cli("list")
    assert result.exit_code == 0
    for sheet_id in CORE:
        assert sheet_id in result.output


def test_list_json_has_the_promised_fields(cli: Any) -> None:
    result = cli("list", "--json")
    rows = json.loads(result.output)
    assert {r["id"] for r in rows} >= set(CORE)
    for row in rows:
        assert {"id", "title", "audience", "minutes", "summary", "language"} <= set(row)


def test_list_unsupported_language(cli: Any) -> None:
    result = cli("list", "--lang", "xx")
    assert result.exit_code == 1
    assert "unsupported language 'xx'; supported: en, es" in result.stderr


def test_show_prints_summary_and_blocks(cli: Any) -> None:
    result = cli("show", "i-statements")
    assert result.exit_code == 0
    assert "Saying it with \u201cI\u201d" in result.output and "fill_in" in result.output
    missing = cli("show", "i-statement")
    assert missing.exit_code == 1
    assert "unknown worksheet 'i-statement' (did you mean 'i-statements'?)" in missing.stderr


def test_validate_the_library_passes(cli: Any) -> None:
    result = cli("validate")
    assert result.exit_code == 0, result.stderr
    assert "0 error(s)" in result.stderr


def test_validate_reports_json_diagnostics_and_exit_1(cli: Any, tmp_path: Path) -> None:
    bad = write_yaml(tmp_path / "mine.yaml", worksheet(blocks=[{"type": "paragraph", "txt": "x"}]))
    good = write_yaml(tmp_path / "m.yaml", manifest())
    result = cli("validate", "--json", bad, good)
    assert result.exit_code == 1
    diagnostics = json.loads(result.output)
    assert {d["severity"] for d in diagnostics} == {"error"}
    assert all(set(d) == {"file", "line", "column", "severity", "message"} for d in diagnostics)
    assert diagnostics[0]["file"].endswith("mine.yaml") and diagnostics[0]["line"] == 9


def test_validate_checks_theme_contrast(cli: Any, tmp_path: Path) -> None:
    theme = write_yaml(tmp_path / "pale.yaml", {"colours": {"text": "#BBBBBB"}})
    result = cli("validate", theme)
    assert result.exit_code == 1
    assert "pale.yaml:2:3: error: colour 'text' on 'background' has contrast" in result.stderr
    assert "WCAG AA needs 4.5:1" in result.stderr


def test_a_build_warns_of_a_theme_too_pale_to_read(cli: Any, tmp_path: Path) -> None:
    """Text under WCAG AA contrast still builds (the SPEC has `validate` refuse the theme),
    with a warning at the colour in the theme file; `validate --strict` of the manifest fails."""
    write_yaml(tmp_path / "pale.yaml", {"extends": "default", "colours": {"muted": "#CCCCCC"}})
    path = write_yaml(tmp_path / "m.yaml", manifest(theme="pale.yaml", worksheets=["i-statements"]))
    built = cli("build", path, "-o", tmp_path / "out.pdf")
    assert built.exit_code == 0 and (tmp_path / "out.pdf").is_file()
    assert "pale.yaml:3:3: warning: theme: colour 'muted' on 'background'" in built.stderr
    assert "make one darker or lighter" in built.stderr
    assert cli("validate", path).exit_code == 0
    assert cli("validate", "--strict", path).exit_code == 1
    # only the background changed: the message is at that line, never in the built-in theme
    write_yaml(tmp_path / "dark.yaml", {"extends": "default", "colours": {"background": "#555555"}})
    checked = cli("validate", tmp_path / "dark.yaml")
    assert checked.exit_code == 1
    assert checked.stderr.count("dark.yaml:3:3: error: colour ") == 4, checked.stderr
    assert "default.yaml" not in checked.stderr  # no line of the packaged theme
    for name in ("default", "large-print", "ink-saver"):  # the built-in themes are clear
        fine = write_yaml(
            tmp_path / f"{name}.yaml", manifest(theme=name, worksheets=["i-statements"])
        )
        assert "WCAG" not in cli("build", fine, "-o", tmp_path / f"{name}.pdf").stderr


def test_validate_strict_fails_on_warnings(cli: Any, tmp_path: Path) -> None:
    write_yaml(tmp_path / "mine" / "mine.yaml", worksheet(facilitator_notes="N"))
    data = manifest(language="es", worksheets=["mine"], worksheets_dirs=["mine"])
    path = write_yaml(tmp_path / "m.yaml", data)
    assert cli("validate", path).exit_code == 0
    strict = cli("validate", "--strict", path)
    assert strict.exit_code == 1
    assert "warning: worksheet 'mine' has no 'es' version" in strict.stderr


def test_build_from_a_manifest(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"]))
    out = tmp_path / "out.pdf"
    result = cli("build", path, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert f"wrote {out}" in result.output
    assert len(PdfReader(out).pages) >= 5


def test_build_from_options_only_uses_default_output(
    cli: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli(
        "build",
        "-w",
        "i-statements",
        "-w",
        "objection-handling",
        "--name",
        "Ana López",
        "--loved-one",
        "Marta",
        "--relationship",
        "parent",
        "--page-size",
        "a4",
        "--title",
        "Para Marta",
        "--set",
        "variables.note=hi",
    )
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "output" / "para-marta-ana-lopez.pdf"
    reader = PdfReader(out)
    assert "Prepared for Ana López" in reader.pages[0].extract_text()
    assert round(float(reader.pages[0].mediabox.width)) == 595


def test_options_override_the_manifest(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"]))
    out = tmp_path / "o.pdf"
    result = cli("build", path, "-o", out, "--name", "Kim", "--set", "loved_one.name=Jo")
    assert result.exit_code == 0, result.stderr
    text = " ".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Prepared for Kim" in text and "Jo" in text


def test_bad_input_exits_1_without_traceback(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", "worksheets: [nope]\n")
    result = cli("build", path, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 1
    assert "Traceback" not in result.output + result.stderr
    assert f"{path}:1:14: error: unknown worksheet 'nope'" in result.stderr
    assert not (tmp_path / "x.pdf").exists()
    assert list(tmp_path.iterdir()) == [path]  # no temporary files left behind


def test_bad_options(cli: Any, tmp_path: Path) -> None:
    result = cli(
        "build", "-w", "i-statements", "--relationship", "cousin", "-o", tmp_path / "x.pdf"
    )
    assert result.exit_code == 1
    assert (
        "'relationship' must be 'partner', 'parent', 'friend', 'sibling', 'child' or 'other'"
        in result.stderr
    )
    assert cli("build", "-w", "i-statements", "--set", "nonsense").exit_code == 2
    typo = cli("build", "-w", "i-statements", "--set", "titel=x")
    assert (
        typo.exit_code == 1
        and "unknown manifest field 'titel' (did you mean 'title'?)" in typo.stderr
    )
    missing = cli("build", tmp_path / "missing.yaml")
    assert missing.exit_code == 1 and "missing.yaml: error: file not found" in missing.stderr


def test_usage_errors_exit_2(cli: Any) -> None:
    assert cli("build").exit_code == 2
    assert cli("frobnicate").exit_code == 2
    assert cli("build", "--no-such-option").exit_code == 2


def test_a_failed_build_keeps_the_old_file(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "keep.pdf"
    out.write_bytes(b"%PDF-1.4 previous")
    path = write_yaml(tmp_path / "m.yaml", "worksheets: [nope]\n")
    assert cli("build", path, "-o", out).exit_code == 1
    assert out.read_bytes() == b"%PDF-1.4 previous"


def test_debug_shows_the_traceback(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", "worksheets: [nope]\n")
    result = cli("--debug", "build", path)
    assert result.exit_code == 1 and result.exception is not None


def test_missing_logo_is_a_clear_error(cli: Any, tmp_path: Path) -> None:
    data = manifest(worksheets=["i-statements"], prepared_by={"name": "J", "logo": "logo.png"})
    path = write_yaml(tmp_path / "m.yaml", data)
    result = cli("build", path, "-o", tmp_path / "x.pdf")
    assert result.exit_code == 1
    line = path.read_text().splitlines().index("  logo: logo.png") + 1
    assert f"{path}:{line}:3: error: logo image not found: {tmp_path / 'logo.png'}" in result.stderr
    (tmp_path / "logo.png").write_text("not an image")
    broken = cli("build", path, "-o", tmp_path / "x.pdf")
    assert broken.exit_code == 1 and "cannot read the logo image" in broken.stderr
    assert "use a PNG or JPEG" in broken.stderr


def test_version(cli: Any) -> None:
    assert cli("--version").output.startswith("workbook ")


def test_logo_is_drawn_on_the_cover(cli: Any, tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (400, 100), "#336699").save(tmp_path / "logo.png")
    data = manifest(worksheets=["i-statements"], prepared_by={"practice": "P", "logo": "logo.png"})
    path = write_yaml(tmp_path / "m.yaml", data)
    assert cli("build", path, "-o", tmp_path / "x.pdf").exit_code == 0
    cover = PdfReader(tmp_path / "x.pdf").pages[0]
    [image] = cover.images
    assert image.image.size == (400, 100)


def test_output_problems_are_clean_errors_and_files_are_readable(cli: Any, tmp_path: Path) -> None:
    import os
    import stat

    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"]))
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    result = cli("build", path, "-o", blocker / "x.pdf")
    assert result.exit_code == 1 and "cannot write here" in result.stderr
    out = tmp_path / "ok.pdf"
    assert cli("build", path, "-o", out).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_huge_logo_is_refused(cli: Any, tmp_path: Path) -> None:
    from PIL import Image

    Image.new("1", (14000, 14000)).save(tmp_path / "logo.png")
    data = manifest(worksheets=["i-statements"], prepared_by={"practice": "P", "logo": "logo.png"})
    result = cli("build", write_yaml(tmp_path / "m.yaml", data), "-o", tmp_path / "x.pdf")
    assert result.exit_code == 1 and "has too many pixels" in result.stderr


def test_every_problem_in_a_manifest_is_reported_at_once(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", "worksheets: [nope, i-statements]\ntheme: t.yaml\n"
                                           "worksheets_dirs: [missing]\n")  # fmt: skip
    result = cli("validate", path)
    assert f"{path}:3:19: error: folder not found: missing" in result.stderr
    assert f"{path}:1:14: error: unknown worksheet 'nope'" in result.stderr
    assert "theme: file not found" in result.stderr


def test_option_errors_point_at_the_command_line(cli: Any, tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", manifest(worksheets=["i-statements"]))
    result = cli("build", path, "--page-size", "A5", "--lang", "xx", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 1
    assert "<command line>: error: 'page_size' must be 'letter' or 'a4', not 'A5'" in result.stderr
    assert "<command line>: error: unsupported language 'xx'" in result.stderr
