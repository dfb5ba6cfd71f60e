"""Local stand-ins for every receiver: an HTTP sink (webhook, PagerDuty, Opsgenie) and an SMTP
sink (e-mail). Both listen on 127.0.0.1 only and record what they receive."""

from __future__ import annotations

import email
import html
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from eyewatch_gen.plan.escalation import identity


@dataclass
class Delivery:
    """One notification: which receiver and channel got which alerts, and when."""

    receiver: str
    channel: str
    alerts: list[str]
    at: float


@dataclass
class Inbox:
    """Everything the sinks received, thread-safe."""

    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, receiver: str, channel: str, alerts: list[str]) -> None:
        with self.lock:
            self.deliveries.append(Delivery(receiver, channel, alerts, time.monotonic()))

    def snapshot(self) -> list[Delivery]:
        with self.lock:
            return list(self.deliveries)


_ALERTNAME = re.compile(r"(?<![A-Za-z0-9_])alertname\s*=\s*\"?([A-Za-z0-9_]+)")
_ESCALATED = re.compile(r"(?<![A-Za-z0-9_])escalated_alertname\s*=\s*\"?([A-Za-z0-9_]+)")


def alert_names(text: str) -> list[str]:
    """Alerts mentioned as `alertname = X` (PagerDuty details, e-mail bodies), as
    `escalation.identity` names them: an escalation alert (one notification carries one
    escalated alert, see its route's group_by) as `X(escalated)`."""
    names = sorted(set(_ALERTNAME.findall(text)))
    escalated = sorted(set(_ESCALATED.findall(text)))
    if escalated:
        return sorted({f"{name}({original})" for name in names for original in escalated})
    return names


def _body_alerts(body: dict[str, Any]) -> list[str]:
    """Alerts from a webhook body, or from a PagerDuty/Opsgenie body's text."""
    if isinstance(body.get("alerts"), list):
        return sorted({identity(a.get("labels", {})) for a in body["alerts"]})
    return alert_names(json.dumps(body).replace("\\n", "\n"))


def http_sink(inbox: Inbox) -> ThreadingHTTPServer:
    """A server on an ephemeral loopback port; paths are /<receiver>/<channel>."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            _, receiver, channel = [*self.path.split("?")[0].split("/"), "", ""][:3]
            inbox.add(receiver, channel, _body_alerts(body))
            self.send_response(202)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"status": "success"}')

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class SmtpSink:
    """aiosmtpd on loopback; the recipient `<receiver>+<channel>@drill.invalid` says who."""

    def __init__(self, inbox: Inbox, port: int) -> None:
        from aiosmtpd.controller import Controller

        class Handler:
            async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
                self,
                server: Any,
                session: Any,
                envelope: Any,
            ) -> str:
                message = email.message_from_bytes(envelope.content)
                parts = [p.get_payload(decode=True) for p in message.walk() if not p.is_multipart()]
                names = alert_names(
                    " ".join(
                        html.unescape(part.decode("utf-8", "replace"))
                        for part in parts
                        if isinstance(part, bytes)
                    )
                )
                for recipient in envelope.rcpt_tos:
                    receiver, _, channel = recipient.split("@")[0].partition("+")
                    inbox.add(receiver, channel, names or ["?"])
                return "250 OK"

        self.port = port
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
