"""Personalisation: templates, `when:`, escaping of personal data, template errors, fonts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import flat, manifest, page_texts, worksheet, write_yaml
from workbook.errors import WorkbookError
from workbook.markup import to_markup
from workbook.project import BuildOptions, load_project


def own(tmp_path: Path, blocks: list[Any], **fields: Any) -> dict[str, Any]:
    """A manifest using one worksheet of our own, in tmp_path/mine/."""
    write_yaml(tmp_path / "mine" / "mine.yaml", worksheet(blocks=blocks))
    return manifest(worksheets=["mine"], worksheets_dirs=["mine"], **fields)


def test_markup_is_escaped_and_inline_styles_work(tmp_path: Path, make_pdf: Any) -> None:
    blocks = [{"type": "paragraph", "text": "Dear {{ recipient.name }}, **bold** and *it*."}]
    data = own(
        tmp_path,
        blocks,
        recipient={"name": "Tom & Jerry <3"},
        loved_one={"name": "<font size=40>X</font> *star*", "relationship": "friend"},
        title="A <b>title</b> & more",
    )
    data["worksheets"][0] = "mine"
    write_yaml(
        tmp_path / "mine" / "mine.yaml",
        worksheet(blocks=[*blocks, {"type": "paragraph", "text": "About {{ loved_one.name }}."}]),
    )
    reader, _ = make_pdf(data)
    text = flat("".join(page_texts(reader)))
    assert "Dear Tom & Jerry <3, bold and it." in text
    assert "About <font size=40>X</font> *star*." in text
    assert "Prepared for Tom & Jerry <3" in text
    assert "A <b>title</b> & more" in text


def test_markup_conversion_handles_unmatched_markers(tmp_path: Path) -> None:
    from workbook.fonts import font_set
    from workbook.theme import load_theme

    fonts = font_set(load_theme("default").fonts, [])
    assert to_markup("a * b", fonts) == "a * b"
    assert to_markup("**x** *y* \\*z\\*", fonts) == "<b>x</b> <i>y</i> *z*"
    assert to_markup("<&>", fonts) == "&lt;&amp;&gt;"


@pytest.mark.parametrize(
    ("relationship", "present", "absent"),
    [
        ("partner", "Talking with a partner", "Talking with a parent"),
        ("parent", "Talking with a parent", "Talking with a partner"),
    ],
)
def test_when_branches_for_partner_and_parent(
    make_pdf: Any, relationship: str, present: str, absent: str
) -> None:
    data = manifest(
        worksheets=["objection-handling"], loved_one={"name": "Alex", "relationship": relationship}
    )
    text = flat("".join(page_texts(make_pdf(data)[0])))
    assert present in text and absent not in text


def test_loved_one_defaults_read_naturally(make_pdf: Any) -> None:
    data = manifest(worksheets=["objection-handling"])
    del data["loved_one"]
    text = flat("".join(page_texts(make_pdf(data)[0])))
    assert "your loved one" in text and "None" not in text


def test_variables_are_available(tmp_path: Path, make_pdf: Any) -> None:
    blocks = [{"type": "paragraph", "text": "Call {{ variables.clinic }} or {{ clinic }}."}]
    reader, _ = make_pdf(own(tmp_path, blocks, variables={"clinic": "Harbor"}))
    assert "Call Harbor or Harbor." in flat("".join(page_texts(reader)))


def test_template_errors_name_file_line_worksheet_and_block(tmp_path: Path) -> None:
    blocks = [
        {"type": "heading", "text": "Fine"},
        {"type": "paragraph", "text": "Hi {{ loved_one.nmae }}"},
        {"type": "paragraph", "text": "{{ ''.__class__.__mro__ }}"},
        {"type": "tip", "text": "x", "when": "loved_one.relationship =="},
    ]
    path = write_yaml(tmp_path / "m.yaml", own(tmp_path, blocks))
    with pytest.raises(WorkbookError) as info:
        load_project(BuildOptions(manifest=path))
    sheet = tmp_path / "mine" / "mine.yaml"
    messages = [str(d) for d in info.value.diagnostics]
    assert messages[0].startswith(
        f"{sheet}:12:3: error: worksheet 'mine', block 2 (paragraph): "
        "'dict object' has no attribute 'nmae'"
    )
    assert messages[1].startswith(
        f"{sheet}:14:3: error: worksheet 'mine', block 3 (paragraph): "
        "not allowed in a template: access to attribute '__class__'"
    )
    assert messages[2].startswith(
        f"{sheet}:17:3: error: worksheet 'mine', block 4 (tip), 'when' "
        "condition: template syntax error"
    )


def test_unknown_worksheet_suggests_the_closest(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", "worksheets:\n  - objection-handlin\n  - i-statements\n")
    with pytest.raises(WorkbookError) as info:
        load_project(BuildOptions(manifest=path))
    assert [str(d) for d in info.value.diagnostics] == [
        f"{path}:2:5: error: unknown worksheet 'objection-handlin' (did you mean "
        "'objection-handling'?); run 'workbook list' to see them all"
    ]


def test_missing_language_falls_back_to_english_with_a_warning(tmp_path: Path) -> None:
    write_yaml(tmp_path / "mine" / "en" / "mine.yaml", worksheet())
    data = manifest(language="es", worksheets=["mine"], worksheets_dirs=["mine"])
    project = load_project(BuildOptions(manifest=write_yaml(tmp_path / "m.yaml", data)))
    assert project.worksheets[0].sheet.language == "en"
    assert "worksheet 'mine' has no 'es' version; using 'en'" in str(project.warnings[0])
    assert project.text["contents"] == "Contenido"


def test_unsupported_language_lists_the_supported_ones(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "m.yaml", manifest(language="fr"))
    with pytest.raises(WorkbookError) as info:
        load_project(BuildOptions(manifest=path))
    line = path.read_text().splitlines().index("language: fr") + 1
    assert (
        str(info.value) == f"{path}:{line}:1: error: unsupported language 'fr'; supported: en, es"
    )


def _fonts_drawing(reader: Any, needle: str) -> set[str]:
    """Names of the fonts used on pages whose text contains `needle`."""
    names: set[str] = set()
    for page in reader.pages:
        if needle in (page.extract_text() or ""):
            names |= {
                str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()
            }
    return names


@pytest.mark.parametrize("name", ["Νίκος Παπαδόπουλος", "Дмитрий Иванов", "Nguyễn Thị Hằng"])
def test_non_latin_names_fall_back_to_noto(make_pdf: Any, name: str) -> None:
    reader, result = make_pdf(manifest(recipient={"name": name}, worksheets=["i-statements"]))
    assert name in page_texts(reader)[0]
    assert any("NotoSans" in f for f in _fonts_drawing(reader, name))
    assert result.warnings == []


def test_characters_no_font_has_are_named_in_a_warning(make_pdf: Any) -> None:
    _, result = make_pdf(
        manifest(recipient={"name": "Sam \U0001f600 \u4e2d"}, worksheets=["i-statements"])
    )
    [warning] = [str(w) for w in result.warnings]
    assert "U+1F600" in warning and "U+4E2D" in warning and "fonts/" in warning


def test_extra_fonts_folder_is_used(tmp_path: Path, make_pdf: Any) -> None:
    import fontpkg

    thai = "\u0e2a\u0e21\u0e0a\u0e32\u0e22"  # a Thai name: neither default font draws it
    data = manifest(recipient={"name": f"Somchai {thai}"}, worksheets=["i-statements"])
    _, before = make_pdf(data, "before.pdf")
    assert "U+0E2A" in str(before.warnings[0])
    (tmp_path / "fonts").mkdir()
    source = fontpkg.path("Noto Sans Thai")
    (tmp_path / "fonts" / "Thai.ttf").write_bytes(Path(source).read_bytes())
    reader, after = make_pdf(data, "after.pdf")
    assert after.warnings == []
    cover_fonts = {
        str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert any("Thai" in name for name in cover_fonts)


def test_own_worksheet_replaces_a_built_in_one_with_a_notice(tmp_path: Path) -> None:
    write_yaml(tmp_path / "mine" / "i-statements.yaml", worksheet("i-statements", title="Mine"))
    data = manifest(worksheets=["i-statements"], worksheets_dirs=["mine"])
    project = load_project(BuildOptions(manifest=write_yaml(tmp_path / "m.yaml", data)))
    assert project.worksheets[0].title == "Mine"
    assert "replaces the built-in one" in str(project.warnings[0])
