"""The course's nbgrader_config.py sets only settings that exist: nbgrader warns about any other
("Config option `preload` not recognized by `SandboxedExecute`") on every plain nbgrader run,
and a setting nobody reads misleads whoever edits it."""

from __future__ import annotations

from pathlib import Path

from traitlets.config import Configurable, PyFileConfigLoader
from traitlets.utils.importstring import import_item

ROOT = Path(__file__).resolve().parents[2]

# The section names the file uses, and the class each names (nbgrader's apps, converters and
# preprocessors, nbconvert's exporters, jupyter_client's kernel manager, and ours).
CLASSES = {
    "CourseDirectory": "nbgrader.coursedir.CourseDirectory",
    "ClearSolutions": "nbgrader.preprocessors.ClearSolutions",
    "Execute": "nbgrader.preprocessors.Execute",
    "KernelManager": "jupyter_client.manager.KernelManager",
    "OverwriteCells": "nbgrader.preprocessors.OverwriteCells",
    "Autograde": "nbgrader.converters.Autograde",
    "SandboxedExecute": "mvs_course.grading.sandbox.SandboxedExecute",
    "GenerateFeedback": "nbgrader.converters.GenerateFeedback",
    "HTMLExporter": "nbconvert.exporters.HTMLExporter",
    "Exporter": "nbconvert.exporters.Exporter",
    "GenerateAssignment": "nbgrader.converters.GenerateAssignment",
}


def _settings() -> dict[str, dict]:
    loader = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT))
    return {section: dict(values) for section, values in loader.load_config().items()}


def test_every_section_is_a_known_class():
    unknown = sorted(set(_settings()) - set(CLASSES))
    assert not unknown, f"add the class of {unknown} to CLASSES (or drop the section)"


def test_every_setting_is_a_configurable_trait_of_its_class():
    problems = []
    for section, values in _settings().items():
        cls = import_item(CLASSES[section])
        assert issubclass(cls, Configurable) and cls.__name__ == section
        traits = cls.class_traits(config=True)
        problems += [f"c.{section}.{name}" for name in values if name not in traits]
    assert not problems, f"settings no class reads (nbgrader warns about each): {problems}"
