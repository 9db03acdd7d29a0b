"""Hardened, streamed reading of a return's XML (SSDA903 XML, CIN census).

lxml is asked never to expand entities, load a DTD or touch the network, so an XML
bomb or an external entity reads as nothing; records are handed out one at a time
and cleared behind, so a national file is never held whole in memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from docgen.errors import Problem
from docgen.returns.source import ReturnFile, Src, problem


@dataclass(slots=True)
class XmlRecord:
    """An element: its leaf children as fields (text stripped, upper-cased), its other
    children as records, and where it is."""

    tag: str
    src: Src
    fields: dict[str, str] = field(default_factory=dict)
    children: list[XmlRecord] = field(default_factory=list)
    #: Every value of a leaf that may repeat (``CPPreviewDate``), in document order.
    raw: dict[str, list[str]] = field(default_factory=dict)

    def all(self, tag: str) -> list[XmlRecord]:
        return [c for c in self.children if c.tag == tag]

    def first(self, tag: str) -> XmlRecord | None:
        return next((c for c in self.children if c.tag == tag), None)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _parser_args() -> dict[str, object]:
    return {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "huge_tree": False,
        "remove_comments": True,
        "remove_pis": True,
    }


def root_tag(file: ReturnFile) -> str | None:
    """The local name of the document's root element, or None when it is not XML."""
    try:
        with file.open() as handle:
            for _event, element in etree.iterparse(handle, events=("start",), **_parser_args()):
                return _local(element.tag)
    except etree.XMLSyntaxError:
        return None
    return None


def _record(element: etree._Element, path: str, file: str, repeated: tuple[str, ...]) -> XmlRecord:
    record = XmlRecord(_local(element.tag), Src(file, element.sourceline or 0, path))
    seen: Counter[str] = Counter()
    for sub in element:
        tag = _local(sub.tag)
        if not tag:
            continue
        seen[tag] += 1
        if len(sub):
            record.children.append(_record(sub, f"{path}/{tag}[{seen[tag]}]", file, repeated))
        else:
            value = (sub.text or "").strip().upper()
            record.fields[tag] = value
            if tag in repeated:
                record.raw.setdefault(tag, []).append(value)
    return record


def iter_records(
    file: ReturnFile, record_tag: str, out: list[Problem], repeated: tuple[str, ...] = ()
) -> Iterator[XmlRecord]:
    """Each ``record_tag`` element of the file, at any depth, as a record; a file that
    is not well-formed XML stops with one problem at its line."""
    stack: list[tuple[str, Counter[str]]] = [("", Counter())]
    try:
        with file.open() as handle:
            for event, element in etree.iterparse(
                handle, events=("start", "end"), **_parser_args()
            ):
                tag = _local(element.tag)
                if event == "start":
                    parent_path, counts = stack[-1]
                    counts[tag] += 1
                    step = f"{tag}[{counts[tag]}]" if parent_path else tag
                    stack.append((f"{parent_path}/{step}" if parent_path else step, Counter()))
                    continue
                path, _ = stack.pop()
                if tag != record_tag:
                    continue
                yield _record(element, path, file.name, repeated)
                element.clear(keep_tail=False)
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        out.append(
            problem(
                Src(file.name, line),
                None,
                "unreadable-return",
                f"is not well-formed XML ({exc.msg})",
                expected="the XML file as the case-management system exported it",
            )
        )
