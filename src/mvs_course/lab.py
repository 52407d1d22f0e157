"""``make lab``: JupyterLab, started without a grammar it never uses.

    python -m mvs_course.lab [jupyter lab options] [notebook]

The same as ``jupyter lab``, except that the server does not compile rfc3987_syntax's grammar:
nbformat imports jsonschema, which builds that grammar (1.5 s of a 4 s start on a 2-core
machine) only to check the "iri" string format, which no notebook, server or nbgrader schema
uses. jsonschema skips that one format when the import fails (``mvs-course`` does the same).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    from jupyterlab.labapp import LabApp

    LabApp.launch_instance(argv=argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
