"""Load the course's small CSV data sets (shipped inside the package as mvs_course.data).

pandas is imported by :func:`load`, not at import time, so ``available()`` and modules that
only mention a data set stay cheap to import.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def available() -> list[str]:
    """Names of the data sets, without the .csv suffix."""
    folder = resources.files("mvs_course.data")
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".csv"))


def load(name: str) -> pd.DataFrame:
    """Read data set ``name`` (for example ``"sneakers"``) as a DataFrame."""
    import pandas as pd

    path = resources.files("mvs_course.data") / f"{name}.csv"
    if not path.is_file():
        raise FileNotFoundError(
            f"No data set called {name!r}. Available: {', '.join(available()) or 'none'}."
        )
    with path.open(encoding="utf-8") as handle:
        return pd.read_csv(handle)
