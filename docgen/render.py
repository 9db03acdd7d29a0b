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

import copy
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from docgen.errors import OutputError, TemplateError

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
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


def make_environment() -> SandboxedEnvironment:
    """Sandboxed (a template cannot reach Python internals), XML-autoescaped (text from
    a workbook such as ``<b>&`` comes out literally), strict about undefined names."""
    return SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)


class Renderer:
    """Finds, compiles and renders templates; one instance serves a whole batch."""

    def __init__(self, override_dir: Path | None = None) -> None:
        self.override_dir = override_dir
        self.env = make_environment()
        self._compiled: dict[Path, _Compiled] = {}

    def template_path(self, name: str) -> Path:
        """The council's own template when it has one, else the bundled one."""
        if self.override_dir is not None:
            candidate = self.override_dir / name
            if candidate.is_file():
                return candidate
        path = bundled_templates() / name
        if not path.is_file():
            raise TemplateError(f"template {name} not found in {path.parent}.")
        return path

    def render(self, name: str, context: Mapping[str, Any]) -> bytes:
        """The finished .docx as bytes."""
        path = self.template_path(name)
        try:
            if _has_chart(context):
                return _render_with_docxtpl(path, context, self.env)
            compiled = self._compiled.get(path)
            if compiled is None:
                compiled = self._compiled[path] = _Compiled(path, self.env)
            return compiled.render(context)
        except jinja2.UndefinedError as exc:
            raise TemplateError(f"template {path.name} uses data it is not given: {exc}.") from exc
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                f"template {path.name} has a tag error: {exc.message} (near line {exc.lineno} "
                "of its XML; a tag may be split by Word's formatting)."
            ) from exc
        except jinja2.TemplateError as exc:
            raise TemplateError(f"template {path.name} failed to render: {exc}.") from exc


class _Compiled:
    """A template whose tagged parts are patched and compiled once."""

    def __init__(self, path: Path, env: SandboxedEnvironment) -> None:
        tpl = DocxTemplate(str(path))
        tpl.render_init()
        self.entries = _read_entries(path)
        self.root = tpl.docx._element
        self.body = env.from_string(_prepare(tpl.patch_xml(tpl.get_xml())))
        self.parts: dict[str, jinja2.Template] = {}
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for _rel, part in tpl.get_headers_footers(uri):
                xml = tpl.get_part_xml(part)
                if "{{" in xml or "{%" in xml:
                    self.parts[part.partname.lstrip("/")] = env.from_string(
                        _prepare(tpl.patch_xml(xml))
                    )
        self.document_name = tpl.docx.part.partname.lstrip("/")
        self._tpl = tpl  # docxtpl's post-processing helpers (no state is kept between renders)

    def render(self, context: Mapping[str, Any]) -> bytes:
        body_xml = _finish(self._tpl, self.body.render(context))
        body = self._tpl.fix_tables(body_xml)
        root = copy.deepcopy(self.root)
        root.replace(root.find(f"{_W}body"), body)
        replaced = {
            self.document_name: etree.tostring(root, encoding="UTF-8", standalone=True),
        }
        for name, template in self.parts.items():
            xml = _finish(self._tpl, template.render(context))
            replaced[name] = etree.tostring(
                etree.fromstring(xml.encode("utf-8")), encoding="UTF-8", standalone=True
            )
        return _pack((name, replaced.get(name, data)) for name, data in self.entries)


def _prepare(xml: str) -> str:
    """docxtpl's line split before each paragraph, so Jinja errors name a line."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


def _finish(tpl: DocxTemplate, xml: str) -> str:
    """docxtpl's post-processing of a rendered part, in its own order."""
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return tpl.resolve_listing(xml)


def _has_chart(context: Any) -> bool:
    if isinstance(context, Chart):
        return True
    if isinstance(context, Mapping):
        return any(_has_chart(v) for v in context.values())
    if isinstance(context, list | tuple):
        return any(_has_chart(v) for v in context)
    return False


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
    buffer = io.BytesIO()
    tpl.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as zf:
        return _pack((info.filename, zf.read(info)) for info in zf.infolist())


def _read_entries(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def _pack(entries: Any) -> bytes:
    """A zip with every entry at a fixed time and fixed attributes: same input, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zf.writestr(info, data)
    return buffer.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` owner-only, via a temporary file renamed into place,
    so a reader never sees half a document and a failure leaves nothing behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write to {path.parent}: {exc.strerror}.") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror}.") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = ["Chart", "Renderer", "bundled_templates", "make_environment", "write_atomic"]
