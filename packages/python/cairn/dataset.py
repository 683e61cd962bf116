"""Datasets for training loops: a dataset version's members and their bytes, read from ``cairn serve``.

The version is pinned at construction: the ref ("corpus@3", "corpus@latest") is resolved once
to its version id, and every later read asks for ``<dataset>@<version id>``, so a build cut while
a job trains never changes what it reads. Members come from the server's paginated members
listing, bytes from ``GET /v1/cfs/{cf}/content`` (signed; the reader role or the author).

An erased member is never skipped in silence. With ``on_erased="raise"`` (the default) reading it
raises :class:`ErasedMemberError` naming the CF; with ``on_erased="mark"`` the item is
``(None, metadata)`` with ``metadata["erased"] = True``, for a ``collate_fn`` that drops and counts.
"""
from __future__ import annotations

import operator
from typing import Iterator, List, Optional, Tuple

from .client import CairnClient, CairnError

__all__ = ["CairnDataset", "CairnIterableDataset", "ErasedMemberError"]

try:  # torch is optional: with it, the classes are torch datasets (DataLoader takes them either way).
    from torch.utils.data import Dataset as _MapBase, IterableDataset as _IterBase, get_worker_info as _worker_info
except ImportError:  # pragma: no cover - depends on the machine
    _MapBase = object
    _IterBase = object

    def _worker_info():
        return None


class ErasedMemberError(LookupError):
    """A member whose sample was erased: its key is shredded and its bytes can never be read again."""

    def __init__(self, cf_id: str, detail: str = ""):
        super().__init__(f"member {cf_id} was erased{': ' + detail if detail else ''}")
        self.cf_id = cf_id


_ON_ERASED = ("raise", "mark")


def _client_of(url_or_client, key) -> CairnClient:
    return url_or_client if isinstance(url_or_client, CairnClient) else CairnClient(url_or_client, key=key)


class _Pinned:
    """A version resolved once: its dataset name, id and member count."""

    def __init__(self, client: CairnClient, ref: str, page_size: int, on_erased: str):
        if on_erased not in _ON_ERASED:
            raise ValueError(f"on_erased: expected one of {_ON_ERASED}, got {on_erased!r}")
        if not (1 <= page_size <= 1000):
            raise ValueError(f"page_size: expected 1 to 1000 members a page, got {page_size}")
        self.client = client
        self.page_size = page_size
        self.on_erased = on_erased
        first = client.version(ref, limit=page_size)
        self.dataset: str = first["dataset"]
        self.version_id: str = first["versionId"]
        self.ordinal = first.get("ordinal")
        self.member_count: int = int(first["version"]["memberCount"])
        self.ref = f"{self.dataset}@{self.version_id}"
        self._first = first

    def pages(self) -> Iterator[List[dict]]:
        """Member pages in the version's order, the first one from the resolution itself."""
        page = self._first
        while True:
            if page["versionId"] != self.version_id:
                raise CairnError(500, "Version changed", f"asked for {self.version_id}, got {page['versionId']}")
            yield page["members"]
            cursor = page.get("nextCursor")
            if not cursor:
                return
            page = self.client.version(self.ref, limit=self.page_size, cursor=cursor)

    def item(self, index: int, member: dict) -> Tuple[Optional[bytes], dict]:
        metadata = dict(member, index=index, dataset=self.dataset, versionId=self.version_id, erased=False)
        try:
            return self.client.content(member["cfId"]), metadata
        except CairnError as e:
            if e.status != 410:
                raise
            if self.on_erased == "raise":
                raise ErasedMemberError(member["cfId"], e.detail) from None
            metadata["erased"] = True
            return None, metadata


class CairnDataset(_MapBase):
    """A map-style dataset over one pinned version: ``ds[i]`` is ``(bytes, metadata)``.

    ``CairnDataset("http://127.0.0.1:7420", "corpus@3", key=load_key("store/signers/trainer.json"))``.
    The member list (ids and metadata, not bytes) is read once, page by page; bytes are read per
    item, so it pickles small into DataLoader workers.
    """

    def __init__(self, url, ref: str, key=None, page_size: int = 1000, on_erased: str = "raise"):
        self._pinned = _Pinned(_client_of(url, key), ref, page_size, on_erased)
        self._members: List[dict] = [m for page in self._pinned.pages() for m in page]
        if len(self._members) != self._pinned.member_count:
            raise CairnError(
                500, "Incomplete member list", f"{self._pinned.ref} has {self._pinned.member_count} members, pages gave {len(self._members)}"
            )

    @property
    def version_id(self) -> str:
        return self._pinned.version_id

    @property
    def dataset(self) -> str:
        return self._pinned.dataset

    @property
    def ref(self) -> str:
        """``<dataset>@<version id>``: the pinned version, as record_run takes it."""
        return self._pinned.ref

    @property
    def cf_ids(self) -> List[str]:
        return [m["cfId"] for m in self._members]

    def member(self, index: int) -> dict:
        return self._members[index]

    def __len__(self) -> int:
        return len(self._members)

    def __getitem__(self, index: int) -> Tuple[Optional[bytes], dict]:
        # operator.index also takes numpy and torch integer scalars, as samplers may yield them.
        if isinstance(index, bool):
            raise TypeError("index: expected an int, got bool")
        try:
            index = operator.index(index)
        except TypeError:
            raise TypeError(f"index: expected an int, got {type(index).__name__}") from None
        if index < 0:
            index += len(self._members)
        if not 0 <= index < len(self._members):
            raise IndexError(f"index {index} out of range for {len(self._members)} members")
        return self._pinned.item(index, self._members[index])


class CairnIterableDataset(_IterBase):
    """Streams a pinned version page by page: ``(bytes, metadata)`` per member, in the version's order.

    Under a multi-worker DataLoader each worker yields every n-th member (worker i the members
    whose index is i mod n), so each member is read once.
    """

    def __init__(self, url, ref: str, key=None, page_size: int = 100, on_erased: str = "raise"):
        self._pinned = _Pinned(_client_of(url, key), ref, page_size, on_erased)

    @property
    def version_id(self) -> str:
        return self._pinned.version_id

    @property
    def ref(self) -> str:
        return self._pinned.ref

    def __len__(self) -> int:
        return self._pinned.member_count

    def __iter__(self) -> Iterator[Tuple[Optional[bytes], dict]]:
        info = _worker_info()
        worker, workers = (0, 1) if info is None else (info.id, info.num_workers)
        index = 0
        for page in self._pinned.pages():
            for member in page:
                if index % workers == worker:
                    yield self._pinned.item(index, member)
                index += 1
