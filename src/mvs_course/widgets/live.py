"""LiveView: controls on top, a view below that redraws whenever a control changes."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as widgets
from IPython.display import display


class LiveView(widgets.VBox):
    """Bind ``controls`` (keyword -> widget) to ``render``.

    ``render`` returns an HTML string (shown in ``self.html``), or a matplotlib Figure or
    anything IPython can display (shown in ``self.output``), or a pair ``(html, figure)``:
    a chart with its text alternative above it. The latest result is kept in
    ``self.result`` so tests can check the model without a front end.
    """

    def __init__(
        self,
        render: Callable[..., object],
        controls: Mapping[str, widgets.Widget],
        title: str = "",
    ) -> None:
        self.render = render
        self.controls = dict(controls)
        self.result: object = None
        self.html = widgets.HTML()
        self.html.add_class("mvs-live-text")
        self.output = widgets.Output()
        self.output.add_class("mvs-live-output")
        for control in self.controls.values():
            control.observe(self.update, names="value")
        parts = [widgets.HTML(f"<b>{title}</b>")] if title else []
        super().__init__([*parts, widgets.VBox(list(self.controls.values())), self.html, self.output])
        self.add_class("mvs-live")
        self.update()

    def update(self, _change: dict | None = None) -> None:
        values = {name: control.value for name, control in self.controls.items()}
        self.result = self.render(**values)
        text, shown = "", self.result
        if isinstance(self.result, str):
            text, shown = self.result, None
        elif isinstance(self.result, tuple) and len(self.result) == 2 and isinstance(self.result[0], str):
            text, shown = self.result
        self.html.value = text
        if shown is None:
            self.output.clear_output()
            return
        self.output.clear_output(wait=True)
        with self.output:
            display(shown)
        _close_figure(shown)


def _close_figure(shown: object) -> None:
    """Close a displayed matplotlib figure (imports matplotlib only when one was drawn)."""
    if type(shown).__module__.startswith("matplotlib"):
        import matplotlib.pyplot as plt

        plt.close(shown)


def live_view(
    render: Callable[..., object], controls: Mapping[str, widgets.Widget], title: str = ""
) -> LiveView:
    """Shorthand for ``LiveView(render, controls, title)``."""
    return LiveView(render, controls, title)


def demo_slider() -> LiveView:
    """The start page's first widget: a slider whose value is echoed back."""
    slider = widgets.IntSlider(value=3, min=0, max=10, description="Try me")
    return live_view(
        lambda value: f"<p>You chose <b>{value}</b>. Widgets react as soon as you move them.</p>",
        {"value": slider},
    )
