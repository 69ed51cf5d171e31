"""Server addresses: which settings select the server store, and the URL with its password masked."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://")
MASK = "***"
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"(postgres(?:ql)?://[^:/@\s]*:)([^@\s]*)(@)", re.IGNORECASE)
_QUERY_PASSWORD = re.compile(r"([?&]password=)([^&\s]*)", re.IGNORECASE)


def is_server_url(value: str) -> bool:
    """A libpq URL, or a keyword conninfo (`host=db dbname=agentui`)."""
    text = value.strip()
    return text.lower().startswith(SCHEMES) or ("=" in text and "://" not in text)


def mask_url(url: str) -> str:
    """The URL as it may be printed or logged: any password replaced by `***`."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return mask_secrets(url)
    if parts.scheme.lower() not in ("postgresql", "postgres"):
        return mask_secrets(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostinfo = netloc.rpartition("@")
        user, sep, _password = userinfo.partition(":")
        netloc = f"{user}{':' + MASK if sep else ''}@{hostinfo}"
    query = urlencode([(k, MASK if k.lower() == "password" else v) for k, v in parse_qsl(parts.query)], safe="/*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def mask_secrets(text: str, url: str = "") -> str:
    """Any password in a message (a driver error may quote the conninfo) replaced by `***`."""
    text = _URL_PASSWORD.sub(rf"\1{MASK}\3", text)
    text = _QUERY_PASSWORD.sub(rf"\1{MASK}", text)
    text = _KEYWORD_PASSWORD.sub(rf"\1{MASK}", text)
    password = _password_of(url)
    if password and len(password) >= 3:
        text = text.replace(password, MASK)
    return text


def _password_of(url: str) -> str:
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        if parts.password:
            from urllib.parse import unquote

            return unquote(parts.password)
        for key, value in parse_qsl(parts.query):
            if key.lower() == "password":
                return value
    except ValueError:
        pass
    match = _KEYWORD_PASSWORD.search(url)
    return match[2].strip("'") if match else ""
