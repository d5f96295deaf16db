"""Execute notebooks reproducibly (the runner behind ``refresh``, the exercise build and the bench).

Execution is equivalent to ``jupyter nbconvert --to notebook --execute --inplace`` (saved widget state is dropped when the notebook is written):
a fresh ``python3`` kernel, cells run top to bottom, execution counts 1, 2, 3 …,
working directory = the notebook's folder. No timing metadata is recorded, so a
re-run that changes nothing leaves the file unchanged.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat

from .. import REPO_ROOT

KERNEL_NAME = "python3"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


#: Longest single wait on a kernel socket, in seconds (see :func:`_sliced_kernel_manager_class`).
POLL_SLICE_S = 0.5


def _sliced_kernel_manager_class():
    """An ``AsyncKernelManager`` whose client waits on its sockets in slices of ``POLL_SLICE_S``.

    Why: with pyzmq's asyncio sockets a wake-up is sometimes missed (ZeroMQ's file descriptor is
    edge-triggered), so a reply that has already arrived is only seen when the wait times out.
    nbclient waits for each cell's reply with the whole cell timeout, so one missed wake-up
    stalled a notebook for exactly that timeout (600 s here; measured 2 stalls in 24 notebook
    executions on this project's CI machine, both with the kernel idle and the reply waiting).
    Waiting in short slices bounds the cost of a missed wake-up to one slice; a slice that times
    out ends with a non-blocking poll, which finds the waiting message. nbval, which uses the
    blocking client, is not affected.
    """
    from jupyter_client import AsyncKernelManager
    from jupyter_client.asynchronous.client import AsyncKernelClient
    from jupyter_client.channels import AsyncZMQSocketChannel
    from queue import Empty
    from traitlets import Type, default

    class SlicedChannel(AsyncZMQSocketChannel):
        async def get_msg(self, timeout: float | None = None):
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
                step = POLL_SLICE_S if remaining is None else min(POLL_SLICE_S, remaining)
                if await self.socket.poll(int(step * 1000)):
                    return await self._recv()
                if remaining is not None and remaining <= step:
                    raise Empty

    class SlicedClient(AsyncKernelClient):
        shell_channel_class = Type(SlicedChannel)
        iopub_channel_class = Type(SlicedChannel)
        control_channel_class = Type(SlicedChannel)

    class SlicedKernelManager(AsyncKernelManager):
        @default("client_factory")
        def _client_factory_default(self):
            return SlicedClient

    return SlicedKernelManager


def execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Execute ``nb`` in a fresh python3 kernel (in place) and return it."""
    from nbclient import NotebookClient

    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    client = NotebookClient(nb, timeout=timeout, kernel_name=KERNEL_NAME, resources={"metadata": {"path": str(cwd)}},
                            record_timing=False, allow_errors=False,
                            kernel_manager_class=_sliced_kernel_manager_class())
    client.execute()
    return nb


def write(nb: nbformat.NotebookNode, path: Path) -> None:
    """Write a notebook the way Jupyter does (1-space indent, trailing newline).

    Saved widget state is left out (issue 14): each panel's display bundle carries a static PNG of its
    figure, which is what a reader sees before running, so state would only store every figure twice
    and change its ids on every run. The widget views' model ids are made stable (:func:`stable_widget_ids`).
    """
    nb.metadata.pop("widgets", None)
    stable_widget_ids(nb)
    nbformat.validate(nb)
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def execute_file(path: Path, *, inplace: bool = True) -> float:
    """Execute the notebook at ``path``; store outputs if ``inplace``. Returns seconds taken."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    execute(nb, path.parent)
    seconds = time.perf_counter() - t0
    if inplace:
        write(nb, path)
    return seconds


def course_notebooks() -> list[Path]:
    """The chapter notebooks, in teaching order."""
    return sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def solution_notebooks() -> list[Path]:
    return sorted((REPO_ROOT / "exercises" / "solutions").glob("[0-9][0-9]_*_solutions.ipynb"))


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def stable_widget_ids(nb: nbformat.NotebookNode) -> int:
    """Give each stored widget view a model id derived from its cell's id and place, instead of the random one of the
    run; returns how many were set.

    No widget state is saved (see :func:`write`), so a stored view refers to no model whatever its id: a reader
    sees the bundle's static figure or note until the cell runs again, and running it makes a new view. A
    random id only made every re-run a diff in every panel's cell (issue 14: a text edit gives a text-sized diff).
    """
    import hashlib

    n = 0
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for j, out in enumerate(cell.get("outputs", [])):
            view = out.get("data", {}).get(WIDGET_VIEW)
            if isinstance(view, dict) and "model_id" in view:
                seed = f"{cell.get('id', k)}/{j}".encode()
                view["model_id"] = hashlib.sha1(seed).hexdigest()[:32]
                n += 1
    return n
