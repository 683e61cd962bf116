"""Given RFC 9421's own Ed25519 example (Appendix B.2.6, key B.1.4), the signature base builder
and signer reproduce it; then the profile cairn serve verifies is written as the text fixes it."""
import base64
import hashlib
import re
import unittest

from cairn import ed25519
from cairn.httpsig import content_digest, sign_request, signature_base, signature_params
from cairn.keys import SigningKey

# RFC 9421 B.1.4 test-key-ed25519 (PKCS#8 / SPKI; the raw keys are their last 32 bytes).
PRIVATE_PKCS8 = "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF"
PUBLIC_SPKI = "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs="
B26_BASE = (
    '"date": Tue, 20 Apr 2021 02:07:55 GMT\n'
    '"@method": POST\n'
    '"@path": /foo\n'
    '"@authority": example.com\n'
    '"content-type": application/json\n'
    '"content-length": 18\n'
    '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length")'
    ';created=1618884473;keyid="test-key-ed25519"'
)
B26_SIGNATURE = "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw=="

SEED = base64.b64decode(PRIVATE_PKCS8)[-32:]
PUBLIC = base64.b64decode(PUBLIC_SPKI)[-32:]


class Rfc9421Example(unittest.TestCase):
    def test_given_b26_components_then_the_base_and_the_signature_are_the_rfcs(self):
        covered = [
            ("date", "Tue, 20 Apr 2021 02:07:55 GMT"),
            ("@method", "POST"),
            ("@path", "/foo"),
            ("@authority", "example.com"),
            ("content-type", "application/json"),
            ("content-length", "18"),
        ]
        params = signature_params([n for n, _ in covered], [("created", 1618884473), ("keyid", "test-key-ed25519")])
        base = signature_base(covered, params)
        self.assertEqual(base.decode(), B26_BASE)
        self.assertEqual(ed25519.public_key(SEED), PUBLIC)
        for sign in (ed25519._pure_sign, ed25519.sign):
            self.assertEqual(base64.b64encode(sign(SEED, base)).decode(), B26_SIGNATURE)
        self.assertTrue(ed25519.verify(PUBLIC, base, base64.b64decode(B26_SIGNATURE)))


class CairnProfile(unittest.TestCase):
    key = SigningKey.from_seed(SEED)

    def _base_from_headers(self, method, authority, path, query, headers):
        m = re.fullmatch(r"sig1=(\(.*\);created=\d+;nonce=\"[A-Za-z0-9_-]{22,}\";keyid=\"[0-9a-f]{64}\";alg=\"ed25519\")", headers["Signature-Input"])
        self.assertIsNotNone(m, headers["Signature-Input"])
        params = m.group(1)
        values = {"@method": method, "@authority": authority, "@path": path, "@query": query, "content-digest": headers.get("Content-Digest")}
        names = re.findall(r'"([^"]+)"', params[: params.index(")")])
        return names, signature_base([(n, values[n]) for n in names], params)

    def test_given_a_get_then_it_covers_method_authority_path_and_query_and_verifies(self):
        headers = sign_request("get", "http://Example.COM:7420/v1/versions/corpus@3?limit=2&cursor=a%2Fb", self.key, created=1700000000, nonce="AAAAAAAAAAAAAAAAAAAAAA")
        self.assertEqual(
            headers["Signature-Input"],
            f'sig1=("@method" "@authority" "@path" "@query");created=1700000000;nonce="AAAAAAAAAAAAAAAAAAAAAA";keyid="{self.key.contributor_id}";alg="ed25519"',
        )
        names, base = self._base_from_headers("GET", "example.com:7420", "/v1/versions/corpus@3", "?limit=2&cursor=a%2Fb", headers)
        self.assertEqual(names, ["@method", "@authority", "@path", "@query"])
        self.assertTrue(base.decode().startswith('"@method": GET\n"@authority": example.com:7420\n"@path": /v1/versions/corpus@3\n"@query": ?limit=2&cursor=a%2Fb\n'))
        self.assertFalse(base.endswith(b"\n"))
        sig = re.fullmatch(r"sig1=:([A-Za-z0-9+/=]+):", headers["Signature"]).group(1)
        self.assertTrue(ed25519.verify(PUBLIC, base, base64.b64decode(sig)))
        self.assertNotIn("Content-Digest", headers)

    def test_given_no_query_then_query_is_a_lone_question_mark(self):
        headers = sign_request("GET", "http://h/v1/status", self.key)
        _, base = self._base_from_headers("GET", "h", "/v1/status", "?", headers)
        self.assertIn(b'"@query": ?\n', base)
        sig = base64.b64decode(headers["Signature"][6:-1])
        self.assertTrue(ed25519.verify(PUBLIC, base, sig))

    def test_given_a_body_then_content_digest_is_covered_and_is_rfc9530_sha256(self):
        body = b'{"events":[]}'
        headers = sign_request("POST", "http://h/v1/events", self.key, body=body)
        self.assertEqual(headers["Content-Digest"], "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":")
        self.assertEqual(content_digest(b""), "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:")
        names, base = self._base_from_headers("POST", "h", "/v1/events", "?", headers)
        self.assertEqual(names[-1], "content-digest")
        self.assertTrue(ed25519.verify(PUBLIC, base, base64.b64decode(headers["Signature"][6:-1])))
        # Another body under the same headers no longer matches what was signed.
        _, other = self._base_from_headers("POST", "h", "/v1/events", "?", dict(headers, **{"Content-Digest": content_digest(b"{}")}))
        self.assertFalse(ed25519.verify(PUBLIC, other, base64.b64decode(headers["Signature"][6:-1])))

    def test_given_two_requests_then_their_nonces_differ(self):
        a = sign_request("GET", "http://h/", self.key)["Signature-Input"]
        b = sign_request("GET", "http://h/", self.key)["Signature-Input"]
        self.assertNotEqual(re.search(r'nonce="([^"]+)"', a).group(1), re.search(r'nonce="([^"]+)"', b).group(1))


if __name__ == "__main__":
    unittest.main()
