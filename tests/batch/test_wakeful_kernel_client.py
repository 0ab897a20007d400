"""A kernel reply whose wake-up was lost is still read (``assess.batch.WakefulKernelManager``).

A zmq socket signals a message through an edge-triggered file descriptor; whoever reads the
socket's ``EVENTS`` after the message arrived spends the edge, and an asyncio ``poll`` already
waiting is not woken. The tests below spend the edge on purpose, as it happened under load in
the notebook tests (a notebook cell held 600 s, its reply in the socket all along).
"""

from __future__ import annotations

import asyncio
import time
from queue import Empty

import pytest
import zmq
import zmq.asyncio
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.session import Session

from assess.batch import WakefulKernelManager, _wakeful
from assess.batch._wakeful import WakefulChannel, WakefulKernelClient

#: the slice the tests poll in (the shipped one is a second), and how long a test waits for
#: the reply before it calls it lost: a few slices
SLICE = 0.2
GUARD = 10 * SLICE


@pytest.fixture(autouse=True)
def _short_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_wakeful, "POLL_SLICE", SLICE)


async def _reply_with_its_edge_spent(channel_class: type, timeout: float | None) -> dict:
    """``channel.get_msg(timeout)`` while a reply arrives and its edge is spent before the loop looks."""
    context = zmq.asyncio.Context()
    kernel, client = context.socket(zmq.PAIR), context.socket(zmq.PAIR)
    try:
        port = client.bind_to_random_port("tcp://127.0.0.1")
        kernel.connect(f"tcp://127.0.0.1:{port}")
        session = Session(key=b"")
        channel = channel_class(client, session)
        session.send(kernel, "kernel_info_reply", {"n": 1})
        assert (await channel.get_msg(timeout=5))["content"] == {"n": 1}  # the connection is up
        waiting = asyncio.ensure_future(channel.get_msg(timeout=timeout))
        await asyncio.sleep(0.1)  # get_msg is now waiting on the descriptor
        session.send(kernel, "execute_reply", {"status": "ok"})
        time.sleep(0.2)  # the reply reaches the client's socket; the event loop has not looked yet
        zmq.Socket.shadow(client.underlying).getsockopt(zmq.EVENTS)  # someone else spends the edge
        return await asyncio.wait_for(waiting, GUARD)
    finally:
        context.destroy(linger=0)


def test_the_lost_edge_is_real_jupyter_clients_channel_sleeps_through_the_reply() -> None:
    # the premise: without slices, the reply already in the socket is not seen while get_msg waits
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(_reply_with_its_edge_spent(AsyncZMQSocketChannel, None))


def test_the_wakeful_channel_reads_the_reply_whose_edge_was_spent() -> None:
    reply = asyncio.run(_reply_with_its_edge_spent(WakefulChannel, None))  # within GUARD, or TimeoutError
    assert reply["msg_type"] == "execute_reply" and reply["content"] == {"status": "ok"}


def test_the_wakeful_channel_still_times_out_when_nothing_comes() -> None:
    async def nothing() -> None:
        context = zmq.asyncio.Context()
        socket = context.socket(zmq.PAIR)
        socket.bind_to_random_port("tcp://127.0.0.1")
        try:
            await WakefulChannel(socket, Session(key=b"")).get_msg(timeout=2.5 * SLICE)
        finally:
            context.destroy(linger=0)

    started = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(nothing())
    assert time.monotonic() - started >= 2.5 * SLICE  # the whole timeout, not one slice


def test_the_manager_gives_wakeful_clients_on_every_zmq_channel() -> None:
    km = WakefulKernelManager(kernel_name="python3")
    client = km.client()
    assert isinstance(client, WakefulKernelClient)
    for name in ("shell", "iopub", "stdin", "control"):
        assert getattr(client, f"{name}_channel_class") is WakefulChannel
