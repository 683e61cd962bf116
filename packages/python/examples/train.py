"""A training job's whole conversation with Cairn, standard library only.

    python3 examples/train.py --url http://127.0.0.1:7420 --store STORE --as NAME --dataset corpus@latest

Reads a pinned version through a batch recorder, "trains" (the features are hashes of each
sample's bytes, standing in for a model's gradients), records the run with its batch roots,
records train and query gradients, and prints the run's credit. --store is the folder
`cairn serve` serves: the key comes from STORE/signers/NAME.json and gradient artifacts go to
STORE/artifacts.
"""
import argparse
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from cairn import BatchRecorder, CairnClient, CairnDataset, load_key, record_gradients, record_run  # noqa: E402


def features(data: bytes, dims: int = 8):
    digest = hashlib.sha256(data).digest()
    return [(b - 128) / 128.0 for b in digest[:dims]]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--store", required=True)
    ap.add_argument("--as", dest="signer", required=True)
    ap.add_argument("--dataset", required=True)
    ap.add_argument("--batch-size", type=int, default=2)
    args = ap.parse_args()

    key = load_key(os.path.join(args.store, "signers"), args.signer)
    ds = CairnDataset(args.url, args.dataset, key=key, on_erased="mark")
    print(f"{args.dataset} is {ds.ref}: {len(ds)} members")
    recorder = BatchRecorder(collate_fn=list)
    rows = []
    for start in range(0, len(ds), args.batch_size):
        batch = recorder([ds[i] for i in range(start, min(start + args.batch_size, len(ds)))])
        for data, meta in batch:
            if meta["erased"]:
                print(f"  {meta['cfId'][:12]}  erased: left out of training")
                continue
            print(f"  {meta['cfId'][:12]}  {len(data)} bytes  {meta['license']}")
            rows.append((meta["cfId"], features(data)))
    weights = hashlib.sha256(json.dumps(rows).encode()).hexdigest()
    run = record_run(args.url, key, ds, code_version="examples/train.py", model_hash=weights, seeds=0, batches=recorder)
    print(f"run {run['runId']} recorded at position {run['receipt']['position']} with {len(recorder.roots())} batch roots")
    artifacts = os.path.join(args.store, "artifacts")
    record_gradients(args.url, key, run["runId"], "train", [f for _, f in rows], [cf for cf, _ in rows], artifacts, kind="loss-gradients")
    record_gradients(args.url, key, run["runId"], "query", [rows[0][1]], [rows[0][0]], artifacts)
    credit = CairnClient(args.url).get_json(f"/v1/runs/{run['runId']}/credit", {"ref": args.dataset})
    print(json.dumps(credit, indent=2)[:2000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
