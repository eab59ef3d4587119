import json
import unittest

from greeting import answer


class AnswerTest(unittest.TestCase):
    def test_answer_names_the_service_and_path(self):
        got = json.loads(answer("/x"))
        self.assertEqual(got["service"], "python-web")
        self.assertEqual(got["greeting"], "hello from prod")
        self.assertEqual(got["path"], "/x")


if __name__ == "__main__":
    unittest.main()
