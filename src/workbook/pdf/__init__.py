"""The PDF renderer: the project's `Document` laid out with ReportLab into a tagged PDF.

    layout/        the Document's sections and blocks as flowables; form fields, page craft,
                   cover, running header/footer, answers written in (pen.py), the tagging
                   canvas every draw goes through (tags.py)
    render.py      one layout pass, page numbers, outline: `render(project) -> Rendered`
    structure.py   the structure tree, parent tree and XMP metadata
    form_fonts.py  the one embedded font every form field draws in, any script
    file.py        the file, with the structure in one compressed object stream

Front doors (the CLI, batch, the wizard) use `workbook.build`; this package's public names
are below. The HTML renderer will sit beside it.
"""

from .render import BuildResult, Rendered, render

__all__ = ["BuildResult", "Rendered", "render"]
