"""The training side's facts, signed here and appended through ``POST /v1/events``.

``record_run`` appends ``TrainingRunRecorded`` and ``record_gradients`` ``GradientsRecorded``
with the payloads ``cairn record-run`` / ``cairn record-gradients`` build for the same inputs,
signed with the contributor's key in this process (the server never holds a secret key). Ed25519
signatures are deterministic, so the envelope is byte for byte the one the CLI would append.

``BatchRecorder`` wraps a DataLoader ``collate_fn`` and keeps which CF ids each batch held; its
per-batch RFC 6962 roots are the run record's ``batchRoots`` and the full list is written as a
per-run artifact (canonical JSON, named by its SHA-256).
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Union

from .canonical import canonicalize, canonical_bytes
from .client import CairnClient
from .ids import event_id, merkle_root, signing_bytes
from .npy import npy_bytes, npy_shape

__all__ = ["sign_event", "run_payload", "record_run", "record_gradients", "BatchRecorder", "batch_root"]

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_SEED_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
KINDS = ("output-gradients", "loss-gradients")


def sign_event(event_type: str, payload, key) -> dict:
    """The signed envelope ``{type, payload, signer, signature}`` (signature: hex Ed25519 over the signing bytes)."""
    signature = key.sign(signing_bytes(event_type, payload, key.contributor_id))
    return {"type": event_type, "payload": payload, "signer": key.contributor_id, "signature": signature.hex()}


def _client(url, key) -> CairnClient:
    return url if isinstance(url, CairnClient) else CairnClient(url, key=key)


def _append_one(client: CairnClient, key, event_type: str, payload) -> dict:
    envelope = sign_event(event_type, payload, key)
    answer = client.append([envelope])
    receipt = answer["receipts"][0]
    expected = event_id(event_type, payload, key.contributor_id)
    if receipt["id"] != expected:  # the server computed another id: the two sides disagree on bytes
        raise RuntimeError(f"the server recorded {receipt['id']} where this client computed {expected}")
    return {"eventId": receipt["id"], "receipt": receipt, "envelope": envelope}


def _version_of(client: CairnClient, dataset) -> Dict[str, str]:
    if hasattr(dataset, "version_id") and hasattr(dataset, "ref"):
        name = dataset.ref.rsplit("@", 1)[0]
        return {"name": name, "versionId": dataset.version_id}
    if not isinstance(dataset, str) or "@" not in dataset:
        raise ValueError(f"dataset: expected NAME@VERSION or a CairnDataset, got {dataset!r}")
    v = client.version(dataset, limit=1)
    return {"name": v["dataset"], "versionId": v["versionId"]}


def _seeds(seeds) -> Dict[str, int]:
    if seeds is None:
        return {}
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        seeds = {"training": seeds}
    if not isinstance(seeds, Mapping):
        raise ValueError("seeds: expected an int (the training seed) or {name: int}")
    for name, value in seeds.items():
        if not isinstance(name, str) or not _SEED_NAME.match(name):
            raise ValueError(f"seeds: {name!r} is not a seed name")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2**53 - 1:
            raise ValueError(f"seeds.{name}: expected a non-negative integer below 2^53, got {value!r}")
    return dict(seeds)


def run_payload(
    version: Mapping[str, str],
    code_version: str,
    model_hash: str,
    seeds=None,
    hyperparameters: Optional[Mapping] = None,
    environment: Optional[Mapping[str, str]] = None,
    run_id: Optional[str] = None,
    batch_roots: Optional[Sequence[str]] = None,
) -> dict:
    """The ``TrainingRunRecorded`` payload; ``runId`` by default as the CLI derives it:
    ``run-`` + the first 16 hex of SHA-256 over the canonical body (batch roots included when given)."""
    if not isinstance(model_hash, str) or not _HEX64.match(model_hash):
        raise ValueError("model_hash: expected 64 lowercase hex (SHA-256 of the weights)")
    if not isinstance(code_version, str) or not code_version:
        raise ValueError("code_version: expected a non-empty string (e.g. a git commit)")
    hyper = {} if hyperparameters is None else dict(hyperparameters)
    env = {} if environment is None else dict(environment)
    for k, v in env.items():
        if not isinstance(k, str) or not k or not isinstance(v, str) or not v:
            raise ValueError(f"environment.{k}: expected non-empty strings")
    body = {
        "dataset": {"name": version["name"], "versionId": version["versionId"]},
        "codeVersion": code_version,
        "seeds": _seeds(seeds),
        "hyperparameters": hyper,
        "environment": env,
        "modelHash": model_hash,
    }
    if batch_roots is not None:
        roots = list(batch_roots)
        for i, r in enumerate(roots):
            if not isinstance(r, str) or not _HEX64.match(r):
                raise ValueError(f"batch_roots[{i}]: expected 64 lowercase hex")
        body["batchRoots"] = roots
    rid = run_id or "run-" + hashlib.sha256(canonicalize(body).encode("utf-8")).hexdigest()[:16]
    return {"runId": rid, **body}


def record_run(
    url,
    key,
    dataset,
    code_version: str,
    model_hash: str,
    seeds=None,
    hyperparameters: Optional[Mapping] = None,
    environment: Optional[Mapping[str, str]] = None,
    run_id: Optional[str] = None,
    batches: Optional["BatchRecorder"] = None,
) -> dict:
    """Append ``TrainingRunRecorded`` for a run on ``dataset`` (NAME@VERSION or a pinned CairnDataset).

    ``batches``: a :class:`BatchRecorder` whose batch roots go into the record. Answers
    ``{"runId", "eventId", "receipt", "envelope", "payload"}``.
    """
    client = _client(url, key)
    payload = run_payload(
        _version_of(client, dataset),
        code_version,
        model_hash,
        seeds,
        hyperparameters,
        environment,
        run_id,
        None if batches is None else batches.roots(),
    )
    return {"runId": payload["runId"], "payload": payload, **_append_one(client, key, "TrainingRunRecorded", payload)}


def _keep_artifact(client: CairnClient, directory, data: bytes, kind: str) -> str:
    """Uploads the artifact (no folder given) or writes it into the folder; answers its SHA-256."""
    if directory is not None:
        return _store_artifact(directory, data, ".npy")
    digest = hashlib.sha256(data).hexdigest()
    stored = client.put_artifact(data, kind)
    if stored.get("contentHash") != digest:  # the server kept other bytes: the two sides disagree
        raise RuntimeError(f"the server stored {stored.get('contentHash')} where this client computed {digest}")
    return digest


def _store_artifact(directory, data: bytes, suffix: str) -> str:
    digest = hashlib.sha256(data).hexdigest()
    os.makedirs(directory, exist_ok=True)
    target = os.path.join(directory, digest + suffix)
    if os.path.exists(target):
        with open(target, "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() == digest:
                return digest
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)  # a reader never sees half a file
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return digest


def record_gradients(
    url,
    key,
    run_id: str,
    split: str,
    gradients,
    row_map: Union[Sequence[str], object],
    artifacts_dir=None,
    kind: Optional[str] = None,
    weights=None,
) -> dict:
    """Store a run's per-example gradients (rows × dims float32) and append ``GradientsRecorded``.

    ``gradients``: a numpy array, rows of numbers, or an .npy path. ``row_map``: the CF id of each
    row, or a CairnDataset (its members in order). ``artifacts_dir``: None (the default) uploads the
    .npy to the server by its SHA-256 (``PUT /v1/artifacts/{hash}``); a folder writes it there
    instead (``<store>/artifacts`` of a store this process shares with the server).
    """
    if split not in ("train", "query"):
        raise ValueError("split: expected train or query")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind: expected output-gradients or loss-gradients, got {kind!r}")
    if split == "query" and kind == "loss-gradients":
        raise ValueError("kind: a query row is the gradient of the output being explained: use output-gradients")
    if weights is not None and (split != "train" or kind != "output-gradients"):
        raise ValueError("weights: only with split train and kind output-gradients")
    rows_of = list(row_map.cf_ids) if hasattr(row_map, "cf_ids") else list(row_map)
    for i, cf in enumerate(rows_of):
        if not isinstance(cf, str) or not _HEX64.match(cf):
            raise ValueError(f"row_map[{i}]: expected a CF id (64 lowercase hex)")
    data = npy_bytes(gradients)
    shape = npy_shape(data)
    if len(shape) != 2 or shape[0] == 0 or shape[1] == 0:
        raise ValueError(f"gradients: expected a non-empty 2-D matrix, got shape {shape}")
    rows, dims = shape
    if rows != len(rows_of):
        raise ValueError(f"row_map: the artifact has {rows} rows but the row map names {len(rows_of)} CFs")
    weight_data = None
    if weights is not None:
        weight_data = npy_bytes(weights, one_dimensional=True)
        wshape = npy_shape(weight_data)
        if wshape not in ((rows,), (rows, 1)):
            raise ValueError(f"weights: {wshape} for {rows} rows: give one weight per row")
    client = _client(url, key)
    content_hash = _keep_artifact(client, artifacts_dir, data, "gradients")
    payload = {
        "runId": run_id,
        "split": split,
        "artifact": {"contentHash": content_hash, "format": "npy", "rows": rows, "dims": dims, "dtype": "float32"},
        "rowMap": rows_of,
    }
    if kind is not None:
        payload["kind"] = kind
    if weight_data is not None:
        payload["weights"] = {
            "contentHash": _keep_artifact(client, artifacts_dir, weight_data, "weights"),
            "format": "npy",
            "rows": rows,
            "dtype": "float32",
        }
    return {"payload": payload, **_append_one(client, key, "GradientsRecorded", payload)}


def batch_root(cf_ids: Sequence[str]) -> str:
    """RFC 6962 root over a batch's CF ids (each leaf the id's 32 bytes), in batch order."""
    return merkle_root([bytes.fromhex(cf) for cf in cf_ids]).hex()


def _ids_of(item) -> str:
    meta = item[1] if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], dict) else item
    if isinstance(meta, dict) and isinstance(meta.get("cfId"), str):
        return meta["cfId"]
    raise ValueError("BatchRecorder: each item must be (bytes, metadata) with metadata['cfId'] (as CairnDataset gives)")


class BatchRecorder:
    """A ``collate_fn`` that records which CF ids each batch held, then collates with ``collate_fn``.

    ``DataLoader(ds, batch_size=32, collate_fn=recorder)``; after training,
    ``recorder.write(artifacts_dir)`` stores the batch list and ``record_run(..., batches=recorder)``
    puts each batch's root into the run record. It records in the process that collates: with
    ``num_workers > 0`` the workers' copies would record instead, so it refuses to run in one.
    """

    def __init__(self, collate_fn: Optional[Callable] = None):
        # torch's default_collate cannot stack bytes, so the default hands the batch on as a list
        # of (bytes, metadata); a real loop passes the collate that turns bytes into tensors.
        self.collate_fn = list if collate_fn is None else collate_fn
        self.batches: List[List[str]] = []

    def __call__(self, batch):
        try:
            from torch.utils.data import get_worker_info

            if get_worker_info() is not None:
                raise RuntimeError("BatchRecorder records in the main process: use num_workers=0, or record ids in the loop")
        except ImportError:
            pass
        self.batches.append([_ids_of(item) for item in batch])
        return self.collate_fn(batch)

    def roots(self) -> List[str]:
        return [batch_root(b) for b in self.batches]

    def artifact(self) -> bytes:
        """Canonical JSON ``{"batches": [[cf ids]...], "roots": [...]}``: the per-run batch artifact."""
        return canonical_bytes({"batches": self.batches, "roots": self.roots()})

    def write(self, artifacts_dir) -> str:
        """Stores the artifact as ``<sha256>.json``; answers its SHA-256."""
        return _store_artifact(artifacts_dir, self.artifact(), ".json")
