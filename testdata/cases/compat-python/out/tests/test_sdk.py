import unittest

import sdk
from sdk import Trace, start_trace


class SdkTest(unittest.TestCase):
    def test_start(self):
        self.assertEqual(start_trace("x").name, "x")
        self.assertIsInstance(sdk.start_trace("y"), Trace)


if __name__ == "__main__":
    unittest.main()
