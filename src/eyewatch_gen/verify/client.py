"""The one module that speaks the Prometheus HTTP API: read-only GET requests, with the access
options a real server needs (bearer token or basic auth from files, a CA file, a timeout) and a
bounded number of concurrent queries.

API: https://prometheus.io/docs/prometheus/latest/querying/api/ . Mimir and the Thanos
querier serve the same API under a path prefix (`https://mimir.example/prometheus`), which is
kept. Nothing here sends anything but GET: verify never writes to the server. Credentials are
sent as headers and never appear in a message.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import ssl
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from eyewatch_gen.problems import EyewatchError, UsageError

T = TypeVar("T")
R = TypeVar("R")


class UnavailableError(EyewatchError):
    """The URL is not a Prometheus API we can use (unreachable, refused, not JSON, ...), or a
    server we started did not come up."""


class QueryError(Exception):
    """The server answered a query with an error (bad expression, a limit, a timeout)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class Access:
    """How to reach the server. Secrets are read from files, never given on the command line."""

    bearer_token_file: Path | None = None
    basic_auth_user: str | None = None
    basic_auth_password_file: Path | None = None
    ca_file: Path | None = None
    timeout: float = 30.0
    concurrency: int = 4


class PrometheusClient:
    """Queries against one Prometheus-compatible API."""

    def __init__(self, url: str, access: Access | None = None) -> None:
        self.access = access or Access()
        self.base = base_url(url)
        self._headers = {"Accept": "application/json", **_authorization(self.access)}
        self._tls = _tls_context(self.access.ca_file) if self.base.startswith("https") else None

    def probe(self) -> None:
        """Fail with one clear line unless the URL answers PromQL like Prometheus does."""
        try:
            data = self.get("/api/v1/query", {"query": "time()"})
        except QueryError as error:
            raise UnavailableError(f"{self.base}: a test query failed ({error})") from None
        if not isinstance(data, dict) or data.get("resultType") != "scalar":
            raise UnavailableError(f"{self.base}: the answer to a query is not Prometheus's")

    def version(self) -> str | None:
        """The server's version, when it says (Prometheus does, some compatible APIs do not)."""
        try:
            data = self.get("/api/v1/status/buildinfo", {})
        except (UnavailableError, QueryError):
            return None
        return str(data.get("version")) if isinstance(data, dict) else None

    def query(self, expr: str, at: float | None = None) -> list[dict[str, Any]]:
        """An instant query; the result vector (series with `metric` and `value`)."""
        params = {"query": expr} | ({} if at is None else {"time": _seconds(at)})
        data = self.get("/api/v1/query", params)
        return list(data.get("result", [])) if data.get("resultType") == "vector" else []

    def query_range(self, expr: str, start: float, end: float, step: float) -> list[dict[str, Any]]:
        """A range query; the result matrix (series with `metric` and `values`)."""
        params = {"query": expr, "start": _seconds(start), "end": _seconds(end)}
        data = self.get("/api/v1/query_range", params | {"step": _seconds(step)})
        return list(data.get("result", []))

    def label_values(self, label: str) -> list[str]:
        """Every value of `label` (`__name__`: every metric name)."""
        data = self.get(f"/api/v1/label/{urllib.parse.quote(label)}/values", {})
        return [str(v) for v in data] if isinstance(data, list) else []

    def rule_groups(self) -> list[dict[str, Any]]:
        """The rule groups the server has loaded, with each rule's health."""
        return list(self.get("/api/v1/rules", {}).get("groups", []))

    def alerts(self) -> list[dict[str, Any]]:
        """The alerts the server's rules have active now (pending or firing)."""
        return list(self.get("/api/v1/alerts", {}).get("alerts", []))

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """`function` over `items`, at most `concurrency` at a time, results in order; the first
        failure cancels what has not started."""
        if len(items) <= 1 or self.access.concurrency <= 1:
            return [function(item) for item in items]
        pool = ThreadPoolExecutor(max_workers=min(self.access.concurrency, len(items)))
        try:
            futures = [pool.submit(function, item) for item in items]
            return [future.result() for future in futures]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def get(self, path: str, params: dict[str, str]) -> Any:
        """GET `path` under the base URL; the `data` of a successful answer."""
        query = urllib.parse.urlencode(params)
        url = f"{self.base}{path}" + (f"?{query}" if query else "")
        status, kind, body = self._fetch(url)
        return _data(self.base, status, kind, body)

    def _fetch(self, url: str) -> tuple[int, str, bytes]:
        request = urllib.request.Request(url, headers=self._headers, method="GET")
        timeout = self.access.timeout
        try:
            with urllib.request.urlopen(request, timeout=timeout, context=self._tls) as answer:
                return answer.status, answer.headers.get_content_type(), answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get_content_type(), error.read()
        except urllib.error.URLError as error:
            raise UnavailableError(f"{self.base}: {_reason(error.reason, timeout)}") from None
        except (TimeoutError, OSError, http.client.HTTPException) as error:
            raise UnavailableError(f"{self.base}: {_reason(error, timeout)}") from None


def base_url(url: str) -> str:
    """The API base: scheme, host, port and any path prefix, without a trailing slash."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            "--prometheus: give an http:// or https:// URL, e.g. http://127.0.0.1:9090"
        )
    if parts.username is not None or parts.password is not None:
        raise UsageError(
            "--prometheus: the URL must not carry credentials; use --basic-auth-user with "
            "--basic-auth-password-file, or --bearer-token-file"
        )
    if parts.query or parts.fragment:
        raise UsageError("--prometheus: give the server's base URL, without a query string")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def _authorization(access: Access) -> dict[str, str]:
    if access.bearer_token_file and access.basic_auth_user:
        raise UsageError("give either --bearer-token-file or --basic-auth-user, not both")
    if access.bearer_token_file:
        token = _secret(access.bearer_token_file, "--bearer-token-file")
        return {"Authorization": f"Bearer {token}"}
    if access.basic_auth_user is not None:
        if access.basic_auth_password_file is None:
            raise UsageError("--basic-auth-user needs --basic-auth-password-file")
        password = _secret(access.basic_auth_password_file, "--basic-auth-password-file")
        pair = f"{access.basic_auth_user}:{password}".encode()
        return {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
    if access.basic_auth_password_file is not None:
        raise UsageError("--basic-auth-password-file needs --basic-auth-user")
    return {}


def _secret(path: Path, option: str) -> str:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise UsageError(f"{option} {path}: cannot read it ({error.strerror})") from None
    if not value:
        raise UsageError(f"{option} {path}: the file is empty")
    return value


def _tls_context(ca_file: Path | None) -> ssl.SSLContext:
    if ca_file is not None and not ca_file.is_file():
        raise UsageError(f"--ca-file {ca_file}: no such file")
    try:
        return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    except ssl.SSLError as error:
        raise UsageError(f"--ca-file {ca_file}: not a PEM certificate ({error.reason})") from None


def _reason(error: object, timeout: float) -> str:
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout:g}s (raise --timeout for a slow server)"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused (is Prometheus listening there?)"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS: {error.verify_message} (give the server's CA with --ca-file)"
    if isinstance(error, ssl.SSLError):
        return f"TLS: {error.reason}"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error) or type(error).__name__


def _data(base: str, status: int, kind: str, body: bytes) -> Any:
    if status in (401, 403):
        return _refused(base, status)
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if not isinstance(document, dict) or "status" not in document:
        raise UnavailableError(
            f"{base}: HTTP {status} with {kind}, not the Prometheus API: give the server's base "
            "URL (with any path prefix, e.g. https://mimir.example/prometheus)"
        )
    if document["status"] != "success":
        raise QueryError(str(document.get("errorType", "error")), str(document.get("error", "")))
    return document.get("data")


def _refused(base: str, status: int) -> Any:
    word = "Unauthorized" if status == 401 else "Forbidden"
    raise UnavailableError(
        f"{base}: HTTP {status} {word}: the server refused the request (check "
        "--bearer-token-file or --basic-auth-user/--basic-auth-password-file)"
    )


def _seconds(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def wait_ready(
    url: str,
    process: subprocess.Popen[bytes],
    log: Path,
    seconds: float = 30,
    *,
    config: str | None = None,
    port: int | None = None,
) -> None:
    """Wait until a server we started answers `url`; fail early, in one line saying why, when
    its process died (the `port` taken by another process, or what it said about `config`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise UnavailableError(_why_it_stopped(log, config, port))
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise UnavailableError(f"{log.stem} did not become ready on {url} within {seconds:g}s")


def _why_it_stopped(log: Path, config: str | None, port: int | None) -> str:
    text = log.read_text(errors="replace")
    if "address already in use" in text:
        where = f"port 127.0.0.1:{port}" if port else "its port"
        return f"{log.stem}: {where} was taken by another process before it could listen; try again"
    errors = re.findall(r'err="((?:[^"\\]|\\.)*)"', text)
    said = errors[-1].replace('\\"', '"') if errors else (text.strip().splitlines() or ["-"])[-1]
    said = " ".join(said.split())
    return f"{config}: {log.stem} refuses it: {said}" if config else f"{log.stem} exited: {said}"
