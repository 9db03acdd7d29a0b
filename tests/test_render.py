"""render.py: the compiled path gives docxtpl's own document, deterministically and safely."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate
from lxml import etree

from docgen import documents, pipeline
from docgen.errors import TemplateError
from docgen.render import Renderer, make_environment
from docgen.settings import Settings
from tests.conftest import SAMPLES, council_template


def _contexts(kind: str) -> list[dict]:
    """The contexts the pipeline builds for every meeting of the sample workbook."""
    doc = documents.get(kind)
    tables, report = pipeline.load(SAMPLES / doc.sample, doc.workbook, Settings())
    assert report.ok
    return [ctx for _meeting, ctx in pipeline.paper_contexts(kind, tables, Settings())]


def _c14n(docx: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return etree.tostring(etree.fromstring(zf.read(name)), method="c14n")


def _docxtpl(template: Path, context: dict) -> bytes:
    tpl = DocxTemplate(str(template))
    tpl.render(context, jinja_env=make_environment())
    # docgen dates a meeting document by its meeting (docxtpl keeps the template's date).
    held = datetime.combine(context["document"]["created"], time())
    tpl.docx.core_properties.created = tpl.docx.core_properties.modified = held
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["review", "alert", "conference"])
def test_compiled_path_matches_docxtpl(kind: str) -> None:
    renderer = Renderer()
    template = renderer.template_path(documents.get(kind).template)
    for context in _contexts(kind):
        fast = renderer.render(template.name, context)
        slow = _docxtpl(template, context)
        with zipfile.ZipFile(io.BytesIO(fast)) as zf:
            assert zf.testzip() is None
            xml_parts = [n for n in zf.namelist() if n.startswith("word/") and n.endswith(".xml")]
        for name in xml_parts:
            assert _c14n(fast, name) == _c14n(slow, name), name


def test_rendering_is_deterministic_and_owner_only() -> None:
    context = _contexts("review")[0]
    first = Renderer().render("review_record.docx", context)
    assert Renderer().render("review_record.docx", context) == first
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        for info in zf.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert (info.external_attr >> 16) & 0o777 == 0o600


def test_template_is_compiled_once_per_renderer() -> None:
    renderer = Renderer()
    for context in _contexts("alert"):
        renderer.render("alert.docx", context)
    assert len(renderer._compiled) == 1


def test_missing_data_names_the_template() -> None:
    with pytest.raises(TemplateError, match=r"alert\.docx uses data it is not given"):
        Renderer().render("alert.docx", {"alert": {}})


def test_override_folder_wins_file_by_file(tmp_path: Path) -> None:
    custom = tmp_path / "templates"
    custom.mkdir()
    (custom / "alert.docx").write_bytes((Renderer().template_path("alert.docx")).read_bytes())
    renderer = Renderer(custom)
    assert renderer.template_path("alert.docx") == custom / "alert.docx"
    assert renderer.template_path("review_record.docx").parent != custom


def test_an_override_folder_that_is_not_there_is_an_error_not_the_bundled_look(
    tmp_path: Path,
) -> None:
    """DOCGEN_TEMPLATES misspelt, or a share not mounted: documents must not go out
    quietly without the council's letterhead."""
    with pytest.raises(TemplateError) as caught:
        Renderer(tmp_path / "letterhead").render("alert.docx", _contexts("alert")[0])
    assert str(caught.value) == (
        f"the templates folder {tmp_path / 'letterhead'} is not there (DOCGEN_TEMPLATES or "
        "--templates); nothing was rendered with the bundled templates instead."
    )


def test_docxtpl_escapes_in_a_template_still_print_a_literal_tag(tmp_path: Path) -> None:
    """A template may write {_{ to print {{; a user's text is never rewritten (test_cli_review)."""
    _custom_alert(
        tmp_path, lambda xml: xml.replace(b"Concern</w:t>", b"Concern {_% x %_} {_{ y }_}</w:t>", 1)
    )
    custom = tmp_path / "alert.docx"
    context = _contexts("alert")[0]
    fast = Renderer(tmp_path).render("alert.docx", context)
    assert b"Concern {% x %} {{ y }}" in zipfile.ZipFile(io.BytesIO(fast)).read("word/document.xml")
    assert _c14n(fast, "word/document.xml") == _c14n(_docxtpl(custom, context), "word/document.xml")


def _custom_alert(folder: Path, document_xml: Callable[[bytes], bytes]) -> Path:
    """The bundled alert template with its document XML changed, in ``folder``."""
    return council_template(folder, "alert.docx", document_xml)


@pytest.mark.parametrize(
    ("tag", "failure"),
    [
        ("{{ 1 // 0 }}", "failed to render: ZeroDivisionError: integer division or modulo by zero"),
        (
            "{{ alert.__class__ }}",
            "failed to render: access to attribute '__class__' of 'dict' object is unsafe",
        ),
        (
            "{{ alert.id|shout }}",
            "has a tag error: No filter named 'shout' (a tag may be split by Word's formatting)",
        ),
    ],
)
def test_a_council_templates_failure_is_one_sentence_naming_it_and_where_to_look(
    tmp_path: Path, tag: str, failure: str
) -> None:
    folder = _custom_alert(
        tmp_path, lambda xml: xml.replace(b"Concern</w:t>", f"{tag}</w:t>".encode(), 1)
    )
    with pytest.raises(TemplateError) as caught:
        Renderer(folder).render("alert.docx", _contexts("alert")[0])
    assert str(caught.value) == (
        f"template alert.docx {failure}; docgen templates check {folder} names the paragraph."
    )


def test_a_template_that_is_not_a_word_document_is_refused(tmp_path: Path) -> None:
    (tmp_path / "alert.docx").write_text("not a document")
    with pytest.raises(TemplateError) as caught:
        Renderer(tmp_path).render("alert.docx", _contexts("alert")[0])
    assert str(caught.value).startswith(
        "template alert.docx is not a Word document docgen can read"
    )


def _pixel_png() -> bytes:
    """A one-pixel PNG: a council's logo, small enough to make here."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x1f\x4e\x79\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
    "</w:r></w:p></w:footnote>"
    '<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">Raised as alert {{ alert.id }}'
    "</w:t></w:r></w:p></w:footnote></w:footnotes>"
)


def _council_alert_template(folder: Path) -> Path:
    """The bundled alert template as a council might make it its own: its logo repeated
    by a loop, a footnote and the document's title with tags."""
    doc = Document(str(Renderer().template_path("alert.docx")))
    doc.add_paragraph("{%p for step in history %}")
    doc.add_paragraph().add_run().add_picture(io.BytesIO(_pixel_png()))
    doc.add_paragraph("{%p endfor %}")
    doc.paragraphs[0].add_run().element.append(
        etree.fromstring(
            '<w:footnoteReference xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main" w:id="1"/>'
        )
    )
    doc.core_properties.title = "Alert {{ alert.id }}"
    staged = io.BytesIO()
    doc.save(staged)
    folder.mkdir(exist_ok=True)
    path = folder / "alert.docx"
    with zipfile.ZipFile(staged) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdNotes" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    b"</Relationships>",
                )
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            out.writestr(info, data)
        out.writestr("word/footnotes.xml", FOOTNOTES)
    return path


def test_compiled_path_matches_docxtpl_for_a_councils_own_template(tmp_path: Path) -> None:
    """What docxtpl renders besides the body, headers and footers: footnotes, the
    document's properties, and a fresh id for each drawing a loop repeats."""
    template = _council_alert_template(tmp_path / "templates")
    renderer = Renderer(template.parent)
    contexts = [c for c in _contexts("alert") if len(c["history"]) > 1]
    assert contexts, "the sample has an alert with more than one earlier stage"
    for context in contexts:
        fast = renderer.render("alert.docx", context)
        slow = _docxtpl(template, context)
        with zipfile.ZipFile(io.BytesIO(fast)) as zf:
            assert zf.testzip() is None
            names = [n for n in zf.namelist() if n.endswith(".xml") and "/" in n]
        for name in names:
            assert _c14n(fast, name) == _c14n(slow, name), name
        with zipfile.ZipFile(io.BytesIO(fast)) as zf:
            notes, body = zf.read("word/footnotes.xml"), zf.read("word/document.xml")
        alert_id = context["alert"]["id"]
        assert f"Raised as alert {alert_id}".encode() in notes
        ids = re.findall(rb'<wp:docPr[^>]*\sid="(\d+)"', body)
        assert len(ids) == len(context["history"]) and len(set(ids)) == len(ids)
        assert Document(io.BytesIO(fast)).core_properties.title == f"Alert {alert_id}"
