"""What a page costs on the wire, as Chromium's network layer reports it (DevTools protocol).

`Transfers(page).visit(url)` loads the page until the network is idle and returns each
request with the bytes that crossed the wire for it (headers and compressed body:
Network.loadingFinished's encodedDataLength) and whether the cache answered it instead.
Counted, not timed: the same page gives the same figures on a fast or a slow machine.
The bench (bench/slow_network.py) uses the same class to throttle the network and time.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

KIB = 1024


@dataclass
class Request:
    url: str
    bytes: int = 0  # on the wire, headers included; 0 when the cache answered
    from_cache: bool = False
    done: bool = False  # finished or failed


class Transfers:
    def __init__(self, page: Page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.requests: dict[str, Request] = {}
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.requestServedFromCache", self._from_cache)
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.loadingFailed", self._failed)

    def _sent(self, event: dict) -> None:
        if not event["request"]["url"].startswith("data:"):
            self.requests[event["requestId"]] = Request(event["request"]["url"])

    def _from_cache(self, event: dict) -> None:
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]].from_cache = True

    def _received(self, event: dict) -> None:
        response = event["response"]
        if event["requestId"] in self.requests and (
                response.get("fromDiskCache") or response.get("fromPrefetchCache")):
            self.requests[event["requestId"]].from_cache = True

    def _finished(self, event: dict) -> None:
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]].bytes = int(event["encodedDataLength"])
            self.requests[event["requestId"]].done = True

    def _failed(self, event: dict) -> None:
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]].done = True

    def forget_the_cache(self) -> None:
        """Empty the browser's cache (the cookies stay): the next visit is a first one."""
        self.cdp.send("Network.clearBrowserCache")

    def throttle(self, down_kbit: int, up_kbit: int, rtt_ms: int) -> None:
        """Slow the network down as DevTools' network conditions do."""
        self.cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": rtt_ms,
            "downloadThroughput": down_kbit * 1000 // 8, "uploadThroughput": up_kbit * 1000 // 8})

    def visit(self, url: str) -> list[Request]:
        """Load the page (until no request is pending) and list what it asked for."""
        self.requests = {}
        response = self.page.goto(url, wait_until="networkidle")
        assert response is not None and response.status == 200, (url, response and
                                                                   response.status)
        # Chromium asks for the favicon by itself, late on a busy host: a request still open
        # when the next visit starts is never cached, and that visit would fetch it again.
        for _ in range(100):
            if all(r.done for r in self.requests.values()):
                break
            self.page.wait_for_timeout(50)
        return list(self.requests.values())


def total(requests: list[Request]) -> int:
    return sum(r.bytes for r in requests)


def described(requests: list[Request]) -> str:
    """One line per request, the largest first: what to trim when a budget is exceeded."""
    return "\n".join(f"{r.bytes:>8} {'(cache) ' if r.from_cache else ''}{r.url}"
                     for r in sorted(requests, key=lambda r: -r.bytes))
