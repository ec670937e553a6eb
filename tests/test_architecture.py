"""The shape of the package: no import cycles, and the boundaries of /work/shared/ARCHITECTURE.md that a parser can see.

Every module of ``bridge/`` is parsed with :mod:`ast` (nothing is imported). The import graph holds the imports a
module runs when it is imported: those at module level, in ``if``/``try`` blocks and class bodies included;
function bodies and ``if TYPE_CHECKING:`` blocks (annotations only, never run) excluded. Relative imports are
resolved; ``from package import name`` is an edge to the submodule ``package.name`` when there is one, else to the
package. Importing ``a.b.c`` also runs ``a/__init__`` and
``a/b/__init__``: those edges are in the graph, except towards the importer's own packages.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "bridge"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(root: Path = ROOT) -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(root.rglob("*.py"))}


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements run at import time: ``body`` and the bodies of its if/try/with/class, not of functions."""
    for node in body:
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or _is_type_checking(node):
            continue
        for field in ("body", "orelse", "finalbody", "handlers"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                yield from _top_level(
                    [n for n in inner if isinstance(n, ast.stmt)]
                    + [s for h in inner if isinstance(h, ast.ExceptHandler) for s in h.body]
                )


def _is_type_checking(node: ast.stmt) -> bool:
    """``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``)."""
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _all_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node


def _targets(
    node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, modules: dict[str, Path] | None = None
) -> list[str]:
    """The dotted names an import statement imports (absolute). ``from X import a, b``: ``X.a`` and ``X.b``, and
    ``X`` itself unless ``a`` and ``b`` are all submodules of ``modules`` (then ``X`` is only their package)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = importer if is_package else importer.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    else:
        base = node.module or ""
    names = [f"{base}.{alias.name}" for alias in node.names]
    if modules is not None and all(n in modules for n in names):
        return names
    return [base, *names]


def import_graph(modules: dict[str, Path], *, everywhere: bool = False) -> dict[str, set[str]]:
    """Module → the ``bridge`` modules it imports (at import time; ``everywhere``: function bodies too)."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        nodes = (
            _all_imports(tree)
            if everywhere
            else (n for n in _top_level(tree.body) if isinstance(n, (ast.Import, ast.ImportFrom)))
        )
        own = {name.rsplit(".", i)[0] for i in range(name.count(".") + 1)}  # the importer and its packages
        edges: set[str] = set()
        for node in nodes:
            for target in _targets(node, name, _is_package(path), modules):
                parts = target.split(".")
                for i in range(1, len(parts) + 1):  # a.b.c runs a, a.b and a.b.c
                    prefix = ".".join(parts[:i])
                    named = i == len(parts)  # what the statement names, not a package above it
                    if prefix in modules and (prefix not in own or (named and prefix != name)):
                        edges.add(prefix)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (``[a, b, ..., a]``), or ``None``."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_package_has_no_import_cycle() -> None:
    modules = _modules()
    assert len(modules) > 50 and "bridge.protocol" in modules and "bridge.formats" in modules
    graph = import_graph(modules)
    assert "bridge.formats.txt" in graph["bridge.formats"]  # the graph sees relative imports
    assert "bridge.formats" in graph["bridge.formats.writers"]  # ... and "from . import name"
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_a_cycle_is_found(tmp_path: Path) -> None:
    """The check above can fail: modules that import each other (relatively, through a package) are a cycle;
    imports inside functions and under TYPE_CHECKING are not."""
    pkg = tmp_path / "bridge"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from .a import f\n")
    (pkg / "sub" / "a.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..b import g\n")
    (pkg / "b.py").write_text("from .sub.a import f\n\ndef g():\n    from . import sub\n")
    modules = {_module_name_in(tmp_path, p): p for p in sorted(pkg.rglob("*.py"))}
    assert find_cycle(import_graph(modules)) is None
    (pkg / "sub" / "a.py").write_text("from ..b import g\n")
    cycle = find_cycle(import_graph(modules))
    assert cycle is not None and {"bridge.b", "bridge.sub.a"} <= set(cycle)


def _module_name_in(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_anywhere(path: Path) -> set[str]:
    """Every dotted name ``path`` imports, function bodies included (absolute, top-level package first)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    name = _module_name(path)
    return {t for node in _all_imports(tree) for t in _targets(node, name, _is_package(path))}


def _files(*places: str) -> list[Path]:
    out: list[Path] = []
    for place in places:
        p = ROOT / place
        out += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    assert out and all(p.is_file() for p in out), places
    return out


def _uses(names: set[str], packages: tuple[str, ...]) -> set[str]:
    return {n for n in names if n.split(".")[0] in packages or any(n == p or n.startswith(p + ".") for p in packages)}


@pytest.mark.parametrize(
    ("places", "forbidden"),
    [
        (("protocol.py",), ("websockets", "mediapipe")),
        (("frame.py", "humanoid", "formats"), ("websockets",)),
        (("evaluation",), ("websockets", "bridge.server", "bridge.hub", "bridge.player")),
        (("batch",), ("websockets", "bridge.server", "bridge.hub", "bridge.player")),
    ],
)
def test_module_boundaries(places: tuple[str, ...], forbidden: tuple[str, ...]) -> None:
    """ARCHITECTURE.md: the codec imports neither websockets nor MediaPipe; frames, the humanoid solver and the
    formats know nothing of WebSocket; evaluation and batch depend on no server (not even through another module)."""
    modules = _modules()
    graph = import_graph(modules, everywhere=True)
    for path in _files(*places):
        name = _module_name(path)
        direct = _uses(_imported_anywhere(path), forbidden)
        assert not direct, f"{name} imports {sorted(direct)}"
        reached: set[str] = set()  # every bridge module it can end up importing
        todo = [name]
        while todo:
            for nxt in graph[todo.pop()] - reached:
                reached.add(nxt)
                todo.append(nxt)
        through = {m: sorted(_uses(_imported_anywhere(modules[m]), forbidden)) for m in reached}
        through = {m: bad for m, bad in through.items() if bad}
        assert not through, f"{name} reaches {through}"
