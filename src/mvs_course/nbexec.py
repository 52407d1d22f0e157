"""nbclient's ``NotebookClient`` without the lost-reply stall of Output widgets.

nbclient mirrors every ipywidgets ``Output`` widget the way a front end does, and sends
each change of its outputs back to the kernel as a ``comm_msg`` on the shell channel
(``clear_output()``, ``with out: display(...)``). It sends through ``Session.send``, which
writes to a plain-socket *shadow* of the asyncio shell socket. That write also processes
the socket's pending zmq commands, so when the cell's ``execute_reply`` arrives at about the
same moment, its wake-up is consumed by the shadow and the asyncio socket never hears of it:
the coroutine waiting for the reply sleeps until its poll times out (the cell ``timeout``)
and then finds the reply that was there all along. No error is raised; the cell just takes
exactly ``timeout`` seconds (upstream: jupyter/nbclient#312, open).

This client sends those comm messages through the asyncio socket itself, whose send
re-checks the socket's events and wakes the waiting coroutine. Use it wherever the course
executes notebooks that may hold widgets; it is a drop-in replacement.
"""

from __future__ import annotations

from typing import Any

import nbclient
from nbclient.jsonutil import json_clean
from nbclient.output_widget import OutputWidget

__all__ = ["NotebookClient", "SafeOutputWidget"]


class SafeOutputWidget(OutputWidget):
    """nbclient's Output widget mirror, sending its updates through the asyncio shell socket."""

    def _publish_msg(
        self,
        msg_type: str,
        data: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        buffers: list[Any] | None = None,
        **keys: Any,
    ) -> None:
        session = self.kernel_client.session
        content = json_clean(dict(data=data or {}, comm_id=self.comm_id, **keys))
        msg = session.msg(msg_type, content=content, parent=self.parent_header, metadata=metadata or {})
        socket = self.kernel_client.shell_channel.socket
        # zmq.asyncio send: re-checks the socket's events afterwards, so a reply that arrived
        # meanwhile still wakes the coroutine polling for it
        socket.send_multipart([*session.serialize(msg), *(buffers or [])])


class NotebookClient(nbclient.NotebookClient):
    """``nbclient.NotebookClient`` whose Output widgets cannot stall a cell until its timeout."""

    def __init__(self, nb: Any, km: Any = None, **kw: Any) -> None:
        super().__init__(nb, km=km, **kw)
        self.widget_registry["@jupyter-widgets/output"] = {"OutputModel": SafeOutputWidget}
