"""`npm test` for the Python client: every unittest suite under tests/, then the counts written to
the monorepo's .test-results/ (as scripts/jest-tally-reporter.cjs does for the jest packages) so
CI's closing line counts these tests too.

Arguments meant for jest (`npm run test:hardening -- --testPathPatterns ...`) select jest spec
files; no Python suite is one, so with them nothing runs and the exit is 0, with a notice.
"""
import json
import pathlib
import sys
import unittest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent
REPO = PACKAGE.parent.parent


def main(argv) -> int:
    if any(a.startswith("--testPathPattern") for a in argv):
        print("@cairn/python: no unittest suite is a jest spec; nothing selected by", " ".join(argv))
        return 0
    suite = unittest.defaultTestLoader.discover(str(PACKAGE / "tests"), top_level_dir=str(PACKAGE))
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    results = REPO / ".test-results"
    results.mkdir(exist_ok=True)
    skipped = len(result.skipped)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    (results / "packages_python.json").write_text(
        json.dumps({"package": "packages_python", "passed": result.testsRun - skipped - failed, "failed": failed, "skipped": skipped})
    )
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
