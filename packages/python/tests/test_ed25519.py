"""Given RFC 8032's test vectors (section 7.1), the pure-Python Ed25519 and the active backend agree with them."""
import os
import unittest

from cairn import ed25519

# RFC 8032 section 7.1: (secret key, public key, message, signature), hex.
VECTORS = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
]

PURE = (ed25519._pure_public_key, ed25519._pure_sign, ed25519._pure_verify)
ACTIVE = (ed25519.public_key, ed25519.sign, ed25519.verify)


class RfcVectors(unittest.TestCase):
    def test_given_each_vector_when_signed_then_public_key_and_signature_match_the_rfc(self):
        for name, (public_key, sign, verify) in (("pure", PURE), (ed25519.backend, ACTIVE)):
            for secret, public, message, signature in VECTORS:
                with self.subTest(backend=name, public=public[:8]):
                    seed, msg = bytes.fromhex(secret), bytes.fromhex(message)
                    self.assertEqual(public_key(seed).hex(), public)
                    self.assertEqual(sign(seed, msg).hex(), signature)
                    self.assertTrue(verify(bytes.fromhex(public), msg, bytes.fromhex(signature)))

    def test_given_a_changed_message_or_signature_then_verification_fails(self):
        secret, public, _, signature = VECTORS[1]
        pub, sig = bytes.fromhex(public), bytes.fromhex(signature)
        for name, (_, _, verify) in (("pure", PURE), (ed25519.backend, ACTIVE)):
            with self.subTest(backend=name):
                self.assertFalse(verify(pub, b"\x73", sig))
                self.assertFalse(verify(pub, b"\x72", sig[:63] + bytes([sig[63] ^ 1])))
                self.assertFalse(verify(pub, b"\x72", sig[:32]))

    def test_given_s_not_below_the_group_order_then_the_pure_verifier_refuses(self):
        _, public, message, signature = VECTORS[0]
        sig = bytes.fromhex(signature)
        s = int.from_bytes(sig[32:], "little") + ed25519.L  # the same point, a non-canonical scalar
        self.assertFalse(ed25519._pure_verify(bytes.fromhex(public), b"", sig[:32] + s.to_bytes(32, "little")))

    def test_given_random_keys_then_pure_and_active_backends_give_the_same_bytes(self):
        for _ in range(3):
            seed, msg = os.urandom(32), os.urandom(50)
            self.assertEqual(ed25519._pure_public_key(seed), ed25519.public_key(seed))
            self.assertEqual(ed25519._pure_sign(seed, msg), ed25519.sign(seed, msg))

    def test_given_a_key_of_the_wrong_size_then_it_is_refused_by_name(self):
        with self.assertRaisesRegex(ValueError, "32 bytes"):
            ed25519.sign(b"\x01" * 31, b"")


if __name__ == "__main__":
    unittest.main()
