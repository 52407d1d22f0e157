"""Honest but unusual submissions (issue 13, item 6): the solution, written the way real students
leave their notebooks. Each must score exactly what plain nbgrader gives it, item by item (the
grading proofs grade them with both engines), and that is full marks.

``unusual(solution)`` takes an assignment's solution answers (answer id -> code) and returns
``{student: Submission}``; a submission changes answer cells and adds cells of its own before or
after an answer cell, as a student who works in the notebook does.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field


@dataclass
class Submission:
    answers: dict[str, str]  # answer id -> code
    before: dict[str, list[str]] = field(default_factory=dict)  # answer id -> own cells before it
    after: dict[str, list[str]] = field(default_factory=dict)  # answer id -> own cells after it


PLOT = (
    "import matplotlib.pyplot as plt\n"
    "fig, ax = plt.subplots(figsize=(3, 2))\n"
    "ax.bar(['a', 'b'], [3, 5])\n"
    "ax.set_title('my look')\n"
    "plt.show()"
)
TABLE = "import pandas as pd\n\npd.DataFrame({'seen': [1, 2], 'said': ['yes', 'no']})"
WIDGETS = (
    "import ipywidgets as widgets\n"
    "from IPython.display import display\n\n"
    "display(widgets.Button(description='try'))\n"
    "widgets.IntSlider(value=3, description='Budget')"
)
EXCEPTIONS = {"ValueError": "AnswerValueError", "KeyError": "AnswerKeyError", "TypeError": "AnswerTypeError"}


def _defined(code: str) -> list[str]:
    """Top-level names an answer defines (functions, classes, assignments)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
    return names


def _with_prints(code: str) -> str:
    """Every top-level function prints its arguments when called (tests call them too)."""
    lines = code.split("\n")
    out = []
    for line in lines:
        out.append(line)
        match = re.match(r"^def (\w+)\((.*)\)[^:]*:\s*(#.*)?$", line)
        if match:
            out.append(f"    print('{match[1]} was called')")
    return "\n".join(out)


def _own_exceptions(code: str) -> tuple[str, bool]:
    """Built-in exceptions the answer raises become the student's own subclasses of them."""
    changed = code
    for builtin, own in EXCEPTIONS.items():
        changed = re.sub(rf"\braise {builtin}\b", f"raise {own}", changed)
    if changed == code:
        return code, False
    classes = "\n".join(f"class {own}({builtin}):\n    pass\n\n" for builtin, own in EXCEPTIONS.items())
    return classes + "\n" + changed, True


def unusual(solution: dict[str, str], written: set[str] | frozenset = frozenset()) -> dict[str, Submission]:
    """The unusual set for one assignment, from its solution answers (``written``: the ids of
    markdown answers, left as they are)."""
    ids = list(solution)
    code_ids = [a for a in ids if a not in written]
    subs: dict[str, Submission] = {}
    # three students, each leaving several habits in the notebook (three gradings per engine,
    # not one per habit: the proofs grade every assignment with both engines)

    typed = {}
    for k, answer in enumerate(code_ids):
        magic = "%%time" if k % 2 == 0 else f"%%capture captured_{k}"
        shell = f"!echo working on {answer}\nfiles = !ls"
        star = "from math import *\nfrom statistics import *"
        typed[answer] = f"{magic}\n%time _ = sum(range(10))\n{shell}\n{star}\n{solution[answer]}"
    first = {a: ["%load_ext autoreload\n%autoreload 2\n%matplotlib inline"] for a in code_ids[:1]}
    subs["unusual-magics-shell-star"] = Submission({**solution, **typed}, before=first)

    careful = {a: _with_prints(_own_exceptions(solution[a])[0]) + "\nprint('answer ready')" for a in code_ids}
    helpers = {
        a: [f"def my_helper_{k}(x):\n    return x\n\nnotes_{k} = 'draft'\nnotes_{k}"]
        for k, a in enumerate(code_ids)
    }
    subs["unusual-exceptions-prints-helpers"] = Submission({**solution, **careful}, before=helpers)

    shows = {a: [f"display({name})" for name in _defined(solution[a])[:2]] for a in code_ids}
    after = {a: [PLOT, TABLE, WIDGETS, *shows[a]] for a in code_ids}
    subs["unusual-plots-tables-widgets"] = Submission(dict(solution), after=after)
    return subs
