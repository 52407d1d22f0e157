"""The per-cell limit an instructor sets reaches the sandbox however it is set: in
nbgrader_config.py (a Python int) or on plain nbgrader's command line (``nbgrader autograde
--Execute.timeout=3``), where traitlets keeps the text until a class with that trait reads it.
Before this test, the sandbox took the command line's "3" for no setting and waited 30 s."""

from __future__ import annotations

import pytest
from traitlets.config import Config
from traitlets.config.loader import KVArgParseConfigLoader

from mvs_course.grading.sandbox import SandboxedExecute


def _from_command_line(*argv: str) -> Config:
    return KVArgParseConfigLoader(argv=list(argv)).load_config()


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (_from_command_line("--Execute.timeout=3"), 3),
        (_from_command_line("--SandboxedExecute.timeout=4", "--Execute.timeout=3"), 4),
        (Config({"Execute": {"timeout": 7}}), 7),
        (Config({"Execute": {"timeout": None}}), 30),
        (Config({"Execute": {"timeout": -1}}), 30),
        (Config(), 30),
    ],
    ids=["command-line", "own-setting-first", "config-file", "none", "negative", "unset"],
)
def test_the_configured_cell_limit_is_the_one_in_force(config, expected):
    assert SandboxedExecute(config=config).cell_timeout() == expected
