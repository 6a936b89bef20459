"""Only app/ui/ may import Qt: the domain, sync, scanner, labels and CLI stay usable without a screen."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
QT = ("PySide6", "shiboken6")


def _qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__"):
            names = [a.value for a in node.args[:1] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        found += [f"{path}:{node.lineno} imports {n}" for n in names if n.split(".")[0] in QT]
    return found


def test_no_qt_outside_app_ui():
    files = [p for p in APP.rglob("*.py") if "ui" not in p.relative_to(APP).parts[:1]]
    assert len(files) > 20  # the walk really found the packages
    offenders = [hit for p in files for hit in _qt_imports(p)]
    assert offenders == []


def test_the_check_sees_every_form_of_qt_import(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("import os\nfrom PySide6.QtWidgets import QWidget\nimport shiboken6\n"
                      "import importlib\nimportlib.import_module('PySide6.QtCore')\nimport PySide6_not_qt\n")
    assert len(_qt_imports(sample)) == 3
