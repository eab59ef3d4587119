import json
import unittest

import tinylib
from greeting import answer


class AnswerTest(unittest.TestCase):
    def test_answer_names_the_service_path_and_dependency(self):
        got = json.loads(answer("/x"))
        self.assertEqual(got["service"], "python-pip")
        self.assertEqual(got["greeting"], "hello-from-prod")
        self.assertEqual(got["path"], "/x")
        self.assertEqual(got["tinylib"], "1.0.0")

    def test_slug_keeps_words_only(self):
        self.assertEqual(tinylib.slug("  Airlock: prod/dev & test! "), "airlock-prod-dev-test")


if __name__ == "__main__":
    unittest.main()
