"""A kernel client that cannot sleep through a reply already waiting in its socket.

A zmq socket tells the event loop it has a message through an edge-triggered file descriptor.
When anything reads the socket's ``EVENTS`` between the message's arrival and the loop's next
look (another thread, another channel, pyzmq itself), the edge is spent: the message sits in
the socket and ``await socket.poll(timeout)`` returns only when its timeout ends. nbclient
waits for a cell's reply with the whole cell timeout, so one lost edge held a report (or a
test notebook) for 600 seconds and then went on as if nothing had happened.

:class:`WakefulKernelManager` gives its clients channels that poll in slices of
:data:`POLL_SLICE` seconds: each new poll looks at ``EVENTS`` first, so a waiting message is
picked up within a slice. Pass it to papermill as ``kernel_manager_class=``; the warm kernels
of ``assess run`` use it too.
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type

__all__ = ["POLL_SLICE", "WakefulChannel", "WakefulKernelClient", "WakefulKernelManager"]

#: the longest a message already in the socket waits to be noticed, in seconds
POLL_SLICE = 1.0


class WakefulChannel(AsyncZMQSocketChannel):
    """An asyncio kernel channel whose ``get_msg`` polls its socket at least every :data:`POLL_SLICE` seconds."""

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:  # type: ignore[override]
        """The next message; ``queue.Empty`` when none came within ``timeout`` seconds (None: wait)."""
        assert self.socket is not None
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = POLL_SLICE if deadline is None else min(POLL_SLICE, deadline - time.monotonic())
            if await self.socket.poll(max(int(left * 1000), 0)):
                return await self._recv()
            if deadline is not None and time.monotonic() >= deadline:
                raise Empty


class WakefulKernelClient(AsyncKernelClient):
    """jupyter_client's asyncio client with :class:`WakefulChannel` for every zmq channel."""

    shell_channel_class = Type(WakefulChannel)
    iopub_channel_class = Type(WakefulChannel)
    stdin_channel_class = Type(WakefulChannel)
    control_channel_class = Type(WakefulChannel)


class WakefulKernelManager(AsyncKernelManager):
    """jupyter_client's asyncio kernel manager whose ``client()`` is a :class:`WakefulKernelClient`."""

    client_class = DottedObjectName("assess.batch._wakeful.WakefulKernelClient")
    client_factory = Type(klass=WakefulKernelClient)  # what client() builds: the default is the class itself
