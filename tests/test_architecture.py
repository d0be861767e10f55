"""The apps stand in layers and import only downwards (DESIGN.md "Where things
live", docs/architecture.md). Every module of every app is parsed with ``ast``:
an import of an app in the same or a higher layer fails, and so does any import
of another app inside a function (imports placed there only to dodge a cycle)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Lowest first. Apps in one layer do not import each other.
LAYERS = [
    {"accounts"},
    {"standards"},
    {"courses"},
    {"assessments"},
    {"evaluation"},
    {"certificates"},
    {"rollout"},
    {"compliance"},
    {"portal"},
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}


def app_modules():
    for app in sorted(LEVEL):
        for path in sorted((ROOT / app).rglob("*.py")):
            yield app, path


def imported_apps(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        names = [node.module]
    else:
        return set()
    return {name.split(".")[0] for name in names} & LEVEL.keys()


def imports(tree: ast.Module):
    """(node, inside a function) for every import in the module."""
    functions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)

    def walk(node, inside):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, inside
            yield from walk(child, inside or isinstance(child, functions))

    yield from walk(tree, False)


def violations() -> list[str]:
    found = []
    for app, path in app_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = path.relative_to(ROOT)
        for node, inside_function in imports(tree):
            for target in imported_apps(node) - {app}:
                if LEVEL[target] >= LEVEL[app]:
                    found.append(f"{where}:{node.lineno} {app} imports {target} (up)")
                elif inside_function:
                    found.append(
                        f"{where}:{node.lineno} {app} imports {target} in a function"
                    )
    return found


def test_every_app_is_in_a_layer():
    apps = {
        path.parent.name
        for path in ROOT.glob("*/apps.py")
        if not path.parent.name.startswith(".")
    }
    assert apps == LEVEL.keys()


def test_apps_import_only_downwards():
    assert violations() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from certificates.models import Certificate", "courses imports certificates"),
        ("import assessments.models", "courses imports assessments"),
        ("def f():\n    from standards import models", "in a function"),
    ],
)
def test_the_check_finds_an_upward_import(tmp_path, monkeypatch, source, expected):
    """The check itself fails on each kind of violation (so it can fail)."""
    fake_root = tmp_path
    for app in LEVEL:
        (fake_root / app).mkdir()
        (fake_root / app / "apps.py").write_text("")
    (fake_root / "courses" / "bad.py").write_text(source)
    monkeypatch.setattr(__import__(__name__), "ROOT", fake_root, raising=False)
    monkeypatch.setitem(globals(), "ROOT", fake_root)
    assert any(expected in line for line in violations())
