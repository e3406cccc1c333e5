"""The sandbox worksheet templates run in, metered as a whole (time, steps and memory):

meter.py        the budget of one render, and the size checks made before building
filters.py      Jinja2's filters, metered
environment.py  the environment: operators, calls and the rewritten template metered
"""

from .environment import (
    TEMPLATE_ERRORS,
    address_space_ceiling,
    compiled_expression,
    compiled_template,
    explain,
)
from .meter import metered

__all__ = ["TEMPLATE_ERRORS", "address_space_ceiling", "compiled_expression",
           "compiled_template", "explain", "metered"]  # fmt: skip
