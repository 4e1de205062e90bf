"""The folder layout is the architecture: sub-packages in layers, imports only downward, no cycles, small modules
and small functions, and each third-party library used only in the layer whose work it does.

docs/DESIGN.md ("Map of the code") describes the same layers in words; this test keeps the two honest.
Imports are read from the source with `ast` (lazy imports inside functions included), so a cycle hidden in a
function body is caught too.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import breakglass

PACKAGE = Path(breakglass.__file__).parent

# What each sub-package may import besides itself (and errors.py, which every layer may use).
MAY_IMPORT = {
    "cli": {"ceremonies", "scan", "paper", "record", "format", "page", "system"},
    "ceremonies": {"scan", "paper", "record", "format", "page", "system"},
    "scan": {"format", "system"},
    "paper": {"record", "format", "system"},
    "record": {"format", "system"},
    "format": set(),
    "page": {"system"},
    "system": set(),
}
TOP_LEVEL_MODULES = {"__init__", "__main__", "errors"}
MAX_LINES = 600
MAX_FUNCTION_LINES = 80  # from `def` to its last line, docstring included: one helper per section or strategy


def modules() -> dict[str, Path]:
    """Dotted names relative to the package ('format.share', 'errors') -> file."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path) -> set[str]:
    """The breakglass modules `name` imports, as dotted names relative to the package."""
    package_parts = name.split(".")[:-1] if not name.endswith("__init__") else name.split(".")[:-1]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - (node.level - 1)]
            elif node.module and node.module.split(".")[0] == "breakglass":
                base = []
                node_module = node.module.split(".")[1:]
                targets.update(_resolve(base + node_module, node.names))
                continue
            else:
                continue
            module = node.module.split(".") if node.module else []
            targets.update(_resolve(base + module, node.names))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "breakglass":
                    targets.add(".".join(alias.name.split(".")[1:]) or "__init__")
    known = modules()
    return {t for t in targets if t in known and t != name}


def _resolve(parts: list[str], names) -> set[str]:
    """`from X import a, b`: a and b may be modules of package X, or names in module X."""
    known = modules()
    base = ".".join(parts)
    out = set()
    for alias in names:
        candidate = f"{base}.{alias.name}" if base else alias.name
        if candidate in known:
            out.add(candidate)
        elif f"{candidate}.__init__" in known:  # a sub-package, e.g. `from . import v1` in format/
            out.add(f"{candidate}.__init__")
        elif base in known:
            out.add(base)
        elif f"{base}.__init__" in known:
            out.add(f"{base}.__init__")
        elif not base:
            out.add("__init__")
    return out


def layer(name: str) -> str | None:
    return name.split(".")[0] if "." in name else None


def test_at_most_three_modules_at_the_top():
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top <= TOP_LEVEL_MODULES, (
        f"modules at the top of src/breakglass beyond {TOP_LEVEL_MODULES}: {top - TOP_LEVEL_MODULES}"
    )


def test_every_package_folder_is_installed_and_fingerprinted():
    """A package folder missing from system/package.py's INSTALLED (and so from pyproject.toml's packages, which
    test_print_settings.py compares with it) would be left out of the wheel and of the package fingerprint."""
    from breakglass.system.package import INSTALLED

    folders = {".".join(("breakglass", *p.parent.relative_to(PACKAGE).parts)) for p in PACKAGE.rglob("__init__.py")}
    assert folders <= set(INSTALLED), f"package folders not installed: {sorted(folders - set(INSTALLED))}"


def test_every_sub_package_is_a_known_layer():
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages == set(MAY_IMPORT), "a new sub-package needs its place in MAY_IMPORT and in docs/DESIGN.md"


def test_no_module_is_too_long():
    long = {name: n for name, path in modules().items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them along their concepts): {long}"


def long_functions(source: str) -> dict[str, int]:
    """Functions and methods (nested ones too) longer than MAX_FUNCTION_LINES, by name, with their length."""
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found[f"{node.name} (line {node.lineno})"] = length
    return found


def test_no_function_is_too_long():
    long = {
        f"{name}.{function}": n
        for name, path in modules().items()
        for function, n in long_functions(path.read_text(encoding="utf-8")).items()
    }
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines (one helper per section or strategy): {long}"


def test_the_length_check_sees_a_long_function():
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    assert list(long_functions(f"def f():\n{body}\n")) == ["f (line 1)"]
    assert not long_functions(f"def f():\n{chr(10).join(body.splitlines()[:-1])}\n")


def test_imports_only_go_down_the_layers():
    wrong = []
    for name, path in modules().items():
        here = layer(name)
        for target in imports_of(name, path):
            there = layer(target)
            if there is None or there == here:
                continue  # errors.py, __init__, or the same sub-package
            if here is None:  # __main__ starts the CLI, after making signals safe (system.interrupts)
                if name != "__main__" or there not in ("cli", "system"):
                    wrong.append(f"{name} -> {target}")
            elif there not in MAY_IMPORT[here]:
                wrong.append(f"{name} -> {target}")
    assert not wrong, "imports against the layering: " + ", ".join(sorted(wrong))


def test_lower_layers_never_import_the_top():
    for name, path in modules().items():
        if layer(name) not in (None, "cli"):
            assert not any(t.startswith("cli.") or t == "__main__" for t in imports_of(name, path)), name


def test_no_import_cycles_between_modules():
    graph = {name: imports_of(name, path) - {"__init__"} for name, path in modules().items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            raise AssertionError("import cycle: " + " -> ".join(cycle))


def test_the_checker_sees_a_cross_layer_import():
    """The checks above are only worth something if imports are actually found: one known edge of each kind."""
    assert "format.share" in imports_of("format.v1.share", modules()["format.v1.share"])
    assert "format.v2.__init__" in imports_of("format.formats", modules()["format.formats"])  # a sub-package
    assert "record.journal" in imports_of("ceremonies.recover", modules()["ceremonies.recover"])  # a lazy import
    assert "cli.main" in imports_of("__main__", modules()["__main__"])


# Inside format/: each share format is a package (v1/, v2/) behind formats.py's one interface. A format never
# imports another, and never the modules that serve every format through that interface (they import it).
FORMAT_VERSIONS = ("format.v1", "format.v2")
SERVE_EVERY_FORMAT = {
    "format.formats",
    "format.scheme",
    "format.qrtext",
    "format.typed",
    "format.combine",
    "format.expand",
}


def test_a_format_version_imports_no_other_version_and_no_dispatcher():
    wrong = []
    for name, path in modules().items():
        own = next((v for v in FORMAT_VERSIONS if name.startswith(v + ".")), None)
        if own is None:
            continue
        for target in imports_of(name, path):
            other = any(target.startswith(v + ".") for v in FORMAT_VERSIONS if v != own)
            if other or target in SERVE_EVERY_FORMAT:
                wrong.append(f"{name} -> {target}")
    assert not wrong, "a format version reaching beyond its own package and the shared modules: " + ", ".join(wrong)
    assert {f"{v}.__init__" for v in FORMAT_VERSIONS} <= set(modules())


# Each third-party library belongs to the one layer whose work it does; the others reach it through that layer
# (a ceremony asks through the Terminal the CLI gives it, renders PDFs through scan/, encrypts through format/).
THIRD_PARTY_LAYER = {
    "click": "cli",  # the command line
    "pypdfium2": "scan",
    "zxingcpp": "scan",
    "pyzbar": "scan",
    "PIL": "scan",  # pages in, codes read
    "reportlab": "paper",
    "qrcode": "paper",  # paper out
    "Crypto": "format",  # pycryptodome: the share format's cryptography
}


def third_party_imports(path: Path) -> set[str]:
    """Top-level names of the non-standard, non-breakglass modules a file imports (lazy imports included)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in ("breakglass", "__future__")}


def test_third_party_libraries_stay_in_their_layer():
    wrong = []
    for name, path in modules().items():
        for library in third_party_imports(path):
            owner = THIRD_PARTY_LAYER.get(library)
            if owner is None:
                wrong.append(f"{name} imports {library}, which has no layer in THIRD_PARTY_LAYER (and docs/DESIGN.md)")
            elif layer(name) != owner:
                wrong.append(f"{name} imports {library}, which belongs to {owner}/")
    assert not wrong, "third-party imports outside their layer:\n" + "\n".join(sorted(wrong))


def test_the_third_party_check_sees_an_import():
    assert "click" in third_party_imports(modules()["cli.main"])
    assert "pypdfium2" in third_party_imports(modules()["scan.files"])  # imported lazily, inside functions
    assert not third_party_imports(modules()["record.journal"])


# Calls that create or change files. Every file breakglass writes goes through system/files.py (atomic, 0600,
# no following links); the journal alone is appended in place (record/journal.py, under a lock, O_APPEND).
_WRITERS = re.compile(
    r"\.write_text\(|\.write_bytes\(|\bos\.open\(|\bopen\([^)]*['\"][wax]b?\+?['\"]|NamedTemporaryFile|mkstemp|"
    r"shutil\.(copy|move)|\bos\.(replace|rename|link|symlink|truncate|ftruncate)\("
)
_ALLOWED_WRITERS = {
    "system.files": "the one writer",
    "record.journal": "the journal's locked append (os.open with O_APPEND|O_NOFOLLOW) and read-only opens",
    "system.inputs": "read-only opens (O_RDONLY|O_NONBLOCK, so a FIFO cannot hang the read)",
    "cli.main": "standard streams pointed at /dev/null when closed at start",
    "system.streams": "closed standard descriptors, and stdout after a failed write, pointed at /dev/null",
}


def test_every_file_is_written_through_the_one_writer():
    offenders = []
    for name, path in modules().items():
        if name in _ALLOWED_WRITERS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _WRITERS.search(line.split("#", 1)[0]):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert not offenders, "write files through breakglass.system.files:\n" + "\n".join(offenders)


def test_the_writer_check_sees_a_writer():
    assert _WRITERS.search('Path("x").write_text("y")') and _WRITERS.search("open(p, 'wb')")
    assert _WRITERS.search("os.replace(a, b)") and not _WRITERS.search("open(p, 'rb')")


# Test modules share helpers through non-test modules (tests/helpers.py, tests/paperchecks.py, conftest.py's
# fixtures), never through each other: importing a test module runs its module-level setup a second time, and
# pytest collects the imported tests again under the importer's name. Any depth: an import inside a function counts.
TESTS = Path(__file__).resolve().parent


def imported_test_modules(source: str, test_modules: set[str]) -> set[str]:
    """The test modules a source imports: `import x`, `from x import y`, `from tests import x`, `from . import x`,
    and import_module("x") / __import__("x"), at any depth."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] + [f"{node.module or ''}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if callee in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                names = [node.args[0].value]
        found |= {part for name in names for part in name.split(".") if part in test_modules}
    return found


def test_no_test_module_imports_another():
    paths = sorted(TESTS.rglob("test_*.py"))
    test_modules = {path.stem for path in paths}
    offenders = [
        f"{path.relative_to(TESTS)} imports {sorted(found - {path.stem})}"
        for path in paths
        if (found := imported_test_modules(path.read_text(encoding="utf-8"), test_modules)) - {path.stem}
    ]
    assert not offenders, "move shared helpers to tests/helpers.py or tests/paperchecks.py:\n" + "\n".join(offenders)


def test_the_test_import_check_sees_an_import():
    modules = {"test_sheet2", "test_advice"}
    for source in (
        "from test_sheet2 import make",
        "import test_sheet2",
        "import test_sheet2 as s",
        "def f():\n    if True:\n        from test_advice import invoke",
        "from tests.test_advice import PEOPLE",
        "from tests import test_advice",
        "from . import test_advice",
        "import importlib\nimportlib.import_module('test_advice')",
    ):
        assert imported_test_modules(source, modules), source
    for source in (
        "from helpers import invoke",
        "import paperchecks",
        "from test_sheet import make",
        "x = 'test_advice'",
    ):
        assert not imported_test_modules(source, modules), source
