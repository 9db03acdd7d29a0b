"""The docxtpl boundary: template lookup, a sandboxed autoescaped Jinja environment,
templates compiled once per process, and atomic, deterministic, owner-only saves.

docxtpl is kept behind this module (see STYLE.md, section 5). Two paths produce
the same document XML:

* the **compiled path**, for documents without images (every meeting paper): a
  template's parts are cleaned by docxtpl's own ``patch_xml`` and compiled by Jinja
  once, then each document only renders those parts and re-packs the zip;
* the **docxtpl path**, for documents with charts (the annual report), where
  docxtpl's image relationships are needed.

Both write every zip entry with a fixed timestamp, so the same input gives the
same bytes.
"""

from __future__ import annotations

import contextlib
import copy
import ctypes
import functools
import io
import itertools
import os
import re
import signal
import stat
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.constants import CONTENT_TYPE as CT
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from docgen.errors import OutputError, TemplateError

_XML_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Chart:
    """A PNG chart to place in a document, ``width_mm`` wide."""

    png: bytes
    width_mm: int = 150


def bundled_templates() -> Path:
    """The templates shipped with docgen (inside a wheel, or the repo's templates/docx)."""
    packaged = Path(__file__).parent / "_bundled" / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parents[1] / "templates" / "docx"


#: Why a template may not name another file: the same sentence at check and render time.
OTHER_FILES_REFUSED = (
    "{% include %}, {% import %} and {% extends %} cannot read other files: a Word "
    "template is one document, so put the text in it"
)


class FileTagError(jinja2.TemplateRuntimeError):
    """A template used ``{% include %}``, ``{% import %}`` or ``{% extends %}``."""


class _NoOtherFiles(jinja2.BaseLoader):
    """A template is one Word document and reads no other file; without a loader Jinja
    would say "no loader for this environment specified", which no Word user can act on."""

    def get_source(self, environment: jinja2.Environment, template: str) -> Any:
        raise FileTagError(f"{OTHER_FILES_REFUSED} (it asks for {template!r})")


def make_environment() -> SandboxedEnvironment:
    """Sandboxed (a template cannot reach Python internals), XML-autoescaped (text from
    a workbook such as ``<b>&`` comes out literally), strict about undefined names, and
    with no other files to read."""
    return SandboxedEnvironment(
        autoescape=True, undefined=jinja2.StrictUndefined, loader=_NoOtherFiles()
    )


class Renderer:
    """Finds, compiles and renders templates; one instance serves a whole batch."""

    def __init__(self, override_dir: Path | None = None) -> None:
        if override_dir is not None and not override_dir.is_dir():
            # A misspelt DOCGEN_TEMPLATES, or a share not mounted: falling back to the
            # bundled templates would send documents out without the council's letterhead.
            raise TemplateError(
                f"the templates folder {override_dir} is not there (DOCGEN_TEMPLATES or "
                "--templates); nothing was rendered with the bundled templates instead."
            )
        self.override_dir = override_dir
        self.env = make_environment()
        self._compiled: dict[Path, _Compiled] = {}
        self._paths: dict[str, Path] = {}

    def template_path(self, name: str) -> Path:
        """The council's own template when it has one, else the bundled one.

        Looked up once per batch, like the compiled template it leads to: three file
        system checks per document were 8% of a review record's time.
        """
        if name not in self._paths:
            self._paths[name] = self._find(name)
        return self._paths[name]

    def _find(self, name: str) -> Path:
        if self.override_dir is not None:
            candidate = self.override_dir / name
            if candidate.is_file():
                return candidate
        path = bundled_templates() / name
        if not path.is_file():
            raise TemplateError(f"template {name} not found in {path.parent}.")
        return path

    def render(self, name: str, context: Mapping[str, Any], *, charts: bool = False) -> bytes:
        """The finished .docx as bytes.

        A context holding :class:`Chart` values needs ``charts=True``: docxtpl's own
        path adds their image parts. Every other document takes the compiled path.
        """
        path = self.template_path(name)
        try:
            if charts:
                return _render_with_docxtpl(path, context, self.env)
            compiled = self._compiled.get(path)
            if compiled is None:
                compiled = self._compiled[path] = _compile(path, self.env)
            return compiled.render(context)
        except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
            # An expression of a council's own template failed ({{ 1 // 0 }}, a bad filter
            # argument): its author needs the template named, not a traceback.
            raise _failure(path, f"failed to render: {type(exc).__name__}: {exc}") from exc
        except jinja2.UndefinedError as exc:
            raise _failure(path, f"uses data it is not given: {exc}") from exc
        except jinja2.TemplateSyntaxError as exc:
            raise _failure(
                path,
                f"has a tag error: {(exc.message or '').rstrip('.')} (a tag may be split by "
                "Word's formatting)",
            ) from exc
        except jinja2.TemplateError as exc:
            raise _failure(path, f"failed to render: {exc}") from exc


def _failure(path: Path, what: str) -> TemplateError:
    """A template's failure, named, with where to look: Jinja knows only a line of the
    template's XML, which no Word user can find; ``docgen templates check`` names the
    paragraph (of a council's template: the bundled ones pass it)."""
    where = ""
    if path.parent.resolve() != bundled_templates().resolve():
        where = f"; docgen templates check {path.parent} names the paragraph"
    return TemplateError(f"template {path.name} {what.rstrip('.')}{where}.")


def _compile(path: Path, env: SandboxedEnvironment) -> _Compiled:
    """The template at ``path``, compiled; a file that is not a Word document is refused."""
    try:
        return _Compiled(path, env)
    except jinja2.TemplateError:
        raise  # a tag error: Renderer.render names it
    except Exception as exc:  # python-docx, zipfile and lxml each raise their own
        raise TemplateError(
            f"template {path.name} is not a Word document docgen can read "
            f"({type(exc).__name__}); save it from Word as .docx."
        ) from exc


class _Compiled:
    """A template whose tagged parts are patched and compiled once.

    The parts a document never changes (styles, fonts, numbering: most of the
    bytes) are deflated once here and copied into every output as they are.
    """

    def __init__(self, path: Path, env: SandboxedEnvironment) -> None:
        tpl = DocxTemplate(str(path))
        tpl.render_init()
        self._tpl = tpl  # docxtpl's post-processing helpers; no state is kept between renders
        parts = _tagged_parts(tpl)
        body = parts[0]
        self.body = env.from_string(body.source)
        self.has_column_loops = "{%tc" in body.raw or "{%- tc" in body.raw
        root = copy.deepcopy(tpl.docx._element)
        root.replace(root.find(f"{_W}body"), etree.Element(f"{_W}body"))
        head, _, tail = etree.tostring(root, encoding="UTF-8", standalone=True).partition(
            b"<w:body/>"
        )
        self.document_head, self.document_tail = head, tail
        self.document_name = body.name
        self.has_drawings = "<wp:docPr" in body.raw
        self.parts = {part.name: env.from_string(part.source) for part in parts[1:]}
        # Document properties with tags (a title "Alert {{ alert.id }}"), as docxtpl's
        # render_properties renders them: each of its six alone, then written by
        # python-docx. Where none has a tag, the part is copied as it is.
        values = _property_values(tpl)
        tagged = any(_tagged(value) for value in values.values())
        # A property without a tag renders as itself: only the tagged ones are rendered.
        self.properties = {
            prop: env.from_string(value) for prop, value in values.items() if _tagged(value)
        }
        self.core_name = _core_part_name(tpl) if tagged else None
        # A template without a creation date (none from Word) gets a fixed one.
        self.created: datetime = tpl.docx.core_properties.created or _NO_DATE
        self.core_xml = _core_with_slots(tpl, values) if tagged else ""
        members = _read_entries(path)
        self.names = [name for name, _ in members]
        fresh = {self.document_name, self.core_name, *self.parts}
        self.entries = [None if name in fresh else _deflate(name, data) for name, data in members]

    def render(self, context: Mapping[str, Any]) -> bytes:
        body = _finish(self._tpl, self.body.render(context))
        if self.has_column_loops:
            body = etree.tostring(self._tpl.fix_tables(body), encoding="unicode")
        if self.has_drawings:
            body = _renumber_drawings(body)
        fresh = {self.document_name: self.document_head + body.encode() + self.document_tail}
        for name, template in self.parts.items():
            fresh[name] = _XML_DECLARATION + _finish(self._tpl, template.render(context)).encode()
        if self.core_name is not None:
            fresh[self.core_name] = self._core(context)
        return _write_zip(
            [
                entry or _deflate(name, fresh[name], level=1)
                for name, entry in zip(self.names, self.entries, strict=True)
            ]
        )

    def _core(self, context: Mapping[str, Any]) -> bytes:
        """The document properties part: python-docx's XML for the template, written
        once with a slot for each tagged property and the dates, filled here as
        python-docx would fill them (text escaped, at most 255 characters)."""
        xml = self.core_xml
        for prop, template in self.properties.items():
            value = template.render(context)
            if len(value) > 255:  # python-docx's own limit
                raise ValueError(f"exceeded 255 char limit for property, got:\n\n'{value}'")
            xml = xml.replace(_slot(prop), _xml_text(value))
        stamp = (_created(context) or self.created).strftime("%Y-%m-%dT%H:%M:%SZ")
        return xml.replace(_DATE_SLOT, stamp).encode()


def _slot(prop: str) -> str:
    return f"\ue000{prop}\ue000"  # a private-use character: in no template's value


_NO_DATE = datetime(2000, 1, 1)
_DATE_SLOT_TIME = datetime(1901, 2, 3, 4, 5, 6)
_DATE_SLOT = "1901-02-03T04:05:06Z"


def _core_with_slots(tpl: DocxTemplate, values: Mapping[str, str]) -> str:
    """docxtpl writes all six properties (a blank one as an empty element): a tagged
    one gets its slot, the others their value, which renders as itself."""
    core = tpl.docx.core_properties  # python-docx's writer, as docxtpl's
    for prop, value in values.items():
        setattr(core, prop, _slot(prop) if _tagged(value) else value)
    core.created = core.modified = _DATE_SLOT_TIME
    return etree.tostring(core._element, encoding="UTF-8", standalone=True).decode()


def _xml_text(value: str) -> str:
    """Text as lxml writes it into an element: ``&``, ``<`` and ``>`` escaped."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class TemplatePart:
    """A part of a template as Jinja compiles it: the body, or a header, footer or the
    footnotes, when they hold tags.

    ``source`` is the XML after docxtpl's ``patch_xml`` with each paragraph on a line
    of its own, so a Jinja line number names a paragraph.
    """

    name: str  # the zip member, e.g. word/document.xml
    kind: str  # "body", "header", "footer" or "footnotes"
    raw: str
    source: str


def template_parts(path: Path) -> list[TemplatePart]:
    """The tagged parts of the template at ``path``, the body first."""
    tpl = DocxTemplate(str(path))
    tpl.render_init()
    return _tagged_parts(tpl)


def template_properties(path: Path) -> dict[str, str]:
    """The document properties of the template at ``path`` that hold tags (a title
    ``Alert {{ alert.id }}``), by python-docx's name for them: each is rendered too."""
    tpl = DocxTemplate(str(path))
    tpl.render_init()
    return {prop: value for prop, value in _property_values(tpl).items() if _tagged(value)}


def _property_values(tpl: DocxTemplate) -> dict[str, str]:
    """The template's values of the properties docxtpl renders ("" where unset)."""
    core = tpl.docx.core_properties
    return {prop: getattr(core, prop) or "" for prop in _RENDERED_PROPERTIES}


def _tagged_parts(tpl: DocxTemplate) -> list[TemplatePart]:
    body = tpl.get_xml()
    parts = [
        TemplatePart(
            tpl.docx.part.partname.lstrip("/"), "body", body, _prepare(tpl.patch_xml(body))
        )
    ]
    for uri, kind in ((tpl.HEADER_URI, "header"), (tpl.FOOTER_URI, "footer")):
        for _rel, part in tpl.get_headers_footers(uri):
            xml = tpl.get_part_xml(part)
            if _tagged(xml):
                parts.append(
                    TemplatePart(part.partname.lstrip("/"), kind, xml, _prepare(tpl.patch_xml(xml)))
                )
    for part in tpl.docx.part.package.iter_parts():  # as docxtpl's render_footnotes
        if part.content_type == CT.WML_FOOTNOTES:
            xml = _XML_DECLARATION_TEXT.sub("", part.blob.decode("utf-8"), count=1)
            if _tagged(xml):
                parts.append(
                    TemplatePart(
                        part.partname.lstrip("/"), "footnotes", xml, _prepare(tpl.patch_xml(xml))
                    )
                )
    return parts


def _tagged(xml: str) -> bool:
    return "{{" in xml or "{%" in xml or "{#" in xml


_XML_DECLARATION_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>\s*")
#: The document properties docxtpl renders (the string ones python-docx can write).
_RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
#: A drawing's id, which must be unique in a document: loops repeat them.
_DRAWING_ID = re.compile(r'(<wp:docPr\b[^>]*?\sid=")[^"]*(")')


def _renumber_drawings(xml: str) -> str:
    """docxtpl's fix_docpr_ids: every drawing of the body numbered anew from 1001, in
    document order, so that an image repeated by a loop keeps an id of its own."""
    ids = itertools.count(1001)
    return _DRAWING_ID.sub(lambda m: f"{m[1]}{next(ids)}{m[2]}", xml)


def _created(context: Mapping[str, Any]) -> datetime | None:
    """A meeting document's creation date: its meeting's (``document.created``), so the
    same workbook gives the same bytes and File > Info shows when the meeting was held."""
    document = context.get("document")
    day = document.get("created") if isinstance(document, Mapping) else None
    return datetime.combine(day, time()) if isinstance(day, date) else None


def _core_part_name(tpl: DocxTemplate) -> str:
    parts = tpl.docx.part.package.iter_parts()
    return next(p for p in parts if p.content_type == CT.OPC_CORE_PROPERTIES).partname.lstrip("/")


#: docxtpl's escapes for a literal tag in a template's text. docxtpl replaces them
#: after rendering, in user values too; compiling them as Jinja string literals keeps
#: the template's meaning and leaves text typed into a workbook as it was typed.
_ESCAPES = {"{_{": "{{ '{{' }}", "}_}": "{{ '}}' }}", "{_%": "{{ '{%' }}", "%_}": "{{ '%}' }}"}


def _prepare(xml: str) -> str:
    """docxtpl's line split before each paragraph, so Jinja errors name a line."""
    for escape, literal in _ESCAPES.items():
        xml = xml.replace(escape, literal)
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


def _finish(tpl: DocxTemplate, xml: str) -> str:
    """docxtpl's post-processing of a rendered part, in its own order."""
    # Escaped values cannot hold "<", so every "\n<w:p" is one _prepare inserted.
    xml = xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
    if not any(char in xml for char in "\n\t\a\f"):
        return xml  # resolve_listing would change nothing; it is the costliest step
    return tpl.resolve_listing(xml)


def _render_with_docxtpl(
    path: Path, context: Mapping[str, Any], env: SandboxedEnvironment
) -> bytes:
    tpl = DocxTemplate(str(path))

    def swap(value: Any) -> Any:
        if isinstance(value, Chart):
            return InlineImage(tpl, io.BytesIO(value.png), width=Mm(value.width_mm))
        if isinstance(value, Mapping):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [swap(v) for v in value]
        return value

    tpl.render(swap(context), jinja_env=env)
    created = _created(context)
    if created is not None:
        tpl.docx.core_properties.created = tpl.docx.core_properties.modified = created
    buffer = io.BytesIO()
    tpl.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zf:
        return _pack((info.filename, zf.read(info)) for info in zf.infolist())


def _read_entries(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def _pack(entries: Any) -> bytes:
    return _write_zip([_deflate(name, data) for name, data in entries])


@dataclass(frozen=True)
class _ZipEntry:
    """One zip member, already deflated: written as it is into every output."""

    name: bytes
    crc: int
    size: int
    data: bytes


def _deflate(name: str, data: bytes, level: int = 6) -> _ZipEntry:
    """Deflate a member; per-document parts use level 1 (3x faster, a few KB larger)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return _ZipEntry(
        name.encode(), zlib.crc32(data), len(data), packer.compress(data) + packer.flush()
    )


# Fixed DOS time and date (1980-01-01 00:00), deflate, owner-only attributes: a zip whose
# bytes depend only on its members, so the same input gives the same document.
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1
_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")
_END = struct.Struct("<4sHHHHIIH")


def _write_zip(entries: list[_ZipEntry]) -> bytes:
    out = io.BytesIO()
    central = io.BytesIO()
    for entry in entries:
        offset = out.tell()
        out.write(
            _LOCAL.pack(
                b"PK\x03\x04",
                20,
                0,
                8,
                _DOS_TIME,
                _DOS_DATE,
                entry.crc,
                len(entry.data),
                entry.size,
                len(entry.name),
                0,
            )
        )
        out.write(entry.name)
        out.write(entry.data)
        central.write(
            _CENTRAL.pack(
                b"PK\x01\x02",
                (3 << 8) | 20,
                20,
                0,
                8,
                _DOS_TIME,
                _DOS_DATE,
                entry.crc,
                len(entry.data),
                entry.size,
                len(entry.name),
                0,
                0,
                0,
                0,
                0o100600 << 16,
                offset,
            )
        )
        central.write(entry.name)
    start = out.tell()
    directory = central.getvalue()
    out.write(directory)
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), start, 0))
    return out.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write one file owner-only and atomically (see :func:`write_all`)."""
    write_all([(path, data)])


def write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write every file owner-only, all or none.

    Each file goes to a temporary name beside its target (:func:`stage`); once all
    are written they are flushed to disk with one ``sync`` for the batch, not one
    ``fsync`` per file, and renamed into place (:func:`publish`). A failure removes
    every temporary file, so a reader never sees half a document, nor half a batch.
    """
    try:
        for path, data in files:
            stage(path, data)
    except BaseException:
        discard([path for path, _data in files])
        raise
    publish([path for path, _data in files])


#: The hidden names a document has before it is published (staged) and while the file
#: it replaces is set aside: ``.review_C1_2014-03-12.docx.docgen.tmp``.
_STAGED, _SET_ASIDE = ".docgen.tmp", ".docgen.old"


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}{_STAGED}")


def stage(path: Path, data: bytes) -> Path:
    """Write ``data`` owner-only under a temporary name beside ``path``; any process may."""
    tmp = _temporary(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)  # the file may have existed with looser bits
            fh.write(data)
    except OSError as exc:
        _remove(tmp)
        raise OutputError(f"cannot write to {path.parent}: {exc.strerror}.") from exc
    return tmp


def publish(paths: list[Path]) -> None:
    """Flush the staged files of ``paths`` to disk, then rename each into place: all or none.

    Every target is checked first, so a folder or link in the way stops the batch before
    anything moves. A file being replaced is renamed aside until the end: if a rename
    fails part-way, the documents already placed are removed and the old files put back,
    so the folder is as it was. Errors name the file only (names hold IDs and dates).
    """
    for path in paths:
        problem = _unfit_target(path)
        if problem:
            discard(paths)
            raise OutputError(f"cannot write {path.name}: {problem}; nothing was written.")
    try:
        _flush({path.parent for path in paths})
    except BaseException:  # Ctrl-C during a long sync: nothing has moved yet
        discard(paths)
        raise
    placed: list[Path] = []
    set_aside: list[Path] = []
    with signals_held():
        try:
            for path in paths:
                if os.path.lexists(path):
                    set_aside.append(path)
                    os.replace(path, _aside(path))
                os.replace(_temporary(path), path)
                placed.append(path)
        except BaseException as exc:  # an OSError; or, where signals cannot be held, Ctrl-C
            _undo(placed, set_aside)
            discard(paths)
            if not isinstance(exc, OSError):
                raise
            raise OutputError(
                f"cannot write {path.name}: {exc.strerror}; nothing was written."
            ) from exc
        for path in set_aside:
            _remove(_aside(path))


def _flush(folders: Iterable[Path]) -> None:
    """Write to disk the file systems holding ``folders``, so that no document is renamed
    into place before its bytes are safe.

    One sync for a batch, not an fsync per file (0.25 ms a document). Where Linux's
    syncfs(2) is there, only the file systems written to are flushed: sync(2) flushes
    every one on the machine, and on a shared server waits for other programs' writes.
    """
    syncfs = getattr(_libc(), "syncfs", None)
    if syncfs is None:
        os.sync()
        return
    flushed: set[int] = set()
    for folder in folders:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            device = os.fstat(fd).st_dev
            if device not in flushed and syncfs(fd) != 0:
                os.sync()  # a file system that refuses syncfs: flush them all
                return
            flushed.add(device)
        finally:
            os.close(fd)


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, for calls Python's os module does not offer; None off Linux."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


#: Signals that end a run besides Ctrl-C: a service manager's, a closed terminal's.
ENDING_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


@contextlib.contextmanager
def signals_handled(signums: Iterable[int], handler: Callable[[int, Any], None]) -> Iterator[None]:
    """``handler`` for ``signums`` for the block, the earlier handlers after it. Python
    runs handlers in the main thread only: from another thread this changes nothing."""
    try:
        previous = {signum: signal.signal(signum, handler) for signum in signums}
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        for signum, earlier in previous.items():
            signal.signal(signum, earlier)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the renames run, so a batch is never left half old,
    half new: a signal that arrives is noted, and raised again once they are done (a
    fraction of a second). Python runs signal handlers in the main thread only; from
    another thread there is nothing to hold. (A signal mask would not do: libraries
    start threads of their own, and the kernel hands the signal to one of those.)"""
    noted: list[int] = []
    try:
        with signals_handled((signal.SIGINT, *ENDING_SIGNALS), lambda n, _f: noted.append(n)):
            yield
    finally:
        for signum in dict.fromkeys(noted):
            signal.raise_signal(signum)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """One docgen run at a time writes into ``folder``; a second is refused, not mixed in.

    Two runs staging the same documents would overwrite each other's temporary files
    and publish a mixture. The lock is on the folder itself (no file is left behind)
    and goes with the process, however it ends. Holding it, a run clears what a run
    killed outright (kill -9, a power cut) left there: see :func:`_clear_leftovers`.
    """
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    missing = []  # the folders to make, the deepest first
    for ancestor in (folder, *folder.parents):
        if ancestor.exists():
            break
        missing.append(ancestor)
    created = []  # those this run made itself (another run may make one at the same time)
    try:
        for ancestor in reversed(missing):
            with contextlib.suppress(FileExistsError):
                ancestor.mkdir()
                created.insert(0, ancestor)
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise OutputError(f"cannot write to {folder}: {exc.strerror}.") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            created = []  # the folder is the other run's now: never remove it
            raise OutputError(
                f"another docgen run is writing to {folder}; run again when it has finished."
            ) from None
        except OSError:
            pass  # a file system without locks (NFS without lockd, some FUSE): run unlocked
        else:
            _clear_leftovers(folder)
        yield
    except BaseException:
        for made in created:  # a run that wrote nothing leaves no empty folders behind
            with contextlib.suppress(OSError):
                made.rmdir()
        raise
    finally:
        os.close(fd)


def _clear_leftovers(folder: Path) -> None:
    """Remove the hidden files of an earlier run that was killed before it could (they
    hold children's details), once this run holds the folder's lock, so none is live.

    A staged document of a batch that never published is removed. A document set aside
    while its replacement was renamed in is removed once the replacement is in place,
    and put back where it is not (the run died between the two renames).
    """
    try:
        entries = [
            entry.name
            for entry in os.scandir(folder)
            if entry.name.startswith(".") and entry.is_file(follow_symlinks=False)
        ]
    except OSError:
        return  # an unreadable folder fails the run later, with its own message
    for name in entries:
        for suffix in (_STAGED, _SET_ASIDE):
            if not name.endswith(suffix) or len(name) <= len(suffix) + 1:
                continue
            leftover, target = folder / name, folder / name[1 : -len(suffix)]
            if suffix == _SET_ASIDE and not os.path.lexists(target):
                with contextlib.suppress(OSError):
                    os.replace(leftover, target)
            else:
                _remove(leftover)


def _aside(path: Path) -> Path:
    return path.with_name(f".{path.name}{_SET_ASIDE}")


def _unfit_target(path: Path) -> str | None:
    """Why ``path`` cannot be replaced by a document, or None when it is absent or a file.

    A folder would stop the renames half-way through a batch; a link would itself be
    replaced, not the file it points to.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc.strerror
    if stat.S_ISDIR(mode):
        return "a folder of that name is in the way"
    if not stat.S_ISREG(mode):
        return "a link or other non-file of that name is in the way"
    return None


def _undo(placed: list[Path], set_aside: list[Path]) -> None:
    """Remove the documents ``placed`` and put back the files ``set_aside``, as far as
    the disk allows: the error that stopped the batch is the one reported."""
    for path in placed:
        with contextlib.suppress(OSError):
            path.unlink()
    for path in set_aside:
        with contextlib.suppress(OSError):
            os.replace(_aside(path), path)


def discard(paths: list[Path]) -> None:
    """Remove whatever was staged for ``paths``; a second Ctrl-C waits until it is done,
    so an interrupted run never leaves half of its hidden files behind."""
    with signals_held():
        for path in paths:
            _remove(_temporary(path))


def _remove(path: Path) -> None:
    """Remove a file docgen made; anything else of its name (a folder) is left alone."""
    with contextlib.suppress(FileNotFoundError, NotADirectoryError, IsADirectoryError):
        path.unlink()


__all__ = [
    "ENDING_SIGNALS",
    "OTHER_FILES_REFUSED",
    "Chart",
    "FileTagError",
    "Renderer",
    "TemplatePart",
    "bundled_templates",
    "discard",
    "folder_lock",
    "make_environment",
    "publish",
    "signals_handled",
    "signals_held",
    "stage",
    "template_parts",
    "template_properties",
    "write_all",
    "write_atomic",
]
