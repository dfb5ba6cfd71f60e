"""The Prometheus HTTP client (`verify.client`) against small stdlib servers on loopback: every
bad answer is one clear line and exit 2, credentials are sent but never shown, a path prefix is
kept, and nothing but GET is ever sent."""

from __future__ import annotations

import base64
import json
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import MINIMAL, Run, require_tool
from eyewatch_gen.problems import UsageError
from eyewatch_gen.verify.client import Access, PrometheusClient, UnavailableError, base_url

Cli = Callable[..., Run]
Reply = tuple[int, str, bytes]
SCALAR = json.dumps({"status": "success", "data": {"resultType": "scalar", "result": [1, "1"]}})


class _Fake:
    """A server whose answer to every request is `reply(handler)`; it records what it saw."""

    def __init__(self, reply: Callable[[BaseHTTPRequestHandler], Reply]) -> None:
        self.seen: list[tuple[str, str, str | None]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.seen.append(("GET", self.path, self.headers.get("Authorization")))
                status, kind, body = reply(self)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def fake() -> Iterator[Callable[[Callable[[BaseHTTPRequestHandler], Reply]], _Fake]]:
    started: list[_Fake] = []

    def start(reply: Callable[[BaseHTTPRequestHandler], Reply]) -> _Fake:
        started.append(_Fake(reply))
        return started[-1]

    yield start
    for server in started:
        server.server.shutdown()
        server.server.server_close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _html(_: BaseHTTPRequestHandler) -> Reply:
    return 200, "text/html", b"<html><body>Grafana</body></html>"


def _unauthorized(_: BaseHTTPRequestHandler) -> Reply:
    return 401, "text/plain", b"Unauthorized"


def _slow(_: BaseHTTPRequestHandler) -> Reply:
    time.sleep(3)
    return 200, "application/json", SCALAR.encode()


def _verify(cli: Cli, url: str, *extra: str) -> Run:
    return cli("verify", MINIMAL, "--prometheus", url, "--no-deployed", *extra)


@pytest.mark.parametrize(
    ("server", "extra", "says"),
    [
        (None, (), "connection refused"),
        (_html, (), "HTTP 200 with text/html, not the Prometheus API"),
        (_unauthorized, (), "HTTP 401 Unauthorized"),
        (_slow, ("--timeout", "0.5"), "no answer within 0.5s"),
    ],
    ids=["refused", "html", "unauthorized", "past-the-timeout"],
)
def test_bad_servers_are_one_line_and_exit_2(
    cli: Cli,
    fake: Callable[[Callable[[BaseHTTPRequestHandler], Reply]], _Fake],
    server: Callable[[BaseHTTPRequestHandler], Reply] | None,
    extra: tuple[str, ...],
    says: str,
) -> None:
    url = fake(server).url if server else f"http://127.0.0.1:{_free_port()}"
    result = _verify(cli, url, *extra)
    assert result.code == 2, result.out + result.err
    assert result.err.count("\n") == 1
    assert result.err.startswith(f"eyewatch-gen: {url}: ")
    assert says in result.err
    assert "Traceback" not in result.err
    assert result.out == ""


def test_bearer_token_is_sent_and_never_shown(
    fake: Callable[[Callable[[BaseHTTPRequestHandler], Reply]], _Fake], tmp_path: Path
) -> None:
    token = tmp_path / "token"
    token.write_text("s3cr3t-token\n")

    def reply(handler: BaseHTTPRequestHandler) -> Reply:
        if handler.headers.get("Authorization") == "Bearer s3cr3t-token":
            return 200, "application/json", SCALAR.encode()
        return 401, "text/plain", b"no"

    server = fake(reply)
    PrometheusClient(server.url, Access(bearer_token_file=token)).probe()
    with pytest.raises(UnavailableError) as refused:
        PrometheusClient(server.url).probe()
    assert "s3cr3t" not in str(refused.value)
    assert [method for method, _, _ in server.seen] == ["GET", "GET"]


def test_basic_auth_is_sent_and_never_shown(
    fake: Callable[[Callable[[BaseHTTPRequestHandler], Reply]], _Fake], tmp_path: Path
) -> None:
    password = tmp_path / "password"
    password.write_text("hunter2")
    server = fake(lambda _: (403, "text/plain", b"forbidden"))
    with pytest.raises(UnavailableError) as refused:
        PrometheusClient(server.url, Access(None, "ops", password)).probe()
    assert server.seen[0][2] == "Basic " + base64.b64encode(b"ops:hunter2").decode()
    assert "hunter2" not in str(refused.value)
    assert "HTTP 403 Forbidden" in str(refused.value)


def test_a_path_prefix_is_kept(
    fake: Callable[[Callable[[BaseHTTPRequestHandler], Reply]], _Fake],
) -> None:
    server = fake(lambda _: (200, "application/json", SCALAR.encode()))
    PrometheusClient(server.url + "/prometheus/").probe()
    assert server.seen[0][1] == "/prometheus/api/v1/query?query=time%28%29"


def test_concurrency_is_bounded(
    fake: Callable[[Callable[[BaseHTTPRequestHandler], Reply]], _Fake],
) -> None:
    active, most = [0], [0]
    lock = threading.Lock()

    def reply(_: BaseHTTPRequestHandler) -> Reply:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1
        return 200, "application/json", SCALAR.encode()

    client = PrometheusClient(fake(reply).url, Access(concurrency=3))
    client.map(lambda _: client.probe(), list(range(12)))
    assert most[0] == 3


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("127.0.0.1:9090", "give an http:// or https:// URL"),
        ("http://admin:pw@127.0.0.1:9090", "must not carry credentials"),
        ("http://127.0.0.1:9090/?x=1", "without a query string"),
    ],
    ids=["no-scheme", "credentials-in-url", "query-string"],
)
def test_bad_urls_are_usage_errors(url: str, says: str) -> None:
    with pytest.raises(UsageError, match=says) as raised:
        base_url(url)
    assert "pw" not in str(raised.value)


def test_secret_files_must_be_readable(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"--bearer-token-file .*: cannot read it"):
        PrometheusClient("http://127.0.0.1:1", Access(bearer_token_file=tmp_path / "missing"))
    with pytest.raises(UsageError, match="needs --basic-auth-password-file"):
        PrometheusClient("http://127.0.0.1:1", Access(basic_auth_user="ops"))


def test_https_needs_the_servers_ca(
    fake: Callable[[Callable[[BaseHTTPRequestHandler], Reply]], _Fake], tmp_path: Path
) -> None:
    openssl = require_tool("openssl")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    server = fake(lambda _: (200, "application/json", SCALAR.encode()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.server.socket = context.wrap_socket(server.server.socket, server_side=True)
    url = server.url.replace("http://", "https://")
    refused = r"TLS: self-signed certificate \(give the server.s CA with --ca-file\)"
    with pytest.raises(UnavailableError, match=refused):
        PrometheusClient(url).probe()
    PrometheusClient(url, Access(ca_file=cert)).probe()
