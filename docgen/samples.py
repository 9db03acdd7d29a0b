"""The bundled sample workbooks: a fictional council's, to try docgen on.

``docgen samples export DIR`` copies them out, so the commands in the README run as
written after any install (a wheel keeps them inside the package).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from docgen.errors import OutputError
from docgen.pipeline import bundled_samples


def sample_workbooks() -> list[Path]:
    """The bundled sample files, by path: the workbooks and the folders of DfE returns."""
    root = bundled_samples()
    return sorted(
        p for p in root.rglob("*") if p.is_file() and not p.name.startswith((".", "~$"))
    )


def export_samples(folder: Path, *, force: bool = False) -> list[Path]:
    """Copy every sample workbook into ``folder`` (made if need be) and return the copies.

    A file of the same name already there that differs is kept unless ``force``: it
    may be a workbook someone has been editing.
    """
    root = bundled_samples()
    samples = {s.relative_to(root): s for s in sample_workbooks()}
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder} is a file; give a folder to copy the samples into.")
    clashes = [
        name
        for name, s in samples.items()
        if (folder / name).is_file() and (folder / name).read_bytes() != s.read_bytes()
    ]
    if clashes and not force:
        names = ", ".join(str(p) for p in clashes)
        raise OutputError(
            f"{folder} already holds {names}, different from the samples; choose another "
            "folder or add --force to replace them."
        )
    try:
        copied = []
        for name, source in samples.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            copied.append(Path(shutil.copyfile(source, folder / name)))
        return copied
    except OSError as exc:
        raise OutputError(f"{folder}: cannot copy the samples there ({exc.strerror}).") from exc
