"""Given values of every JSON kind, the Python canonical form, ids and Merkle roots are
@cairn/core's byte for byte (RFC 8785's own number samples, then the TypeScript oracle)."""
import math
import random
import struct
import unittest

from cairn.canonical import CanonicalJsonError, canonicalize, es_number
from cairn.ids import content_id, event_id, merkle_root, signing_bytes
from cairn.runs import sign_event
from cairn.keys import SigningKey

from .support.node import oracle

# RFC 8785 Appendix B: IEEE 754 bits -> ECMAScript text.
RFC8785_NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]
# Doubles core refuses (RFC 8785 serialises them, but their digits read back as other integers).
REFUSED_BITS = ["4340000000000000", "c340000000000000", "4430000000000000", "444b1ae4d6e2ef4e", "7fffffffffffffff", "7ff0000000000000"]


def double(bits):
    return struct.unpack(">d", bytes.fromhex(bits))[0]


class Numbers(unittest.TestCase):
    def test_given_rfc8785_samples_then_numbers_print_as_ecmascript_does(self):
        for bits, text in RFC8785_NUMBERS:
            with self.subTest(bits=bits):
                self.assertEqual(canonicalize(double(bits)), text)

    def test_given_what_core_refuses_then_the_error_names_the_path(self):
        for bits in REFUSED_BITS:
            with self.subTest(bits=bits), self.assertRaises(CanonicalJsonError) as e:
                canonicalize({"a": [double(bits)]})
            self.assertEqual(e.exception.path, "$.a[0]")
        with self.assertRaises(CanonicalJsonError) as e:
            canonicalize({"x y": 2**53})
        self.assertEqual(e.exception.path, '$["x y"]')
        with self.assertRaises(CanonicalJsonError) as e:
            signing_bytes("T", {"s": "\ud800"}, "0" * 64)
        self.assertEqual(e.exception.path, "$.payload.s")
        for bad in ({1: 2}, {"a": b"x"}, {"a": {1, 2}}):
            with self.assertRaises(CanonicalJsonError):
                canonicalize(bad)


class AgainstTypeScript(unittest.TestCase):
    """One oracle process answers every question; each answer must equal Python's, byte for byte."""

    @classmethod
    def setUpClass(cls):
        rng = random.Random(20261206)
        values = [
            {"b": 1, "a": [True, False, None], "é": "x", "\U0001f600": 1, "\ufb01": 2, "": {}},
            ["\u0000\u001f\u007f\"\\/\b\f\n\r\t", "\u2028", "naïve"],
            {"hyperparameters": {"lr": 3e-4, "epochs": 3, "betas": [0.9, 0.999], "eps": 1e-8, "big": 1e300}},
        ]
        for _ in range(300):
            kind = rng.randrange(4)
            if kind == 0:
                values.append(struct.unpack(">d", rng.getrandbits(64).to_bytes(8, "big"))[0])
            elif kind == 1:
                values.append(rng.uniform(-1e6, 1e6) * 10 ** rng.randrange(-30, 30))
            elif kind == 2:
                values.append(rng.randrange(-(2**53) + 1, 2**53))
            else:
                values.append(round(rng.uniform(-1000, 1000), rng.randrange(0, 8)))
        cls.values = [v for v in values if not (isinstance(v, float) and not math.isfinite(v))]
        cls.seed = bytes(range(32))
        cls.key = SigningKey.from_seed(cls.seed)
        cls.payload = {"runId": "run-1", "dataset": {"name": "corpus", "versionId": "ab" * 32}, "seeds": {"training": 7}, "hyperparameters": {"lr": 0.001}}
        cls.leaves = [[], ["00" * 32], [f"{i:064x}" for i in range(7)], [f"{i:064x}" for i in range(16)]]
        questions = [{"op": "canonicalize", "value": v} for v in cls.values]
        questions.append({"op": "event", "type": "TrainingRunRecorded", "payload": cls.payload, "seed": cls.seed.hex()})
        questions += [{"op": "merkle", "leaves": l} for l in cls.leaves]
        questions.append({"op": "contentId", "kind": "manifest", "value": {"b": [1, 2.5], "a": "z"}})
        cls.answers = oracle(questions)

    def test_given_random_and_awkward_values_then_the_canonical_texts_are_cores(self):
        for value, expected in zip(self.values, self.answers):
            with self.subTest(value=value):
                if isinstance(expected, dict):
                    self.assertRaises(CanonicalJsonError, canonicalize, value)
                else:
                    self.assertEqual(canonicalize(value), expected)

    def test_given_one_payload_and_key_then_the_envelope_and_event_id_are_the_sdks(self):
        answer = self.answers[len(self.values)]
        self.assertEqual(sign_event("TrainingRunRecorded", self.payload, self.key), answer["envelope"])
        self.assertEqual(event_id("TrainingRunRecorded", self.payload, self.key.contributor_id), answer["eventId"])

    def test_given_leaf_lists_then_the_merkle_roots_are_cores(self):
        start = len(self.values) + 1
        for leaves, expected in zip(self.leaves, self.answers[start : start + len(self.leaves)]):
            with self.subTest(n=len(leaves)):
                self.assertEqual(merkle_root([bytes.fromhex(x) for x in leaves]).hex(), expected)
        self.assertEqual(content_id("manifest", {"b": [1, 2.5], "a": "z"}), self.answers[-1])

    def test_es_number_agrees_with_known_small_cases(self):
        self.assertEqual([es_number(x) for x in (1.0, 100.0, 1e20, 1e-6, 1e-7, 123.456, 0.1)], ["1", "100", "100000000000000000000", "0.000001", "1e-7", "123.456", "0.1"])


if __name__ == "__main__":
    unittest.main()
