"""Executes a notebook with nbclient (what `jupyter nbconvert --execute` runs), keeping the
outputs Deno's Jupyter kernel publishes after its `idle` status.

Deno's kernel (2.x) sometimes sends a cell's `execute_result` on the IOPub channel after the
`status: idle` message that ends the cell. nbclient stops reading a cell's messages at that idle
and ignores messages of earlier cells, so the output is lost (seen on `await` cells). Here a
message of an earlier cell is still added to that cell, and after the last cell the channel is
read until it stays quiet for a moment.

Usage: python3 tools/execute_notebook.py IN.ipynb OUT.ipynb KERNEL TIMEOUT_SECONDS
The kernel runs in IN's folder. Exits 1 with the error when a cell fails.
"""

import asyncio
import os
import queue
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async

# How long the channel must stay quiet after the last cell before the kernel is shut down.
QUIET_SECONDS = 2.0


class LateOutputClient(NotebookClient):
    """A NotebookClient that files late IOPub messages under the cell that sent them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._cells_by_msg = {}
        self._last_code_index = max(
            (i for i, c in enumerate(self.nb.cells) if c.cell_type == "code"), default=-1
        )

    def _route(self, msg, parent_msg_id=None, cell=None, cell_index=None):
        """Processes a message; returns False once the current cell is complete."""
        msg_id = msg["parent_header"].get("msg_id")
        if msg_id is not None and msg_id == parent_msg_id:
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                return False
        elif msg_id in self._cells_by_msg and msg["msg_type"] in (
            "execute_result",
            "display_data",
            "stream",
            "update_display_data",
        ):
            earlier, earlier_index = self._cells_by_msg[msg_id]
            try:
                self.process_message(msg, earlier, earlier_index)
            except CellExecutionComplete:
                pass
        return True

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        self._cells_by_msg[parent_msg_id] = (cell, cell_index)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if not self._route(msg, parent_msg_id, cell, cell_index):
                return

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        result = await super().async_execute_cell(
            cell, cell_index, execution_count=execution_count, store_history=store_history
        )
        if cell_index == self._last_code_index:
            while True:
                try:
                    msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=QUIET_SECONDS))
                except (queue.Empty, asyncio.TimeoutError):
                    break
                self._route(msg)
        return result


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    source, target, kernel, timeout = sys.argv[1:]
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    client = LateOutputClient(
        nb,
        kernel_name=kernel,
        timeout=int(timeout),
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(source))}},
    )
    try:
        client.execute()
    except Exception as error:  # a cell's error: report it, keep the partial notebook
        nbformat.write(nb, target)
        print(f"Cannot execute {source}: {error}", file=sys.stderr)
        sys.exit(1)
    nbformat.write(nb, target)


if __name__ == "__main__":
    main()
