"""A synthetic exporter serving the firing inputs of the drilled alerts: gauges at their value,
counters growing at their rate, from the moment the drill starts."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from eyewatch_gen.promql.labels import escape


@dataclass(frozen=True)
class ExportedSeries:
    """One series: a gauge `value`, or a counter growing by `rate` per second."""

    name: str
    labels: tuple[tuple[str, str], ...]
    value: float = 0.0
    rate: float | None = None


def exposition(series: list[ExportedSeries], elapsed: float) -> str:
    """Prometheus text exposition format for `series` after `elapsed` seconds."""
    lines = []
    for item in series:
        labels = ",".join(f'{k}="{escape(v)}"' for k, v in item.labels)
        value = item.value if item.rate is None else item.rate * elapsed
        lines.append(f"{item.name}{{{labels}}} {value!r}")
    return "\n".join(lines) + "\n"


def serve(series: list[ExportedSeries]) -> ThreadingHTTPServer:
    """An exporter on an ephemeral loopback port."""
    started = time.monotonic()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = exposition(series, time.monotonic() - started).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # Prometheus gave up or stopped
                return

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
