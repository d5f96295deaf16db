"""``mgcourse.tools.runner.execute``: the runner behind ``refresh``, the exercise build and the bench.

Its kernel client waits on ZeroMQ sockets in short slices, so that a missed asyncio wake-up
costs at most one slice instead of a whole cell timeout (see
``mgcourse.tools.runner._sliced_kernel_manager_class``).
"""

from __future__ import annotations

import asyncio
from queue import Empty

import nbformat
import pytest

from mgcourse.tools import runner as notebooks


def _sliced_channel_class():
    km_class = notebooks._sliced_kernel_manager_class()
    client = km_class(kernel_name=notebooks.KERNEL_NAME).client()
    for name in ("shell_channel_class", "iopub_channel_class", "control_channel_class"):
        assert getattr(client, name).__name__ == "SlicedChannel", name
    return client.shell_channel_class


class _FakeSocket:
    """A socket whose message is already there but whose first ``misses`` polls report nothing."""

    def __init__(self, misses: int, has_message: bool = True):
        self.misses, self.has_message, self.polls = misses, has_message, []

    async def poll(self, timeout_ms):
        self.polls.append(timeout_ms)
        if self.has_message and len(self.polls) > self.misses:
            return 1
        if not self.has_message:
            await asyncio.sleep(timeout_ms / 1000)  # an idle socket: the poll waits out its timeout
        return 0


def _channel(socket):
    channel = object.__new__(_sliced_channel_class())
    channel.socket = socket

    async def recv():
        return {"msg_type": "execute_reply"}

    channel._recv = recv
    return channel


def test_a_missed_wake_up_costs_one_slice_not_the_whole_timeout():
    socket = _FakeSocket(misses=2)
    msg = asyncio.run(_channel(socket).get_msg(timeout=600))
    assert msg == {"msg_type": "execute_reply"}
    assert len(socket.polls) == 3
    assert max(socket.polls) <= notebooks.POLL_SLICE_S * 1000


def test_no_message_raises_empty_when_the_timeout_is_used_up():
    socket = _FakeSocket(misses=0, has_message=False)
    with pytest.raises(Empty):
        asyncio.run(_channel(socket).get_msg(timeout=1.2))
    assert len(socket.polls) == 3  # 0.5 + 0.5 + 0.2 s
    assert max(socket.polls) <= notebooks.POLL_SLICE_S * 1000


def test_execute_runs_a_notebook_in_order_with_outputs(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os\nx = 6 * 7"), nbformat.v4.new_code_cell("print(x)"),
                nbformat.v4.new_code_cell("os.path.basename(os.getcwd())")]
    out = notebooks.execute(nb, tmp_path)
    assert [c.execution_count for c in out.cells] == [1, 2, 3]
    assert out.cells[1].outputs[0].text == "42\n"
    assert out.cells[2].outputs[0].data["text/plain"] == repr(tmp_path.name)
    assert out.metadata["kernelspec"]["name"] == "python3"
