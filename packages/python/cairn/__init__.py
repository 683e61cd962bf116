"""Cairn's Python client: read dataset versions from ``cairn serve`` and record training runs.

Standard library only; numpy and torch are used when they are installed.
"""
from .client import CairnClient, CairnError
from .dataset import CairnDataset, CairnIterableDataset, ErasedMemberError
from .keys import KeyFileError, SigningKey, load_key
from .runs import BatchRecorder, batch_root, record_gradients, record_run, sign_event

__all__ = [
    "CairnClient",
    "CairnError",
    "CairnDataset",
    "CairnIterableDataset",
    "ErasedMemberError",
    "KeyFileError",
    "SigningKey",
    "load_key",
    "BatchRecorder",
    "batch_root",
    "record_gradients",
    "record_run",
    "sign_event",
]
__version__ = "0.1.0"
