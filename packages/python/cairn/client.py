"""A small HTTP client for ``cairn serve``: every request signed (RFC 9421) when a key is given.

Answers are the server's JSON; a refusal raises :class:`CairnError` carrying the problem
document (RFC 9457) the server sent: its status, type, detail and, when a field was at fault,
which field and why.
"""
from __future__ import annotations

import hashlib
import json
from typing import Mapping, Optional
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode, urlsplit
from urllib.request import Request, urlopen

from .httpsig import content_digest, sign_request

__all__ = ["CairnClient", "CairnError"]


class CairnError(Exception):
    """A request the server refused or could not answer."""

    def __init__(self, status: int, title: str, detail: str, problem: Optional[dict] = None):
        super().__init__(f"{status} {title}: {detail}" if detail else f"{status} {title}")
        self.status = status
        self.title = title
        self.detail = detail
        self.problem = problem or {}

    @property
    def type(self) -> str:
        return str(self.problem.get("type", ""))


def _segment(text: str) -> str:
    return quote(text, safe="@")


class CairnClient:
    """``CairnClient("http://127.0.0.1:7420", key=load_key(...))``; picklable (no connection is held)."""

    def __init__(self, url: str, key=None, timeout: float = 60.0):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"url {url!r}: expected http(s)://host:port")
        self.url = url.rstrip("/")
        self.key = key
        self.timeout = timeout

    def _request(
        self,
        method: str,
        path: str,
        query: Optional[Mapping[str, object]] = None,
        body: Optional[bytes] = None,
        content_type: str = "application/json",
    ):
        url = self.url + path
        if query:
            url += "?" + urlencode({k: str(v) for k, v in query.items() if v is not None})
        headers = {"Accept": "application/json", "Host": urlsplit(url).netloc.lower()}
        if body is not None:
            headers["Content-Type"] = content_type
        if self.key is not None:
            headers.update(sign_request(method, url, self.key, body=body))
        request = Request(url, data=body, method=method, headers=headers)
        try:
            with urlopen(request, timeout=self.timeout) as response:
                return response.status, response.headers, response.read()
        except HTTPError as e:
            raw = e.read()
            try:
                problem = json.loads(raw)
            except ValueError:
                problem = {}
            if not isinstance(problem, dict):
                problem = {}
            detail = str(problem.get("detail", raw[:200].decode("utf-8", "replace")))
            raise CairnError(e.code, str(problem.get("title", e.reason)), detail, problem) from None
        except URLError as e:
            raise CairnError(0, "Unreachable", f"{self.url}: {e.reason}") from None

    def get_json(self, path: str, query: Optional[Mapping[str, object]] = None):
        _, _, raw = self._request("GET", path, query)
        return json.loads(raw)

    def put_artifact(self, data: bytes, kind: str = "gradients") -> dict:
        """Upload a float32 .npy by its SHA-256 (``PUT /v1/artifacts/{hash}``); the same bytes again are a no-op."""
        digest = hashlib.sha256(data).hexdigest()
        _, _, raw = self._request("PUT", f"/v1/artifacts/{digest}", {"kind": kind}, data, "application/octet-stream")
        return json.loads(raw)

    def post_json(self, path: str, value) -> dict:
        _, _, raw = self._request("POST", path, body=json.dumps(value, separators=(",", ":")).encode("utf-8"))
        return json.loads(raw)

    # The reads a training job needs; anything else is get_json on a path of /openapi.json.
    def version(self, ref: str, limit: Optional[int] = None, cursor: Optional[str] = None) -> dict:
        """A version and one page of its members (``ref``: NAME@N, NAME@latest or NAME@<version id>)."""
        return self.get_json(f"/v1/versions/{_segment(ref)}", {"limit": limit, "cursor": cursor})

    def content(self, cf_id: str) -> bytes:
        """A sample's decrypted bytes (the reader role or its author); 410 when it was erased.

        The bytes are checked against the answer's Content-Digest (RFC 9530), so a truncated or
        altered body is an error, not a training example."""
        _, headers, raw = self._request("GET", f"/v1/cfs/{_segment(cf_id)}/content")
        digest = headers.get("Content-Digest")
        if digest is not None and "sha-256=" in digest and content_digest(raw) not in digest:
            raise CairnError(502, "Content digest mismatch", f"the bytes of {cf_id} do not match the Content-Digest the server sent")
        return raw

    def append(self, envelopes) -> dict:
        """POST signed envelopes to /v1/events as one batch; the ledger takes all or none."""
        return self.post_json("/v1/events", {"events": [{"envelope": e} for e in envelopes]})
