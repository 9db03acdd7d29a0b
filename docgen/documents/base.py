"""What a document type declares, in one place, and the registry that finds them.

A document type is one module of this package holding a module-level ``DOCUMENT``
(or ``DOCUMENTS``, a tuple of them). The CLI's commands, the drop folder's inbox
folders, ``validate``, ``new-workbook``, ``templates check``, the generated docs and
the tests all iterate :func:`all_types`; nothing else lists the types by hand.
See docs/adding-a-document-type.md.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import click

from docgen.errors import Problem, UserError
from docgen.models import Row, WorkbookSpec
from docgen.settings import Settings
from docgen.validate import Tables

#: A meeting's rows from each child sheet, in the order the type lists them.
Related = Sequence[Sequence[Any]]
#: (meeting, its related rows, settings, the item or None) -> the template's context.
ContextBuilder = Callable[[Any, Related, Settings, Any], dict[str, Any]]
#: (meeting, its related rows, item or None, item's position) -> the parts of the file
#: name: IDs, dates and positions only.
NameParts = Callable[[Any, Related, Any, int], tuple[str, ...]]
#: (meeting, its related rows) -> the items that each get a document (e.g. invitees).
ItemPicker = Callable[[Any, Related], Sequence[Any]]
#: (a validated workbook, settings) -> warnings of what its documents will lack.
WarningFinder = Callable[[Tables, Settings], list[Problem]]
#: (the bundled samples folder, settings) -> (template, context) of a per-workbook type.
SampleContexts = Callable[[Path, Settings], list[tuple[str, dict[str, Any]]]]


@dataclass(frozen=True)
class Dropped:
    """What the drop folder hands a type's ``drop``: one job's input and where it writes.

    ``source`` is the file dropped (a workbook, or a zip for a type that ``takes_folders``)
    or a settled folder, under the name it was dropped with; ``output`` is an empty
    folder the service publishes as a whole once the job is done.
    """

    source: Path
    output: Path
    settings: Settings
    workers: int = 1
    year: int | None = None  # a ``yearly`` type's year, from the name or the Report sheet
    today: date | None = None  # the day of the drop (for lists "as of" a day)


#: (the type, what was dropped) -> what it wrote (a :class:`docgen.pipeline.Result`).
DropMaker = Callable[["DocumentType", Dropped], Any]


@dataclass(frozen=True)
class DocumentType:
    """One kind of document docgen writes, and everything the package needs to know of it.

    ``per`` says which row becomes one document: ``"row"``, one per row of ``parent``
    (a meeting); ``"item"``, one per item ``items`` picks from a meeting's related rows
    (one letter per invited person); ``"workbook"``, one per workbook (the annual report,
    a planning list), made by the type's own command.
    """

    name: str  # the registry key, the CLI command and the inbox folder: "review"
    title: str  # what one document is, for help and messages: "looked-after review record"
    help: str  # the CLI command's help text
    workbook: WorkbookSpec  # the workbook it reads, with its sheet models
    template: str  # the bundled template's file name
    sample: str  # the bundled sample workbook's file name
    parent: type[Row] | None = None  # the row each document (or its items) comes from
    children: tuple[type[Row], ...] = ()  # sheets joined to a parent row by its ID
    build: ContextBuilder | None = None
    file_parts: NameParts | None = None
    per: str = "row"
    items: ItemPicker | None = None
    #: Another template for some documents (a child's letter): (meeting, item) -> name.
    template_for: Callable[[Any, Any], str] | None = None
    #: Extra templates the type may use (for checks and export), beside ``template``.
    other_templates: tuple[str, ...] = ()
    #: The CLI command that makes it, when not ``name``: types sharing one (``invitations``
    #: from a review or a conference workbook) are told apart by the workbook's sheets.
    cli_name: str = ""
    #: A command of its own (options such as --quarter), built on demand with
    #: :mod:`docgen.clikit`; None for a per-row type, which gets the generic command.
    command: Callable[[], click.Command] | None = None
    #: For docs/workbooks.md: what comes out of the workbook, and how files are named.
    notes: str = ""
    #: Warnings of a batch beyond validation's (an invitee with no address), row by row.
    warnings: WarningFinder | None = None
    #: A per-workbook type's contexts for the bundled samples, for ``templates check``.
    sample_contexts: SampleContexts | None = None
    inbox: bool = True  # the drop folder has an inbox/<command name>/ for it, if it has a drop
    #: How the drop folder makes it from what was dropped; a type with none has no inbox.
    drop: DropMaker | None = None
    #: Its inbox folder also takes zips and (once settled) folders: each is one job.
    takes_folders: bool = False
    #: A drop is for one reporting year (its name, else its Report sheet): the same
    #: content dropped again for that year is a duplicate.
    yearly: bool = False
    #: A drop of content already made is made again (a list "as of" the day it is dropped).
    repeatable: bool = False
    order: int = 50  # where it comes in lists, help and docs

    @property
    def templates(self) -> tuple[str, ...]:
        return (self.template, *self.other_templates)

    @property
    def command_name(self) -> str:
        return self.cli_name or self.name

    @property
    def kind(self) -> str:
        """The kind of workbook it reads (``review``, ``conference``, ...)."""
        return self.workbook.kind

    def context(self, meeting: Any, related: Related, settings: Settings, item: Any) -> dict:
        if self.build is None:
            raise TypeError(f"{self.name} documents are not made one per row")
        return self.build(meeting, related, settings, item)

    def template_of(self, meeting: Any, item: Any) -> str:
        return self.template_for(meeting, item) if self.template_for else self.template

    def picked(self, meeting: Any, related: Related) -> Sequence[Any]:
        """The items of one meeting that each get a document; ``[None]`` per row."""
        return self.items(meeting, related) if self.items is not None else [None]


def _found() -> list[DocumentType]:
    import docgen.documents as package

    types: list[DocumentType] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        declared = getattr(module, "DOCUMENTS", None) or (getattr(module, "DOCUMENT", None),)
        types += [t for t in declared if isinstance(t, DocumentType)]
    return sorted(types, key=lambda t: (t.order, t.name))


def registry() -> dict[str, DocumentType]:
    """Every document type, by name, in the order lists show them."""
    return _found_registry()


@cache
def _found_registry() -> dict[str, DocumentType]:
    types = _found()
    names = [t.name for t in types]
    doubled = sorted({n for n in names if names.count(n) > 1})
    if doubled:
        raise RuntimeError(f"document types declared twice: {', '.join(doubled)}")
    return {t.name: t for t in types}


def all_types() -> list[DocumentType]:
    return list(registry().values())


def get(name: str) -> DocumentType:
    """The document type called ``name``; an unknown name is the user's error."""
    try:
        return registry()[name]
    except KeyError:
        known = ", ".join(registry())
        raise UserError(f"unknown document type {name!r}: expected one of {known}.") from None


def per_row_types() -> list[DocumentType]:
    """The types made one per row or item of a workbook."""
    return [t for t in all_types() if t.per in ("row", "item")]


def generic_commands() -> dict[str, list[DocumentType]]:
    """The per-row types the generic command makes, by command name (``invitations``
    may be made from either of two kinds of workbook)."""
    found: dict[str, list[DocumentType]] = {}
    for doc in per_row_types():
        if doc.command is None:
            found.setdefault(doc.command_name, []).append(doc)
    return found


def drop_folders() -> dict[str, list[DocumentType]]:
    """The drop folder's inbox folders, by name (the command name), with the types each
    makes; ``inbox/invitations/`` makes a review's or a conference's, told by its sheets."""
    found: dict[str, list[DocumentType]] = {}
    for doc in all_types():
        if doc.inbox and doc.drop is not None:
            found.setdefault(doc.command_name, []).append(doc)
    return found


def workbook_kinds() -> dict[str, WorkbookSpec]:
    """Each workbook kind some document type reads, by kind."""
    kinds: dict[str, WorkbookSpec] = {}
    for doc in all_types():  # a kind read by several types is described by its widest spec
        known = kinds.get(doc.kind)
        if known is None or len(doc.workbook.sheets) > len(known.sheets):
            kinds[doc.kind] = doc.workbook
    return kinds


def types_reading(kind: str) -> list[DocumentType]:
    """The document types made from a workbook of ``kind``."""
    return [t for t in all_types() if t.kind == kind]
