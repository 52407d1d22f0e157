"""mvs_course.nbexec: Output-widget updates go out through the asyncio shell socket itself."""

from __future__ import annotations

import json

from mvs_course.nbexec import NotebookClient, SafeOutputWidget


class Session:
    def msg(self, msg_type, content, parent, metadata):
        return {"msg_type": msg_type, "content": content, "parent_header": parent, "metadata": metadata}

    def serialize(self, msg):
        return [json.dumps(msg).encode()]


class Socket:
    def __init__(self) -> None:
        self.sent: list[list[bytes]] = []

    def send_multipart(self, frames):
        self.sent.append(frames)


class Channel:
    def __init__(self) -> None:
        self.socket = Socket()

    def send(self, msg):  # what stock nbclient calls: Session.send on a plain-socket shadow
        raise AssertionError("sent through Session.send, whose shadow socket loses the reply's wake-up")


class KernelClient:
    def __init__(self) -> None:
        self.session = Session()
        self.shell_channel = Channel()


def test_clear_output_is_sent_through_the_asyncio_socket():
    kc = KernelClient()
    widget = SafeOutputWidget("comm-1", {"outputs": [{"output_type": "stream"}]}, kc, executor=None)
    parent = {"msg_id": "run-1"}
    widget.clear_output([], {"parent_header": parent, "content": {"wait": False}}, 0)
    (frames,) = kc.shell_channel.socket.sent
    msg = json.loads(frames[0])
    assert msg["msg_type"] == "comm_msg" and msg["parent_header"] == parent
    update = {"method": "update", "state": {"outputs": []}, "buffer_paths": []}
    assert msg["content"] == {"data": update, "comm_id": "comm-1"}


def test_the_client_mirrors_output_widgets_with_the_safe_class():
    client = NotebookClient({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    assert client.widget_registry["@jupyter-widgets/output"]["OutputModel"] is SafeOutputWidget
