"""What in a URL (or a `host:port` address) is a credential, named without its value.

A credential in a URL ends up in every file, test and document that shows the URL. Found
here: userinfo (`user:password@`, or a token as the user name), query, matrix (`;token=`)
and fragment (`#access_token=`) parameters whose name says credential (token, key, secret,
password, signature, code, session, ...) or whose value is a well-known token format, and
tokens in the path of services that put them there (Slack, Discord, Microsoft Teams,
Telegram and Mattermost webhooks, PagerDuty integration keys, JWTs, GitHub, GitLab, Slack and
AWS key formats). Unrecognisable random path segments are not guessed at.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, urlsplit

_NAMES = re.compile(
    r"token|secret|passw|pwd|apikey|signature|credential|session|bearer|authorization|"
    r"privatekey|accesskey|clientsecret"
)
_EXACT = frozenset({"key", "sig", "code", "auth", "pass", "pw", "otp", "hmac", "jwt", "sas"})
_TOKEN = re.compile(
    r"(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|glpat-[\w-]{20,}|xox[abposr]-[\w-]{10,}"
    r"|AKIA[0-9A-Z]{16}|sk_live_\w{16,}|eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*)"
)
_PATHS = (  # (host, path, service) of webhooks that carry their token in the path
    (r"(^|\.)hooks\.slack\.com$", r"^/services/[^/]+/[^/]+/[^/]+", "Slack webhook"),
    (r"(^|\.)discord(app)?\.com$", r"^/api/webhooks/\d+/[^/]+", "Discord webhook"),
    (r"\.webhook\.office\.com$", r"^/webhookb2/", "Microsoft Teams webhook"),
    (r"^api\.telegram\.org$", r"^/bot\d+:[^/]+", "Telegram bot"),
    (r"", r"/hooks/[A-Za-z0-9]{20,}(/|$)", "webhook"),
    (r"(^|\.)pagerduty\.com$", r"/integration/[0-9a-f]{32}(/|$)", "PagerDuty integration"),
)


def url_credentials(url: str) -> str | None:
    """What credential `url` carries, in words (`user:password@`, `query parameter
    'access_token'`, ...), or None. Never the value."""
    try:
        parts = urlsplit(url.strip())
        userinfo = _userinfo(parts)
    except ValueError:
        return None
    return userinfo or _parameters(parts) or _path_token(parts)


def address_credentials(address: str) -> str | None:
    """Like `url_credentials`, for a `host:port` address (a scrape target, an Alertmanager)."""
    return url_credentials(address if "//" in address else f"//{address}")


def _userinfo(parts: SplitResult) -> str | None:
    if parts.password is not None:
        return "a password in user:password@"
    if parts.username is not None:
        return "a user name (or token) in user@"
    return None


def _parameters(parts: SplitResult) -> str | None:
    fragment_query = parts.fragment.split("?", 1)[-1]
    places = (("query", parts.query), ("fragment", fragment_query))
    for place, text in places:
        for name, value in parse_qsl(text, keep_blank_values=True):
            if credential_name(name) or _TOKEN.search(value):
                return f"{place} parameter {name!r}"
    for segment in parts.path.split("/"):
        for parameter in segment.split(";")[1:]:
            name, _, value = parameter.partition("=")
            if credential_name(name) or _TOKEN.search(value):
                return f"matrix parameter {name!r}"
    return None


def _path_token(parts: SplitResult) -> str | None:
    host = (parts.hostname or "").lower()
    for hosts, path, service in _PATHS:
        if re.search(hosts, host) and re.search(path, parts.path):
            return f"a {service} token in the path"
    if _TOKEN.search(parts.path):
        return "a token in the path"
    return None


def credential_name(name: str) -> bool:
    """True when a parameter (or field) name says it holds a credential."""
    normalised = re.sub(r"[^a-z0-9]", "", name.lower())
    return normalised in _EXACT or normalised.endswith("key") or bool(_NAMES.search(normalised))
