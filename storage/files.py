"""Files of responses kept on disk, under one folder (``FILES_DIR``).

The layout is ``<root>/<form id>/<submission id>/<name>``. An answer keeps the path
relative to the root with forward slashes (``event_report/12/attendance.pdf``), so an
export saved next to the folder can link it. Names come from the people who sent the
files and are never trusted: each is reduced to one harmless path component, and a name
already taken gets a number instead of overwriting (``attendance (2).pdf``).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import unicodedata
from pathlib import Path

MAX_NAME = 100
"""Characters of a saved name: well within every file system's 255 bytes, in Cyrillic too."""
MAX_SUFFIX = 16
FORM_FOLDER = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
# Names Windows refuses whatever the extension; the files may be copied there.
RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{n}" for n in range(1, 10)}
    | {f"LPT{n}" for n in range(1, 10)}
)
PARTIAL_PREFIX = ".part-"


def safe_name(name: str, fallback: str = "file") -> str:
    """``name`` as one path component: no folders, no leading dots, letters (any script),
    digits, spaces and ``._-()`` only, at most ``MAX_NAME`` characters."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]
    base = "".join(char if char.isalnum() or char in " ._-()" else "_" for char in base)
    base = re.sub(r"\s+", " ", re.sub(r"_{2,}", "_", base)).strip(" ._")
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem:
        stem, suffix = base, ""
    stem, suffix = stem.rstrip(" ."), suffix.strip(" ")[:MAX_SUFFIX]
    if stem.split(".")[0].upper() in RESERVED:
        stem = f"_{stem}"
    stem = stem[: MAX_NAME - len(suffix) - 1].rstrip(" .") or fallback
    return f"{stem}.{suffix}" if suffix else stem


class FileStore:
    """Where the files of responses are kept; every path it returns is inside ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, form_id: str, submission_id: int) -> Path:
        if not FORM_FOLDER.match(form_id):
            raise ValueError("not a form id")
        return self.root / form_id / str(int(submission_id))

    def partial(self, form_id: str, submission_id: int) -> Path:
        """A new temporary file in the response's folder, for a download in progress."""
        folder = self.folder(form_id, submission_id)
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{PARTIAL_PREFIX}{secrets.token_hex(8)}"

    def keep(self, partial: Path, name: str) -> str:
        """Give a finished download its name (a free one: never overwrites); returns the
        path relative to the root, with forward slashes."""
        folder = partial.parent
        if folder.resolve().parent.parent != self.root.resolve():
            raise ValueError("not a download of this store")
        clean = safe_name(name)
        stem, dot, suffix = clean.rpartition(".")
        if not dot:
            stem, suffix = clean, ""
        number = 1
        while True:
            candidate = folder / (clean if number == 1 else _numbered(stem, suffix, number))
            try:
                # Exclusive creation reserves the name; the replace then only ever overwrites
                # the empty file just created here.
                with candidate.open("xb"):
                    pass
            except FileExistsError:
                number += 1
                continue
            try:
                os.replace(partial, candidate)
            except OSError:
                candidate.unlink(missing_ok=True)
                raise
            return candidate.relative_to(self.root).as_posix()

    def discard(self, relative: str) -> None:
        """Delete one kept file (a copy nobody needs any more)."""
        path = (self.root / relative).resolve()
        if path.is_relative_to(self.root.resolve()):
            path.unlink(missing_ok=True)

    def remove(self, form_id: str, submission_id: int) -> None:
        """Delete every file of one response (its personal data is erased)."""
        folder = self.folder(form_id, submission_id)
        if folder.is_dir():
            shutil.rmtree(folder)


def _numbered(stem: str, suffix: str, number: int) -> str:
    mark = f" ({number})"
    stem = stem[: MAX_NAME - len(mark) - len(suffix) - 1]
    return f"{stem}{mark}.{suffix}" if suffix else f"{stem}{mark}"
