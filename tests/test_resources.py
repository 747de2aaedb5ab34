"""Resources: a thousand requests' worth of services leave no file descriptors behind.

The serving app holds its clients for hours; each request gets a client from `make_client`, and
all of them share the process's one open response cache instead of opening a connection each.
"""

from __future__ import annotations

import os

from app.models import ChatRequest, close_response_caches, shared_response_cache
from app.services import make_client
from app.settings import get_settings
from tests.fakes import ScriptedLLM

REQUESTS = 1000
SLACK = 8  # the shared cache's own database, WAL and shared-memory files, and a little more


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _request(i: int) -> ChatRequest:
    return ChatRequest(model="fake/model", messages=({"role": "user", "content": f"line {i % 10}"},))


def test_a_thousand_requests_share_one_cache_and_close_it(fake_llm: ScriptedLLM) -> None:
    close_response_caches()
    before = open_fds()
    clients = []  # held, as requests in flight hold theirs
    for i in range(REQUESTS):
        client = make_client(use_cache=True)
        client.complete(_request(i), agent="writer")
        clients.append(client)
    during = open_fds()
    assert during - before <= SLACK, f"{during - before} descriptors opened for {REQUESTS} requests"
    assert len({id(c.cache) for c in clients}) == 1
    assert len(fake_llm.calls) == 10, "the other requests are answered by the shared cache"

    close_response_caches()
    assert open_fds() <= before
    assert all(c.cache is not None and c.cache.closed for c in clients)


def test_the_shared_cache_opens_again_after_it_was_closed() -> None:
    path = get_settings().cache_file
    first = shared_response_cache(path)
    close_response_caches()
    second = shared_response_cache(path)
    assert first.closed and not second.closed and second is not first
    assert second.stats()["entries"] == 0
    close_response_caches()


def test_services_without_a_cache_open_nothing() -> None:
    before = open_fds()
    for _ in range(REQUESTS):
        assert make_client(use_cache=False).cache is None
    assert open_fds() <= before
