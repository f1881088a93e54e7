"""Run with `python3 -m unittest` in the function's folder: standard library only."""
import unittest
from types import SimpleNamespace

try:
    from . import handler  # imported as part of the "function" package
except ImportError:
    import handler  # run from inside the function's folder


class FakeQuery(dict):
    def getlist(self, key):
        return [self[key]] if key in self else []


def make_event(body=b"", method="GET", query=None):
    return SimpleNamespace(body=body, headers={}, method=method, query=FakeQuery(query or {}), path="/")


class HandlerTest(unittest.TestCase):
    def test_greets_the_name_from_the_query(self):
        res = handler.handle(make_event(b"hi", "POST", {"name": "Ada"}), SimpleNamespace(hostname="localhost"))
        self.assertEqual(res["statusCode"], 200)
        self.assertEqual(res["body"], {"message": "Hello, Ada!", "method": "POST", "length": 2})

    def test_greets_the_world_by_default(self):
        res = handler.handle(make_event(), SimpleNamespace(hostname="localhost"))
        self.assertEqual(res["body"]["message"], "Hello, world!")


if __name__ == "__main__":
    unittest.main()
