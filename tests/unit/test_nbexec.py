"""mvs_course.nbexec: Output-widget updates go out through the asyncio shell socket itself."""

from __future__ import annotations

from jupyter_client.session import Session

from mvs_course.nbexec import NotebookClient, SafeOutputWidget


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
        self.session = Session(key=b"")
        self.shell_channel = Channel()


def test_clear_output_is_sent_through_the_asyncio_socket():
    kc = KernelClient()
    widget = SafeOutputWidget("comm-1", {"outputs": [{"output_type": "stream"}]}, kc, executor=None)
    parent = kc.session.msg("execute_request", {})
    widget.clear_output([], {"parent_header": parent["header"], "content": {"wait": False}}, 0)
    (frames,) = kc.shell_channel.socket.sent
    msg = kc.session.deserialize(kc.session.feed_identities(frames)[1])
    assert msg["msg_type"] == "comm_msg"
    assert msg["parent_header"]["msg_id"] == parent["header"]["msg_id"]
    update = {"method": "update", "state": {"outputs": []}, "buffer_paths": []}
    assert msg["content"] == {"data": update, "comm_id": "comm-1"}


def test_the_client_mirrors_output_widgets_with_the_safe_class():
    client = NotebookClient({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    assert client.widget_registry["@jupyter-widgets/output"]["OutputModel"] is SafeOutputWidget
