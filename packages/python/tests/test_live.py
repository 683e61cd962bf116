"""Against a live `cairn serve` on a small ledger (tests/support/fixture.mjs), started once for
every question here: keys from the CLI's keyring, pinned datasets read page by page, runs and
gradients signed in Python and accepted as the CLI's own, batch roots, credit, refusals."""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import cairn
from cairn import CairnClient, CairnDataset, CairnError, CairnIterableDataset, BatchRecorder, ErasedMemberError
from cairn.ids import event_id
from cairn.runs import batch_root, sign_event

from .support.node import CLI, HERE, PACKAGE, cli, notice

try:
    import numpy
except ImportError:  # pragma: no cover - depends on the machine
    numpy = None

STATE = {}
MODEL_HASH = hashlib.sha256(b"the weights").hexdigest()


def setUpModule():
    started = time.monotonic()
    store = tempfile.mkdtemp(prefix="cairn-python-")
    STATE["store"] = store
    out = subprocess.run(["node", os.path.join(HERE, "fixture.mjs"), store], capture_output=True, cwd=PACKAGE, timeout=600, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"fixture failed: {out.stderr.decode()[-2000:]}")
    STATE["fx"] = json.loads(out.stdout)
    # What the CLI writes and records, for the Python side to be held to.
    STATE["trainer"] = cli(store, "keys", "new", "trainer")
    STATE["cli_run"] = cli(
        store, "record-run", "--dataset", "corpus@2", "--code", "c0ffee", "--model-hash", MODEL_HASH,
        "--seed", "7", "--seed", "shuffle=11", "--env", "python=3.11", "--as", "trainer",
    )
    server = subprocess.Popen(
        ["node", CLI, "--store", store, "--json", "serve", "--port", "0"],
        cwd=PACKAGE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    STATE["server"] = server
    text = ""
    while True:
        line = server.stdout.readline().decode()
        if not line:
            raise RuntimeError(f"cairn serve ended: {server.stderr.read().decode()[-2000:]}")
        text += line
        try:
            STATE["url"] = json.loads(text)["url"]
            break
        except ValueError:
            continue
    paths = CairnClient(STATE["url"]).get_json("/openapi.json").get("paths", {})
    STATE["content"] = "/v1/cfs/{cf}/content" in paths
    if not STATE["content"]:
        notice("this server has no GET /v1/cfs/{cf}/content yet (h/auth): the tests that read sample bytes skip")
    notice(f"live fixture ready in {time.monotonic() - started:.1f} s at {STATE['url']}")


def tearDownModule():
    server = STATE.get("server")
    if server is not None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        server.stdout.close()
        server.stderr.close()
    if "store" in STATE:
        shutil.rmtree(STATE["store"], ignore_errors=True)


def signers():
    return os.path.join(STATE["store"], "signers")


def key(name):
    return cairn.load_key(signers(), name)


class Keys(unittest.TestCase):
    def test_given_the_key_file_cairn_keys_new_wrote_then_it_loads_as_that_contributor(self):
        k = key("trainer")
        self.assertEqual(k.contributor_id, STATE["trainer"]["contributorId"])
        self.assertEqual(k.public_key.hex(), STATE["trainer"]["publicKey"])

    def test_given_a_damaged_key_file_then_the_error_names_the_field(self):
        with open(os.path.join(signers(), "trainer.json")) as f:
            entry = json.load(f)
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "bad.json")
            for field, value, reason in (
                ("secretKey", "zz" * 32, "64 lowercase hex"),
                ("secretKey", "11" * 32, "does not give the file's publicKey"),
                ("contributorId", "", "64 lowercase hex"),
            ):
                with open(bad, "w") as f:
                    json.dump(dict(entry, **{field: value}), f)
                with self.subTest(field=field, reason=reason), self.assertRaises(cairn.KeyFileError) as e:
                    cairn.load_key(bad)
                self.assertEqual(e.exception.field, field)
                self.assertIn(reason, str(e.exception))
            with self.assertRaises(cairn.KeyFileError) as e:
                cairn.load_key(d, "nobody")
            self.assertIn("no such key file", str(e.exception))
            with self.assertRaises(cairn.KeyFileError):
                cairn.load_key(d, "../trainer")


class Datasets(unittest.TestCase):
    def test_given_a_ref_then_the_version_is_pinned_by_id_and_every_member_is_listed_page_by_page(self):
        fx = STATE["fx"]
        ds = CairnDataset(STATE["url"], "corpus@1", key=key("trainer"), page_size=1)
        v1 = CairnClient(STATE["url"]).version("corpus@1", limit=1)
        self.assertEqual(ds.version_id, v1["versionId"])
        self.assertEqual(ds.ref, f"corpus@{v1['versionId']}")
        self.assertEqual(len(ds), 4)
        self.assertEqual(set(ds.cf_ids), set(fx["samples"][:4]))  # the GPL sample is not a member
        latest = CairnDataset(STATE["url"], "corpus@2", key=key("trainer"))
        self.assertEqual(len(latest), 3)
        self.assertNotIn(fx["erased"], latest.cf_ids)
        self.assertNotEqual(latest.version_id, ds.version_id)

    def test_given_the_iterable_variant_then_it_streams_the_same_members_in_the_same_order(self):
        ds = CairnDataset(STATE["url"], "corpus@1", key=key("trainer"))
        if not STATE["content"]:
            notice("CairnIterableDataset bytes: skipped (no content route); checking its member order through the pages only")
            it = CairnIterableDataset(STATE["url"], "corpus@1", key=key("trainer"), page_size=3)
            order = [m["cfId"] for page in it._pinned.pages() for m in page]
            self.assertEqual(order, ds.cf_ids)
            self.assertEqual(len(it), 4)
            return
        it = CairnIterableDataset(STATE["url"], "corpus@1", key=key("trainer"), page_size=3, on_erased="mark")
        # The trainer is no author here: without the reader role its signed read is refused, by name.
        with self.assertRaises(CairnError) as e:
            list(it)
        self.assertEqual((e.exception.status, e.exception.problem.get("rule")), (403, "read-authority"))
        grant = {"contributor": STATE["trainer"]["contributorId"], "role": "reader"}
        CairnClient(STATE["url"], key=key("curator")).append([sign_event("ContributorRoleGranted", grant, key("curator"))])
        items = list(it)
        self.assertEqual([m["cfId"] for _, m in items], ds.cf_ids)
        fx = STATE["fx"]
        for data, meta in items:
            expected = None if meta["cfId"] == fx["erased"] else fx["texts"][fx["samples"].index(meta["cfId"])].encode()
            self.assertEqual((data, meta["erased"]), (expected, expected is None))

    def test_given_a_member_then_its_bytes_are_the_samples(self):
        if not STATE["content"]:
            self.skipTest("the server has no GET /v1/cfs/{cf}/content yet")
        fx = STATE["fx"]
        ds = CairnDataset(STATE["url"], "corpus@2", key=key("alice"))
        for i in range(len(ds)):
            data, meta = ds[i]
            self.assertEqual(data.decode(), fx["texts"][fx["samples"].index(meta["cfId"])])
            self.assertEqual(meta["versionId"], ds.version_id)
        self.assertEqual(ds[-1][1]["cfId"], ds.cf_ids[-1])
        if numpy is not None:  # samplers may hand over numpy integers
            self.assertEqual(ds[numpy.int64(1)][1]["cfId"], ds.cf_ids[1])
        with self.assertRaises(IndexError):
            ds[len(ds)]
        with self.assertRaises(TypeError):
            ds[True]

    def test_given_an_erased_member_then_it_is_named_never_skipped(self):
        if not STATE["content"]:
            self.skipTest("the server has no GET /v1/cfs/{cf}/content yet")
        fx = STATE["fx"]
        ds = CairnDataset(STATE["url"], "corpus@1", key=key("alice"))
        at = ds.cf_ids.index(fx["erased"])
        with self.assertRaises(ErasedMemberError) as e:
            ds[at]
        self.assertEqual(e.exception.cf_id, fx["erased"])
        marked = CairnDataset(STATE["url"], "corpus@1", key=key("alice"), on_erased="mark")
        data, meta = marked[at]
        self.assertIsNone(data)
        self.assertTrue(meta["erased"])
        self.assertEqual(sum(1 for _, m in CairnIterableDataset(STATE["url"], "corpus@1", key=key("alice"), on_erased="mark") if m["erased"]), 1)

    def test_given_an_unknown_version_then_the_error_carries_the_servers_problem(self):
        with self.assertRaises(CairnError) as e:
            CairnDataset(STATE["url"], "corpus@99", key=key("trainer"))
        self.assertEqual(e.exception.status, 404)
        with self.assertRaises(ValueError):
            CairnDataset(STATE["url"], "corpus@1", page_size=0)


class VersionPinning(unittest.TestCase):
    # Runs after Datasets and Runs (unittest orders classes by name): it erases a member of corpus@2.
    def test_given_a_pinned_dataset_when_a_member_is_erased_and_a_version_cut_then_it_still_reads_its_own_version(self):
        url, alice = STATE["url"], key("alice")
        pinned = CairnDataset(url, "corpus@latest", key=alice, page_size=1)
        streaming = CairnIterableDataset(url, "corpus@latest", key=alice, page_size=1)
        before = list(pinned.cf_ids)
        victim = before[-1]
        erased = CairnClient(url, key=alice).append([sign_event("SampleErased", {"sample": victim, "reason": "withdrawn"}, alice)])
        self.assertEqual(erased["receipts"][0]["type"], "SampleErased")
        now = CairnDataset(url, "corpus@latest", key=alice)
        self.assertNotEqual(now.version_id, pinned.version_id, "the erasure cut a new version")
        self.assertNotIn(victim, now.cf_ids)
        # The pinned objects keep answering for the version they resolved at construction.
        self.assertEqual(len(pinned), len(before))
        self.assertEqual([m["cfId"] for page in streaming._pinned.pages() for m in page], before)
        if STATE["content"]:
            with self.assertRaises(ErasedMemberError):
                pinned[len(before) - 1]


class WithTorch(unittest.TestCase):
    def test_given_torch_then_a_dataloader_takes_the_dataset_as_it_is_and_the_recorder_sees_each_batch(self):
        try:
            from torch.utils.data import DataLoader
        except ImportError:
            notice("torch is not installed: the DataLoader test skips")
            self.skipTest("torch is not installed")
        if not STATE["content"]:
            self.skipTest("the server has no GET /v1/cfs/{cf}/content yet")
        ds = CairnDataset(STATE["url"], "corpus@2", key=key("alice"), on_erased="mark")
        recorder = BatchRecorder(collate_fn=lambda batch: batch)
        seen = [m["cfId"] for batch in DataLoader(ds, batch_size=2, collate_fn=recorder) for _, m in batch]
        self.assertEqual(seen, ds.cf_ids)
        self.assertEqual(recorder.batches, [ds.cf_ids[:2], ds.cf_ids[2:]])


class Runs(unittest.TestCase):
    def test_given_the_clis_inputs_then_the_python_signed_run_is_the_very_event_the_cli_recorded(self):
        cli_run = STATE["cli_run"]
        r = cairn.record_run(
            STATE["url"], key("trainer"), "corpus@2", "c0ffee", MODEL_HASH,
            seeds={"training": 7, "shuffle": 11}, environment={"python": "3.11"},
        )
        self.assertEqual(r["runId"], cli_run["runId"])
        self.assertEqual(r["eventId"], cli_run["receipt"]["id"])
        self.assertTrue(r["receipt"]["alreadyAppended"], "the log already held this exact event, appended by the CLI")
        self.assertEqual(r["receipt"]["position"], cli_run["receipt"]["position"])

    def test_given_a_training_loop_then_batch_roots_gradients_and_credit_follow(self):
        url, trainer = STATE["url"], key("trainer")
        ds = CairnDataset(url, "corpus@2", key=trainer)
        recorder = BatchRecorder()
        # The loop a DataLoader(ds, batch_size=2, collate_fn=recorder) drives; metadata only,
        # so it holds without the content route too.
        batches = [recorder([(None, ds.member(i)) for i in idx]) for idx in ([0, 1], [2])]
        self.assertEqual(len(batches), 2)
        self.assertEqual(recorder.batches, [ds.cf_ids[:2], ds.cf_ids[2:]])
        artifacts = os.path.join(STATE["store"], "artifacts")
        digest = recorder.write(artifacts)
        with open(os.path.join(artifacts, digest + ".json"), "rb") as f:
            stored = f.read()
        self.assertEqual(hashlib.sha256(stored).hexdigest(), digest)
        self.assertEqual(json.loads(stored)["roots"], [batch_root(b) for b in recorder.batches])

        run = cairn.record_run(url, trainer, ds, "c0ffee", MODEL_HASH, seeds=3, batches=recorder)
        self.assertEqual(run["payload"]["batchRoots"], recorder.roots())
        self.assertFalse(run["receipt"]["alreadyAppended"])
        shown = CairnClient(url).get_json(f"/v1/runs/{run['runId']}")
        self.assertIn(run["runId"], json.dumps(shown))

        # Train rows: plain lists (the standard-library path); query rows: numpy when present.
        train = [[1.0, 0.5, -0.25, 0.0], [0.0, 1.0, 0.5, 0.25], [0.5, -0.5, 1.0, 1.0]]
        g = cairn.record_gradients(url, trainer, run["runId"], "train", train, ds, artifacts, kind="loss-gradients")
        self.assertEqual(g["payload"]["artifact"]["rows"], 3)
        self.assertTrue(os.path.exists(os.path.join(artifacts, g["payload"]["artifact"]["contentHash"] + ".npy")))
        query = [[1.0, 0.5, -0.25, 0.0]]
        if numpy is None:
            notice("numpy is not installed: query gradients go as plain lists too")
        else:
            query = numpy.array(query, dtype=numpy.float32)
        cairn.record_gradients(url, trainer, run["runId"], "query", query, [ds.cf_ids[0]], artifacts)
        credit = CairnClient(url).get_json(f"/v1/runs/{run['runId']}/credit", {"ref": "corpus@2"})
        text = json.dumps(credit)
        self.assertIn(ds.cf_ids[0], text, "credit names the training CFs of the run")

    def test_given_no_artifacts_folder_then_the_gradients_are_uploaded_by_hash_and_the_run_is_scored(self):
        url, trainer = STATE["url"], key("trainer")
        ds = CairnDataset(url, "corpus@2", key=trainer)
        run = cairn.record_run(url, trainer, ds, "uploaded", MODEL_HASH, seeds=5)
        train = [[0.25, 1.0, -1.0, 0.5], [1.0, 0.0, 0.5, -0.25], [-0.5, 0.5, 0.0, 1.0]]
        g = cairn.record_gradients(url, trainer, run["runId"], "train", train, ds, kind="loss-gradients")
        digest = g["payload"]["artifact"]["contentHash"]
        # Written by the server, into the store it serves: this process wrote no file.
        self.assertTrue(os.path.exists(os.path.join(STATE["store"], "artifacts", digest + ".npy")))
        self.assertEqual(CairnClient(url, key=trainer).put_artifact(cairn.npy.npy_bytes(train)), {"contentHash": digest, "rows": 3, "dims": 4})
        cairn.record_gradients(url, trainer, run["runId"], "query", [[0.25, 1.0, -1.0, 0.5]], [ds.cf_ids[0]])
        shown = CairnClient(url).get_json(f"/v1/runs/{run['runId']}")
        self.assertTrue(shown["attribution"]["scored"], json.dumps(shown["attribution"]))

    def test_given_an_unsigned_upload_then_the_server_refuses_it_naming_the_signature(self):
        with self.assertRaises(CairnError) as caught:
            CairnClient(STATE["url"]).put_artifact(b"any bytes at all")
        self.assertEqual(caught.exception.status, 401)
        self.assertEqual(caught.exception.problem.get("field"), "Signature-Input")

    def test_given_an_artifact_whose_bytes_are_not_its_name_then_the_server_refuses_it_naming_the_body(self):
        client = CairnClient(STATE["url"], key=key("trainer"))
        with self.assertRaises(CairnError) as caught:
            client._request("PUT", "/v1/artifacts/" + "a" * 64, {"kind": "gradients"}, b"not these bytes", "application/octet-stream")
        self.assertEqual(caught.exception.status, 400)
        self.assertEqual(caught.exception.problem.get("field"), "body")

    def test_given_bad_events_then_the_server_refuses_them_by_rule_and_field(self):
        url = STATE["url"]
        stranger = cairn.SigningKey.from_seed(os.urandom(32))
        with self.assertRaises(CairnError) as e:
            cairn.record_run(url, stranger, "corpus@2", "c0ffee", MODEL_HASH)
        self.assertEqual(e.exception.status, 422)
        self.assertIn("signer-registered", str(e.exception))
        with self.assertRaises(ValueError) as v:
            cairn.record_run(url, key("trainer"), "corpus@2", "c0ffee", "not-a-hash")
        self.assertIn("model_hash", str(v.exception))
        with self.assertRaises(ValueError) as v:
            cairn.record_gradients(url, key("trainer"), "run-x", "train", [[1.0], [2.0]], ["ab" * 32], os.path.join(STATE["store"], "artifacts"))
        self.assertIn("row_map", str(v.exception))

    def test_given_a_tampered_envelope_then_signature_valid_refuses_it(self):
        trainer = key("trainer")
        payload = {"runId": "run-tampered", "dataset": {"name": "corpus", "versionId": "ab" * 32}, "codeVersion": "x",
                   "seeds": {}, "hyperparameters": {}, "environment": {}, "modelHash": MODEL_HASH}
        envelope = sign_event("TrainingRunRecorded", payload, trainer)
        envelope["payload"] = dict(payload, codeVersion="y")
        with self.assertRaises(CairnError) as e:
            CairnClient(STATE["url"], key=trainer).append([envelope])
        self.assertEqual(e.exception.status, 422)
        self.assertIn("signature-valid", str(e.exception))
        self.assertNotEqual(event_id("TrainingRunRecorded", envelope["payload"], trainer.contributor_id), event_id("TrainingRunRecorded", payload, trainer.contributor_id))


if __name__ == "__main__":
    unittest.main()
