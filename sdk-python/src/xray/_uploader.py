"""Uploads payloads too large for a span, on background daemon threads (port of sdk/src/uploader.ts)."""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass

from xray._budget import QueueBudget
from xray._http import send_with_retries
from xray._payloads import Offer
from xray._types import Counters
from xray._warn import Warn
from xray.conventions import PAYLOAD_UPLOAD_PATH


@dataclass
class _Job:
    key: str
    body: bytes
    done: bool = False


class PayloadUploader:
    """``PUT <base>/v1/payloads/<day>/<sha256>``: bounded by the shared budget, retried within ``timeout`` seconds."""

    def __init__(
        self,
        base_url: str,
        headers: dict[str, str],
        budget: QueueBudget,
        timeout: float,
        concurrency: int,
        recent_digests: int,
        stats: Counters,
        warn: Warn,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._headers = dict(headers)
        self._budget = budget
        self._timeout = timeout
        self._concurrency = concurrency
        self._recent_max = recent_digests
        self._stats = stats
        self._warn = warn
        self._queue: collections.deque[_Job] = collections.deque()
        self._active_jobs: dict[int, _Job] = {}
        self._bytes = 0
        self._failures = 0
        self._closed = threading.Event()
        self._recent: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._cond = threading.Condition()
        self._threads: list[threading.Thread] = []
        budget.evict_payloads = self._evict

    @property
    def pending(self) -> tuple[int, int]:
        """(payloads waiting or in flight, their bytes)."""
        return len(self._queue) + len(self._active_jobs), self._bytes

    def offer(self, day: str, sha256: str, body: bytes) -> Offer:
        if self._closed.is_set():
            return "shutdown"
        key = f"{day}/{sha256}"
        with self._cond:
            if key in self._recent:
                self._recent.move_to_end(key)
                return "known"
            if not self._budget.take_for_payload(len(body)):
                return "queue_full"
            self._recent[key] = None
            if len(self._recent) > self._recent_max:
                self._recent.popitem(last=False)
            self._bytes += len(body)
            self._queue.append(_Job(key, body))
            if len(self._threads) < self._concurrency:
                t = threading.Thread(target=self._work, name="xray-payload-upload", daemon=True)
                self._threads.append(t)
                t.start()
            self._cond.notify()
        return "queued"

    def drain(self, timeout: float) -> bool:
        """Waits until nothing is waiting or in flight: True when no upload failed meanwhile."""
        deadline = time.monotonic() + timeout
        with self._cond:
            failures = self._failures
            while self._queue or self._active_jobs:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return self._failures == failures

    def close(self) -> None:
        """Stops uploading: drops what waits or is in flight (counted). Idempotent."""
        self._closed.set()
        with self._cond:
            jobs = list(self._queue) + list(self._active_jobs.values())
            self._queue.clear()
            for job in jobs:
                self._finish_locked(job, "the client shut down first")
            self._cond.notify_all()

    def join(self, timeout: float) -> None:
        """Waits up to ``timeout`` seconds in all for the upload threads, which exit once closed."""
        deadline = time.monotonic() + timeout
        for thread in list(self._threads):
            thread.join(max(0.0, deadline - time.monotonic()))

    def _evict(self, size: int) -> None:
        with self._cond:
            freed = 0
            while freed < size and self._queue:
                job = self._queue.pop()
                freed += len(job.body)
                self._finish_locked(job, "dropped before upload to make room for spans")
            self._cond.notify_all()

    def _work(self) -> None:
        while not self._closed.is_set():
            with self._cond:
                while not self._queue and not self._closed.is_set():
                    self._cond.wait(1.0)
                if self._closed.is_set():
                    return
                job = self._queue.popleft()
                self._active_jobs[id(job)] = job
            try:
                failure = self._deliver(job)
            except Exception as err:
                failure = f"internal error: {err!r}"
            with self._cond:
                self._finish_locked(job, failure)
                self._cond.notify_all()

    def _deliver(self, job: _Job) -> str | None:
        url = f"{self._base}{PAYLOAD_UPLOAD_PATH}/{job.key}"
        headers = {**self._headers, "content-type": "application/json"}
        return send_with_retries("PUT", url, job.body, headers, self._timeout, self._closed)

    def _finish_locked(self, job: _Job, failure: str | None) -> None:
        if job.done:
            return
        job.done = True
        self._active_jobs.pop(id(job), None)
        self._bytes -= len(job.body)
        self._budget.release(len(job.body))
        if failure is None:
            self._stats.add("uploaded_payloads")
            self._stats.add("uploaded_payload_bytes", len(job.body))
            return
        self._failures += 1
        self._stats.add("dropped_payloads")
        self._recent.pop(job.key, None)
        self._warn(
            "payload_upload",
            f"a payload upload failed ({failure}) and was dropped; "
            "its span keeps the reference, the payload will be missing",
        )
