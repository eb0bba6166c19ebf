"""Files the engine writes and the fingerprints of the code it runs. No MkDocs here."""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import importlib.util
import os
import platform
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

PACKAGE_DIR = Path(__file__).resolve().parent.parent
"""The ``genai_notes`` package folder."""


def write_atomically(target: Path, data: str | bytes) -> None:
    """Write ``target`` through a temporary file in its folder and ``os.replace``.

    The file is readable by all (``rw-r--r--``), as MkDocs writes the site: drawings and
    scripts are linked from the caches into the site, and a web server reads them as another
    user (a temporary file is created ``rw-------``).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode() if isinstance(data, str) else data
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def file_stat(path: Path) -> list[int]:
    """Size, modification time (ns) and inode of a file: any write changes one of them.

    Raises:
        OSError: The file cannot be read.
    """
    info = path.stat()
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def package_files() -> list[Path]:
    """Every file of the package that can shape output: its modules and data (no caches)."""
    return sorted(
        path
        for path in PACKAGE_DIR.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def digest(paths: Iterable[Path], *extra: str) -> str:
    """SHA-256 over the names and bytes of ``paths`` and the ``extra`` strings."""
    hasher = hashlib.sha256()
    for path in sorted(set(paths)):
        hasher.update(
            str(
                path.relative_to(PACKAGE_DIR) if path.is_relative_to(PACKAGE_DIR) else path.name
            ).encode()
        )
        hasher.update(b"\0")
        hasher.update(_file_hash(path))
        hasher.update(b"\0")
    for item in extra:
        hasher.update(item.encode())
        hasher.update(b"\0")
    return hasher.hexdigest()


_HASHES: dict[tuple[str, int, int, int], bytes] = {}


def _file_hash(path: Path) -> bytes:
    """SHA-256 of a file's bytes, read once per process while its size, mtime and inode stay
    the same (a build digests overlapping sets of the package's files several times)."""
    status = path.stat()
    key = (str(path), status.st_size, status.st_mtime_ns, status.st_ino)
    found = _HASHES.get(key)
    if found is None:
        found = _HASHES[key] = hashlib.sha256(path.read_bytes()).digest()
    return found


def versions(*libraries: str) -> tuple[str, ...]:
    """``name=version`` of each library, and the Python version."""
    found = tuple(f"{name}={_version(name)}" for name in libraries)
    return (*found, f"python={platform.python_version()}")


@functools.lru_cache(maxsize=64)
def _version(library: str) -> str:
    return importlib.metadata.version(library)


class TextMemo(Protocol):
    """Somewhere to keep text results between builds (a :class:`~genai_notes.engine.memo.Memo`)."""

    def get(self, key: str) -> str | None:
        """The stored text of ``key``, or None."""

    def put(self, key: str, value: str) -> None:
        """Keep ``value`` for ``key``."""


def import_closure(modules: Iterable[str], memo: TextMemo | None = None) -> set[Path]:
    """The files of ``modules`` and of every ``genai_notes`` (or project) module they import,
    transitively, read from the source's import statements (no import, no call graph).

    A module that cannot be found is skipped: importing it fails and is reported elsewhere.
    ``memo`` keeps each file's imports by the hash of its bytes, so a warm build parses nothing.
    """
    pending = list(modules)
    seen: set[str] = set()
    files: set[Path] = set()
    roots = {name.split(".")[0] for name in pending} | {"genai_notes"}
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_path(name)
        if path is None:
            continue
        files.add(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for imported in _imports(path, package, memo):
            if imported.split(".")[0] in roots:
                pending.append(imported)
                parent = imported.rpartition(".")[0]
                if parent:
                    pending.append(parent)
    return files


def module_files(modules: Iterable[str]) -> list[Path]:
    """The files of ``modules`` that can be found (without importing them)."""
    return [path for path in map(_module_path, modules) if path is not None]


def _module_path(name: str) -> Path | None:
    """The source file of module ``name``, found without importing it or its parents."""
    if name == "genai_notes" or name.startswith("genai_notes."):
        base = PACKAGE_DIR.joinpath(*name.split(".")[1:])
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate.resolve()
        return None
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin).resolve()


def _imports(path: Path, package: str, memo: TextMemo | None) -> list[str]:
    """Module names imported by the file at ``path`` (``from x import y`` gives x and x.y)."""
    try:
        source = path.read_bytes()
    except OSError:
        return []
    if memo is None:
        return list(_parsed_imports(source, package))
    key = f"{hashlib.sha256(source).hexdigest()} {package}"
    found = memo.get(key)
    if found is None:
        found = "\n".join(_parsed_imports(source, package))
        memo.put(key, found)
    return found.split("\n") if found else []


@functools.lru_cache(maxsize=512)
def _parsed_imports(source: bytes, package: str) -> tuple[str, ...]:
    """The imports of one file's bytes (parsed once per content: the bytes are the key)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return ()
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.append(base)
            found += [f"{base}.{alias.name}" for alias in node.names]
    return tuple(found)
