"""The package's lint: every file parses as Python 3.9 (the oldest we support), and the library
imports nothing outside the standard library except inside ``try: ... except ImportError``
(numpy, torch and cryptography are used only when present). Exits 1 naming each file and line."""
import ast
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OPTIONAL_OK = {"numpy", "torch", "cryptography"}


def guarded_nodes(tree):
    """Import nodes that sit in a try whose handlers catch ImportError."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError") for h in node.handlers
        ):
            for inner in node.body:
                for sub in ast.walk(inner):
                    out.add(id(sub))
    return out


def main() -> int:
    problems = []
    stdlib = set(sys.stdlib_module_names)
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(rel), feature_version=(3, 9))
        except SyntaxError as e:
            problems.append(f"{rel}:{e.lineno}: not Python 3.9 syntax: {e.msg}")
            continue
        if rel.parts[0] != "cairn":
            continue
        guarded = guarded_nodes(tree)
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in stdlib or top == "__future__" or top == "cairn":
                    continue
                if top in OPTIONAL_OK and id(node) in guarded:
                    continue
                problems.append(f"{rel}:{node.lineno}: imports {name}, which is not in the standard library (guard it with except ImportError)")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
