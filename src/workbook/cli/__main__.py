"""`python -m workbook.cli`."""

from . import run

run()
