import unittest

import sdk
from sdk import Session, start_session


class SdkTest(unittest.TestCase):
    def test_start(self):
        self.assertEqual(start_session("x").name, "x")
        self.assertIsInstance(sdk.start_session("y"), Session)


if __name__ == "__main__":
    unittest.main()
