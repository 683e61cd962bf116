"""Given gradients as rows of numbers or a numpy array, the .npy bytes (and so the content hash that
names the artifact in the log) are the same, and anything the projection cannot read is refused."""
import os
import tempfile
import unittest

from cairn.npy import NpyError, npy_bytes, npy_shape

from .support.node import notice

try:
    import numpy
except ImportError:  # pragma: no cover - depends on the machine
    numpy = None


class PlainRows(unittest.TestCase):
    def test_given_rows_then_the_header_and_data_are_a_float32_matrix(self):
        data = npy_bytes([[1.0, 2.0], [3.0, 4.0], [5.0, 6.5]])
        self.assertEqual(data[:8], b"\x93NUMPY\x01\x00")
        self.assertEqual((10 + int.from_bytes(data[8:10], "little")) % 64, 0)
        self.assertEqual(npy_shape(data), (3, 2))
        self.assertEqual(data[-4:], b"\x00\x00\xd0\x40")  # 6.5 as little-endian float32

    def test_given_ragged_or_empty_rows_then_the_field_is_named(self):
        with self.assertRaises(NpyError) as e:
            npy_bytes([[1.0, 2.0], [3.0]])
        self.assertEqual(e.exception.field, "rows[1]")
        with self.assertRaises(NpyError):
            npy_bytes([])

    def test_given_a_file_that_is_not_float32_then_it_is_refused(self):
        good = npy_bytes([[1.0]])
        for bad, field in ((good.replace(b"<f4", b"<f8"), "descr"), (good[:-1], "data"), (b"PK\x03\x04" + good, "magic")):
            with tempfile.NamedTemporaryFile(suffix=".npy", delete=False) as f:
                f.write(bad)
            try:
                with self.subTest(field=field), self.assertRaises(NpyError) as e:
                    npy_bytes(f.name)
                self.assertEqual(e.exception.field, field)
            finally:
                os.unlink(f.name)


class AgainstNumpy(unittest.TestCase):
    def setUp(self):
        if numpy is None:
            notice("numpy is not installed: the .npy writer is not compared with numpy.save")
            self.skipTest("numpy is not installed")

    def test_given_the_same_values_then_numpy_and_the_plain_writer_give_the_same_bytes(self):
        for shape in ((1, 1), (3, 4), (1000, 3)):
            a = (numpy.arange(shape[0] * shape[1], dtype=numpy.float32).reshape(shape) / 7).astype(numpy.float32)
            with self.subTest(shape=shape):
                self.assertEqual(npy_bytes(a), npy_bytes(a.tolist()))
        v = numpy.array([0.5, 2.0, -1.0], dtype=numpy.float32)
        self.assertEqual(npy_bytes(v, one_dimensional=True), npy_bytes(v.tolist(), one_dimensional=True))

    def test_given_a_float64_or_fortran_array_then_it_is_written_as_c_order_float32(self):
        a = numpy.asfortranarray(numpy.ones((2, 3), dtype=numpy.float64))
        self.assertEqual(npy_shape(npy_bytes(a)), (2, 3))
        self.assertEqual(npy_bytes(a), npy_bytes([[1.0] * 3] * 2))


if __name__ == "__main__":
    unittest.main()
