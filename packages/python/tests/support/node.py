"""Running the TypeScript side from the tests: the oracle, the CLI, and a kept `cairn serve`."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.dirname(os.path.dirname(HERE))
REPO = os.path.dirname(os.path.dirname(PACKAGE))
CLI = os.path.join(REPO, "packages", "cli", "dist", "bin.js")


def oracle(questions):
    """Answers from @cairn/core / @cairn/sdk (tests/support/oracle.mjs), one node process for all."""
    out = subprocess.run(
        ["node", os.path.join(HERE, "oracle.mjs")],
        input=json.dumps(questions).encode(),
        capture_output=True,
        cwd=PACKAGE,
        timeout=300,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"oracle failed: {out.stderr.decode()[-2000:]}")
    return json.loads(out.stdout)


def cli(store, *args):
    """`cairn --store STORE --json ARGS...`, answering its JSON."""
    out = subprocess.run(["node", CLI, "--store", store, "--json", *args], capture_output=True, cwd=PACKAGE, timeout=300, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"cairn {' '.join(args)} failed ({out.returncode}): {out.stderr.decode()[-2000:]}")
    return json.loads(out.stdout)


def notice(text):
    sys.stderr.write(f"\nNOTICE: {text}\n")
