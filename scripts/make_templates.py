"""Build docgen's Word templates in ``templates/docx/`` with python-docx.

The four ``.docx`` files written here are docxtpl (Jinja2) templates:

* ``annual_report.docx``     - the IRO service annual report;
* ``review_record.docx``     - a looked after child review record;
* ``alert.docx``             - an alert of concern (dispute resolution);
* ``conference_report.docx`` - a child protection conference report.

This script is the maintainers' source for those files. Users may edit the ``.docx``
files in Word afterwards; re-running the script overwrites such edits.

Conventions every template follows, so that docxtpl can render it safely:

* every Jinja tag is the whole text of ONE run, so Word's run-splitting cannot break it;
* paragraph-level logic uses ``{%p ... %}``, table rows ``{%tr ... %}`` and the annual
  report's variable year columns ``{%tc ... %}``; such control paragraphs use the
  "Template Control" style (small grey text) and vanish when rendered;
* values are plain text: the render layer autoescapes, nothing is marked ``|safe``.

The output is byte-identical across runs: fixed core properties and every zip entry
stamped 1980-01-01.

Usage::

    python scripts/make_templates.py [--out templates/docx]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor, Twips
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from docgen.context import NARRATIVE_SECTIONS, slug

# --------------------------------------------------------------------------- constants

FONT = "Arial"  # LibreOffice substitutes the metric-compatible Liberation Sans
BODY_SIZE = Pt(11)
NAVY = RGBColor(0x1F, 0x38, 0x64)
GREY = RGBColor(0x59, 0x59, 0x59)
LIGHT_GREY = RGBColor(0x80, 0x80, 0x80)
HEADER_FILL = "D9E2F3"  # shaded header row of data tables
LABEL_FILL = "F2F2F2"  # label column of details tables
BORDER_COLOUR = "8C8C8C"

TWIPS_PER_CM = 1440 / 2.54
CONTENT_WIDTH = 9638  # twips: A4 (21 cm) less two 2 cm margins = 17 cm

# Annual-report data tables: a label column plus MAX_VALUE_COLUMNS value columns in the
# grid. docxtpl's fix_tables removes unused grid columns from the right and shares their
# width out equally, so the label column stays (LABEL - VALUE) wider than each value
# column whatever the number of years (up to MAX_VALUE_COLUMNS; beyond that docxtpl
# rescales all columns proportionally).
MAX_VALUE_COLUMNS = 8
VALUE_COLUMN = 850  # 1.5 cm
LABEL_COLUMN = CONTENT_WIDTH - MAX_VALUE_COLUMNS * VALUE_COLUMN  # about 5.0 cm

FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

TAG_RE = re.compile(r"(\{\{.*?\}\}|\{%.*?%\})")

# Child-element order inside <w:pPr>, <w:tcPr> and <w:tblPr> (ECMA-376), used to insert
# elements python-docx has no API for at a schema-valid position.
PPR_ORDER = (
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)
TCPR_ORDER = (
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
)
TBLPR_ORDER = (
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
)


# --------------------------------------------------------------------------- XML helpers


def _set_child(parent: BaseOxmlElement, child: BaseOxmlElement, order: Sequence[str]) -> None:
    """Replace ``parent``'s child of the same tag with ``child``, in schema order."""
    local = child.tag.split("}")[1]
    for old in parent.findall(child.tag):
        parent.remove(old)
    later = {qn(f"w:{name}") for name in order[order.index(local) + 1 :]}
    for index, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(index, child)
            return
    parent.append(child)


def _el(tag: str, **attrs: str) -> BaseOxmlElement:
    """A new ``w:`` element with ``w:`` attributes."""
    element = OxmlElement(f"w:{tag}")
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _borders(
    tag: str, sides: Sequence[str], size: int = 4, colour: str = BORDER_COLOUR
) -> BaseOxmlElement:
    """A border container (``tblBorders``, ``tcBorders``, ``pBdr``) with single lines."""
    container = _el(tag)
    for side in sides:
        container.append(_el(side, val="single", sz=str(size), space="0", color=colour))
    return container


def _twips(cm: float) -> int:
    return round(cm * TWIPS_PER_CM)


# --------------------------------------------------------------------------- styles


def _paragraph_style(doc: DocxDocument, name: str, base: str = "Normal") -> ParagraphStyle:
    """Return the paragraph style ``name``, creating it (based on ``base``) if needed."""
    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[base]
        style.quick_style = True
    assert isinstance(style, ParagraphStyle)
    return style


def _format(
    style: ParagraphStyle,
    *,
    size: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    colour: RGBColor | None = None,
    before: float | None = None,
    after: float | None = None,
    line: float | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    keep_next: bool | None = None,
) -> None:
    """Set the usual font and paragraph properties of ``style``."""
    font = style.font
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if colour is not None:
        font.color.rgb = colour
    fmt = style.paragraph_format
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if line is not None:
        fmt.line_spacing = line
    if align is not None:
        fmt.alignment = align
    if keep_next is not None:
        fmt.keep_with_next = keep_next


def _setup_styles(doc: DocxDocument) -> None:
    """Fonts, headings, table text and the "Docgen Table" table style."""
    styles = doc.styles.element
    # One sans font everywhere: drop theme font and theme colour references.
    for rfonts in styles.iter(qn("w:rFonts")):
        for attr in list(rfonts.attrib):
            del rfonts.attrib[attr]
        for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
            rfonts.set(qn(f"w:{attr}"), FONT)
    for element in styles.iter():
        for attr in ("themeColor", "themeShade", "themeTint"):
            element.attrib.pop(qn(f"w:{attr}"), None)
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), "en-GB")
        lang.set(qn("w:eastAsia"), "en-GB")
    for spacing in styles.findall(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}//{qn('w:spacing')}"):
        spacing.set(qn("w:after"), "120")
        spacing.set(qn("w:line"), "264")

    _format(_paragraph_style(doc, "Normal"), size=11)
    for level, size, before, after in ((1, 16, 18, 6), (2, 13, 12, 4), (3, 11, 10, 3)):
        heading = _paragraph_style(doc, f"Heading {level}")
        _format(
            heading, size=size, bold=True, colour=NAVY, before=before, after=after, keep_next=True
        )
        heading.font.italic = False
    title = _paragraph_style(doc, "Title")
    _format(title, size=22, bold=True, colour=NAVY, before=0, after=12)
    for border in title.element.iter(qn("w:bottom")):
        border.set(qn("w:color"), "1F3864")
    title.element.get_or_add_rPr().remove_all("w:spacing")

    _format(
        _paragraph_style(doc, "Cover Council"),
        size=16,
        bold=True,
        colour=NAVY,
        before=150,
        after=24,
    )
    _format(_paragraph_style(doc, "Cover Subtitle"), size=14, colour=GREY, after=6)
    _format(_paragraph_style(doc, "Cover Detail"), size=12, colour=GREY, after=4)
    _format(_paragraph_style(doc, "Commentary"), before=6)
    _format(_paragraph_style(doc, "Table Text"), size=10, before=2, after=2, line=1.0)
    _format(_paragraph_style(doc, "Table Heading", "Table Text"), bold=True)
    number = _paragraph_style(doc, "Table Number", "Table Text")
    _format(number, align=WD_ALIGN_PARAGRAPH.RIGHT)
    heading_number = _paragraph_style(doc, "Table Heading Number", "Table Heading")
    _format(heading_number, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _format(
        _paragraph_style(doc, "Table Note"), size=9, italic=True, colour=GREY, before=3, after=6
    )
    _format(_paragraph_style(doc, "Chart"), align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=12)
    _format(_paragraph_style(doc, "Template Control"), size=8, colour=LIGHT_GREY, after=0)
    _format(_paragraph_style(doc, "Signature"), before=6, after=6)

    for name in ("Header", "Footer"):
        style = _paragraph_style(doc, name)
        _format(style, size=8.5, colour=GREY)
        style.paragraph_format.tab_stops.clear_all()
        style.paragraph_format.tab_stops.add_tab_stop(
            Twips(CONTENT_WIDTH // 2), WD_TAB_ALIGNMENT.CENTER
        )
        style.paragraph_format.tab_stops.add_tab_stop(Twips(CONTENT_WIDTH), WD_TAB_ALIGNMENT.RIGHT)
    header_ppr = doc.styles["Header"].element.get_or_add_pPr()
    _set_child(header_ppr, _borders("pBdr", ["bottom"], colour="A6A6A6"), PPR_ORDER)
    header_ppr.find(qn("w:pBdr"))[0].set(qn("w:space"), "4")

    styles.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="DocgenTable">'
            '<w:name w:val="Docgen Table"/><w:basedOn w:val="TableNormal"/>'
            '<w:uiPriority w:val="59"/><w:qFormat/>'
            '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
            "<w:tblPr><w:tblBorders>"
            + "".join(
                f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{BORDER_COLOUR}"/>'
                for side in ("top", "left", "bottom", "right", "insideH", "insideV")
            )
            + '</w:tblBorders><w:tblCellMar><w:top w:w="28" w:type="dxa"/>'
            '<w:left w:w="85" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/>'
            '<w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'
            '<w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr>'
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/></w:tcPr>'
            "</w:tblStylePr></w:style>"
        )
    )


def _numbered_list(doc: DocxDocument) -> int:
    """A new restart-at-1 instance of the "List Number" numbering; returns its numId."""
    numbering = doc.part.numbering_part.element
    style_num = doc.styles["List Number"].element.pPr.numPr.numId.val
    abstract_id = numbering.num_having_numId(style_num).abstractNumId.val
    num = numbering.add_num(abstract_id)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return num.numId


# --------------------------------------------------------------------------- paragraphs


def add_text(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False) -> None:
    """Append ``text`` to ``paragraph``: each Jinja tag in a run of its own."""
    for piece in TAG_RE.split(text):
        if piece:
            run = paragraph.add_run(piece)
            run.bold = bold or None
            run.italic = italic or None


def para(
    doc: DocxDocument,
    text: str = "",
    style: str = "Normal",
    *,
    bold: bool = False,
    italic: bool = False,
) -> Paragraph:
    """Add a paragraph of literal text and/or Jinja tags."""
    paragraph = doc.add_paragraph(style=style)
    add_text(paragraph, text, bold=bold, italic=italic)
    return paragraph


def control(doc: DocxDocument, tag: str) -> None:
    """Add a docxtpl ``{%p ... %}`` paragraph (removed when the template is rendered)."""
    para(doc, tag, "Template Control")


def labelled(doc: DocxDocument, label: str, value: str) -> Paragraph:
    """``Label: value`` with the label bold (a question takes no colon)."""
    paragraph = doc.add_paragraph()
    add_text(paragraph, f"{label} " if label.endswith("?") else f"{label}: ", bold=True)
    add_text(paragraph, value)
    return paragraph


#: What a free-text section says when its cell was left blank: a heading over blank
#: space reads as if the text was lost on the way.
NOT_RECORDED = "Not recorded."


def text_section(doc: DocxDocument, title: str, var: str, level: int = 2) -> None:
    """A heading followed by the free-text value ``var``, or "Not recorded." when blank."""
    doc.add_heading(title, level)
    control(doc, f"{{%p if {var} %}}")
    para(doc, f"{{{{ {var} }}}}")
    control(doc, "{%p else %}")
    para(doc, NOT_RECORDED, italic=True)
    control(doc, "{%p endif %}")


def bullet_loop(doc: DocxDocument, items: str, var: str = "item") -> None:
    """One bullet per element of ``items``."""
    control(doc, f"{{%p for {var} in {items} %}}")
    para(doc, f"{{{{ {var} }}}}", "List Bullet")
    control(doc, "{%p endfor %}")


def numbered_loop(doc: DocxDocument, items: str, var: str = "item") -> None:
    """A numbered list, restarting at 1, with one entry per element of ``items``."""
    num_id = _numbered_list(doc)
    control(doc, f"{{%p for {var} in {items} %}}")
    _numbered_para(doc, f"{{{{ {var} }}}}", num_id)
    control(doc, "{%p endfor %}")


def _numbered_para(doc: DocxDocument, text: str, num_id: int) -> Paragraph:
    """A "List Number" paragraph in the list ``num_id`` (from :func:`_numbered_list`)."""
    paragraph = para(doc, text, "List Number")
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id
    return paragraph


def _add_field(paragraph: Paragraph, instruction: str) -> None:
    """Append a complex field (e.g. PAGE, NUMPAGES) with a placeholder result."""

    def run_with(child: BaseOxmlElement) -> None:
        run = paragraph.add_run()
        run._r.append(child)

    run_with(_el("fldChar", fldCharType="begin"))
    instr = _el("instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} \\* MERGEFORMAT "
    run_with(instr)
    run_with(_el("fldChar", fldCharType="separate"))
    paragraph.add_run("1")
    run_with(_el("fldChar", fldCharType="end"))


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Cell:
    """One template table cell: its text (literal and/or Jinja tags) and look."""

    text: str
    style: str = "Table Text"
    span: int = 1
    bold: bool = False
    fill: str | None = None


def new_table(doc: DocxDocument, widths: Sequence[int], *, header_row: bool) -> Table:
    """An empty fixed-layout "Docgen Table" with grid ``widths`` (twips)."""
    table = doc.add_table(rows=0, cols=len(widths))
    table.style = doc.styles["Docgen Table"]
    table.autofit = False
    for gridcol, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        gridcol.w = Twips(width)
    tbl_pr = table._tbl.tblPr
    _set_child(tbl_pr, _el("tblW", w=str(sum(widths)), type="dxa"), TBLPR_ORDER)
    _set_child(tbl_pr, _el("tblInd", w="0", type="dxa"), TBLPR_ORDER)
    look = "1" if header_row else "0"
    _set_child(
        tbl_pr,
        _el(
            "tblLook",
            val="04A0" if header_row else "0400",
            firstRow=look,
            lastRow="0",
            firstColumn="0",
            lastColumn="0",
            noHBand="1",
            noVBand="1",
        ),
        TBLPR_ORDER,
    )
    return table


def add_row(
    table: Table,
    cells: Sequence[Cell],
    *,
    header: bool = False,
    keep_next: bool = False,
    total: bool = False,
) -> None:
    """Append a row; never split across pages; ``header`` rows repeat on each page."""
    tr = table.add_row()._tr
    tcs = list(tr.tc_lst)
    if sum(cell.span for cell in cells) != len(tcs):
        raise ValueError("cell spans must add up to the table's grid")
    for tc in tcs[len(cells) :]:
        tr.remove(tc)
    for tc, cell in zip(tcs, cells, strict=False):
        tc_pr = tc.get_or_add_tcPr()
        tc_pr.grid_span = cell.span
        fill = HEADER_FILL if header else cell.fill
        if fill:
            _set_child(tc_pr, _el("shd", val="clear", color="auto", fill=fill), TCPR_ORDER)
        if total:
            _set_child(tc_pr, _borders("tcBorders", ["top"], size=12, colour="404040"), TCPR_ORDER)
        paragraph = _Cell(tc, table).paragraphs[0]
        paragraph.style = cell.style
        add_text(paragraph, cell.text, bold=cell.bold or total)
        if keep_next or header:
            paragraph.paragraph_format.keep_with_next = True
    tr_pr = tr.get_or_add_trPr()
    tr_pr.append(_el("cantSplit"))
    if header:
        tr_pr.append(_el("tblHeader"))


def tag_row(table: Table, tag: str) -> None:
    """A ``{%tr ... %}`` row: one cell across the whole grid (removed when rendered)."""
    span = len(table._tbl.tblGrid.gridCol_lst)
    add_row(table, [Cell(tag, style="Template Control", span=span)])


def _finish_table(table: Table) -> None:
    """Drop python-docx's per-cell widths so the grid (which docxtpl repairs) rules."""
    for tc_w in list(table._tbl.iter(qn("w:tcW"))):
        tc_w.getparent().remove(tc_w)


def details_table(
    doc: DocxDocument, rows: Sequence[tuple[str, str] | tuple[str, str, str]]
) -> None:
    """A two-column label/value table; a third item makes the row conditional."""
    label = _twips(5.5)
    table = new_table(doc, [label, CONTENT_WIDTH - label], header_row=False)
    for row in rows:
        if len(row) == 3:
            tag_row(table, f"{{%tr if {row[2]} %}}")
        add_row(table, [Cell(row[0], style="Table Heading", fill=LABEL_FILL), Cell(row[1])])
        if len(row) == 3:
            tag_row(table, "{%tr endif %}")
    _finish_table(table)


def column_widths(
    columns: Sequence[tuple[str, str, float]], total: int = CONTENT_WIDTH
) -> list[int]:
    """The grid (twips) of (header, cell, width cm) columns: the last takes what is left
    of ``total``."""
    widths = [_twips(width) for _, _, width in columns[:-1]]
    return [*widths, total - sum(widths)]


def list_table(
    doc: DocxDocument,
    loop: str,
    columns: Sequence[tuple[str, str, float]],
    *,
    empty: str | None = None,
) -> None:
    """A table with one row per element of a list: columns are (header, cell, width cm).

    The last column takes whatever width is left. ``loop`` is e.g. ``"a in attendees"``.
    With ``empty``, the table is replaced by that sentence when the list is empty.
    """
    widths = column_widths(columns)
    sequence = loop.split(" in ", 1)[1]
    if empty is not None:
        control(doc, f"{{%p if {sequence} %}}")
    table = new_table(doc, widths, header_row=True)
    add_row(table, [Cell(header, style="Table Heading") for header, _, _ in columns], header=True)
    tag_row(table, f"{{%tr for {loop} %}}")
    add_row(table, [Cell(cell) for _, cell, _ in columns])
    tag_row(table, "{%tr endfor %}")
    _finish_table(table)
    if empty is not None:
        control(doc, "{%p else %}")
        para(doc, empty)
        control(doc, "{%p endif %}")


def data_table(doc: DocxDocument, table_var: str) -> None:
    """An annual-report Table: label column plus one column per year ({%tc %} loops)."""
    grid = [LABEL_COLUMN] + [VALUE_COLUMN] * MAX_VALUE_COLUMNS
    table = new_table(doc, grid, header_row=True)
    rest = MAX_VALUE_COLUMNS - 2  # the {%tc endfor %} cell spans the unused grid columns

    def year_row(label: str, cells: str, *, style: str, number: str) -> list[Cell]:
        return [
            Cell(label, style=style),
            Cell(f"{{%tc for c in {cells} %}}", style="Template Control"),
            Cell("{{ c }}", style=number),
            Cell("{%tc endfor %}", style="Template Control", span=rest),
        ]

    t = table_var
    add_row(
        table,
        year_row(
            f"{{{{ {t}.columns[0] }}}}",
            f"{t}.columns[1:]",
            style="Table Heading",
            number="Table Heading Number",
        ),
        header=True,
    )
    tag_row(table, f"{{%tr for row in {t}.rows %}}")
    add_row(
        table,
        year_row("{{ row.label }}", "row.cells", style="Table Text", number="Table Number"),
        keep_next=True,
    )
    tag_row(table, "{%tr endfor %}")
    tag_row(table, f"{{%tr if {t}.total %}}")
    add_row(
        table,
        year_row(
            f"{{{{ {t}.total.label }}}}",
            f"{t}.total.cells",
            style="Table Text",
            number="Table Number",
        ),
        keep_next=True,  # with the note and source under it, as every row above is
        total=True,
    )
    tag_row(table, "{%tr endif %}")
    _finish_table(table)


# --------------------------------------------------------------------------- documents


def new_document(
    title: str,
    header_left: str,
    header_right: str = "",
    *,
    cover: bool = False,
    footer_left: str = "",
) -> DocxDocument:
    """An A4 portrait document with styles, header, "Page N of M" footer, properties."""
    doc = Document()
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # python-docx's stock preview image
            del package.rels[rel_id]
    _setup_styles(doc)

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("top", "bottom", "left", "right"):
        setattr(section, f"{side}_margin", Cm(2))
    section.header_distance = section.footer_distance = Cm(1)
    if cover:  # no header or footer on the title page
        section.different_first_page_header_footer = True
        section.first_page_header.is_linked_to_previous = False
        section.first_page_footer.is_linked_to_previous = False
        section.first_page_header.paragraphs[0].style = "Normal"  # no header rule

    header = section.header.paragraphs[0]
    add_text(header, header_left)
    if header_right:
        header.add_run("\t\t")
        add_text(header, header_right)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_text(footer, footer_left)
    footer.add_run("Page ")
    _add_field(footer, "PAGE")
    footer.add_run(" of ")
    _add_field(footer, "NUMPAGES")

    # Every document made from the template carries these: its title, and nothing that
    # speaks of the template (Word's File > Info would show "docgen template" to a reader).
    props = doc.core_properties
    props.title = title
    props.subject = ""
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.keywords = ""
    props.language = "en-GB"
    props.revision = 1
    props.created = props.modified = FIXED_TIME
    return doc


#: The annual report's numbered sections, after the National IRO Manager Partnership's
#: template (2013/14); the contents page lists them as written there. Declared once, with
#: the context that files the Narrative rows under them.
ANNUAL_SECTIONS = NARRATIVE_SECTIONS


def _report_styles(doc: DocxDocument) -> None:
    """The annual report's own styles: numbered paragraphs, captions, contents."""
    _format(_paragraph_style(doc, "Numbered Paragraph"), before=3, after=6)
    _format(
        _paragraph_style(doc, "Caption"),
        size=10,
        bold=True,
        colour=NAVY,
        before=9,
        after=3,
        keep_next=True,
    )
    _format(_paragraph_style(doc, "Contents Heading"), size=16, bold=True, colour=NAVY, after=12)
    _format(_paragraph_style(doc, "TOC 1"), after=4)


def _report_numbering(doc: DocxDocument) -> None:
    """Heading 1 numbered 1., 2., ... and "Numbered Paragraph" 1.1, 1.2, ... under it,
    as committee reports are cited by paragraph."""
    numbering = doc.part.numbering_part.element
    abstract_id, num_id = 90, 90
    levels = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        f'<w:pStyle w:val="{style}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{indent}" w:hanging="{indent}"/></w:pPr></w:lvl>'
        for level, style, text, indent in (
            (0, "Heading1", "%1.", 567),
            (1, "NumberedParagraph", "%1.%2", 680),
        )
    )
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
    )
    numbering.insert(0, abstract)
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}">'
            f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'
        )
    )
    for style_name, level in (("Heading 1", 0), ("Numbered Paragraph", 1)):
        ppr = doc.styles[style_name].element.get_or_add_pPr()
        num_pr = parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
            f'<w:numId w:val="{num_id}"/></w:numPr>'
        )
        _set_child(ppr, num_pr, PPR_ORDER)


def say(doc: DocxDocument, text: str, when: str | None = None) -> None:
    """A numbered paragraph of the report's own wording (Jinja with named figures)."""
    if when:
        control(doc, f"{{%p if {when} %}}")
    para(doc, text, "Numbered Paragraph")
    if when:
        control(doc, "{%p endif %}")


def narrative(doc: DocxDocument, section: str, *, or_nothing: bool = False) -> None:
    """The Narrative rows written for ``section``, one numbered paragraph each; with
    ``or_nothing``, a line saying the service wrote nothing when there are none (for the
    sections that are narrative alone)."""
    if section not in ANNUAL_SECTIONS:  # a misspelt one would print nothing, silently
        raise ValueError(f"{section!r} is not one of the report's sections {ANNUAL_SECTIONS}")
    key = slug(section)  # as the context keys them
    control(doc, f"{{%p for text in narrative.{key} %}}")
    para(doc, "{{ text }}", "Numbered Paragraph")
    control(doc, "{%p endfor %}")
    if or_nothing:
        say(
            doc,
            "The service has written nothing for this section for {{ this_year }}.",
            f"not narrative.{key}",
        )


def contents(doc: DocxDocument) -> None:
    """A Word table-of-contents field whose shown result is the written list of
    sections, so the page is not empty before Word updates its fields."""
    para(doc, "Contents", "Contents Heading").paragraph_format.page_break_before = True
    for index, title in enumerate(ANNUAL_SECTIONS, start=1):
        paragraph = doc.add_paragraph(style="TOC 1")
        if index == 1:
            for child in (
                _el("fldChar", fldCharType="begin"),
                _instr('TOC \\o "1-1" \\h \\z \\u'),
                _el("fldChar", fldCharType="separate"),
            ):
                paragraph.add_run()._r.append(child)
        paragraph.add_run(f"{index}. {title}")
        if index == len(ANNUAL_SECTIONS):
            paragraph.add_run()._r.append(_el("fldChar", fldCharType="end"))


def _instr(instruction: str) -> BaseOxmlElement:
    instr = _el("instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    return instr


def report_table(doc: DocxDocument, key: str, chart: str | None = None) -> None:
    """A numbered, captioned table of ``sections[key]`` with its note and source, and
    ``charts[chart]`` as a numbered figure after it."""
    control(doc, f"{{%p set t = sections.{key} %}}")
    control(doc, "{%p set ns.table = ns.table + 1 %}")
    para(doc, "Table {{ ns.table }}: {{ t.title }}", "Caption")
    data_table(doc, "t")
    control(doc, "{%p if t.note %}")
    para(doc, "{{ t.note }}", "Table Note").paragraph_format.keep_with_next = True
    control(doc, "{%p endif %}")
    control(doc, "{%p if t.source %}")
    para(doc, "{{ t.source }}", "Table Note")
    control(doc, "{%p endif %}")
    if chart is not None:
        control(doc, "{%p set ns.figure = ns.figure + 1 %}")
        para(doc, f"{{{{ charts.{chart} }}}}", "Chart").paragraph_format.keep_with_next = True
        para(
            doc,
            f"Figure {{{{ ns.figure }}}}: {{{{ figure_titles.{chart} }}}} "
            "(data in table {{ ns.table }})",
            "Caption",
        )


def build_annual_report() -> DocxDocument:
    """The IRO service annual report, in the National IRO Manager Partnership's order."""
    doc = new_document("{{ report_title }}", "{{ report_title }}", cover=True)
    doc.core_properties.author = "{{ author }}"
    _report_styles(doc)
    _report_numbering(doc)
    control(doc, "{%p set ns = namespace(table=0, figure=0) %}")
    para(doc, "{{ council }}", "Cover Council")
    para(doc, "{{ report_title }}", "Title")
    para(doc, "{{ service }}", "Cover Subtitle")
    para(doc, "{{ period }}", "Cover Subtitle")
    para(doc, "{{ author }}", "Cover Detail", bold=True).paragraph_format.space_before = Pt(72)
    para(doc, "{{ author_role }}", "Cover Detail")
    contents(doc)
    _summary_section(doc)
    _purpose_section(doc)
    _service_section(doc)
    _children_section(doc)
    _timeliness_section(doc)
    _participation_section(doc)
    _contact_and_disputes(doc)
    _quality_and_development(doc)
    sign = para(doc, "{{ author }}", "Signature", bold=True)
    sign.paragraph_format.space_before = Pt(18)
    sign.paragraph_format.keep_with_next = True
    para(doc, "{{ author_role }}", "Signature").paragraph_format.keep_with_next = True
    para(doc, "{{ service }}", "Signature").paragraph_format.keep_with_next = True
    para(doc, "{{ signed }}", "Signature")
    return doc


def _summary_section(doc: DocxDocument) -> None:
    doc.add_heading(ANNUAL_SECTIONS[0], 1).paragraph_format.page_break_before = True
    say(
        doc,
        "This is the annual report of the {{ service }} of {{ council }} for {{ this_year }} "
        "({{ period }}), as the IRO Handbook requires. It is presented to the corporate "
        "parenting board and to senior managers of children's services.",
    )
    narrative(doc, "Executive summary")
    para(doc, "The year in figures:", "Commentary")
    for text in (
        "{{ n.children_looked_after_at_31_march|plural('child', 'children')|sentence }} "
        "{{ n.children_looked_after_at_31_march|was }} looked after on {{ end }}"
        "{% if changes.looked_after and changes.looked_after.word %}, "
        "{{ changes.looked_after.by|number }} {{ changes.looked_after.word }} than on 31 March "
        "a year before{% endif %}.",
        "{{ n.children_on_cp_plans_at_31_march|plural('child', 'children')|sentence }}"
        "{% if not counted_per_child %} in "
        "{{ n.families_on_cp_plans_at_31_march|plural('family', 'families') }}{% endif %} had "
        "a child protection plan on {{ end }}.",
        "{{ f.reviews_on_time_percent }} of {{ n.reviews_held|plural('looked after review') }} "
        "took place within timescale.",
        "{{ n.conferences_held|plural('child protection conference')|sentence }}; "
        "{{ n.conferences_out_of_time|number }} out of time.",
        "{{ n.alerts_raised|plural('alert')|sentence }} of concern raised by IROs; "
        "{{ n.alerts_open_at_31_march|number }} still open at the year end.",
        "{{ f.looked_after_children_per_iro }} looked after children per full-time IRO "
        "(guideline {{ guideline.low }} to {{ guideline.high }}).",
    ):
        para(doc, text, "List Bullet")
    control(doc, "{%p if recommendations %}")
    doc.add_heading("Recommendations", 2)
    para(doc, "Members are asked to:", "Commentary")
    numbered_loop(doc, "recommendations", "recommendation")
    control(doc, "{%p endif %}")


def _purpose_section(doc: DocxDocument) -> None:
    doc.add_heading(ANNUAL_SECTIONS[1], 1)
    say(
        doc,
        "Every looked after child must have an Independent Reviewing Officer (section 118 "
        "of the Adoption and Children Act 2002). The Children and Young Persons Act 2008 and "
        "the Care Planning, Placement and Case Review (England) Regulations 2010 strengthened "
        "the role; the IRO Handbook (2010) sets out how it is carried out, including this "
        "annual report.",
    )
    narrative(doc, "Purpose and legal context")


def _service_section(doc: DocxDocument) -> None:
    doc.add_heading(ANNUAL_SECTIONS[2], 1)
    narrative(doc, "Profile of the service")
    doc.add_heading("Staff", 2)
    report_table(doc, "staffing")
    doc.add_heading("Caseloads", 2)
    report_table(doc, "caseloads")
    say(
        doc,
        "Each full-time IRO had {{ f.looked_after_children_per_iro }} looked after children "
        "on {{ end }}, {% if n.looked_after_children_per_iro < guideline.low %}below"
        "{% elif n.looked_after_children_per_iro > guideline.high %}above{% else %}within"
        "{% endif %} the IRO Handbook's guideline of {{ guideline.low }} to "
        "{{ guideline.high }}, which counts looked after children only. The same IROs chair "
        "the conferences of {{ n.children_on_cp_plans_at_31_march|plural('child', 'children') "
        "}} on child protection plans; counting them too, a full-time IRO had "
        "{{ f.all_children_per_iro }} children.",
        "n.iro_posts",
    )
    say(doc, "No IRO posts are recorded, so no caseload can be given.", "not n.iro_posts")
    report_table(doc, "iro_caseloads")
    control(doc, "{%p if sections.other_work.rows %}")
    doc.add_heading("Other work of the service", 2)
    report_table(doc, "other_work")
    control(doc, "{%p endif %}")


def _children_section(doc: DocxDocument) -> None:
    doc.add_heading(ANNUAL_SECTIONS[3], 1)
    narrative(doc, "Profile of the children")
    doc.add_heading("Children looked after", 2)
    report_table(doc, "looked_after_age", "looked_after")
    say(
        doc,
        "Children aged {{ largest.looked_after_age.rows }} were the largest "
        "{% if largest.looked_after_age.tied %}groups ({{ largest.looked_after_age.count|number "
        "}} each){% else %}group ({{ largest.looked_after_age.count|number }}){% endif %}.",
        "n.children_looked_after_at_31_march",
    )
    say(
        doc,
        "Compared with a year earlier that is {% if changes.looked_after.word %}"
        "{{ changes.looked_after.by|number }} {{ changes.looked_after.word }} children, a change "
        "of {{ changes.looked_after.rate }}{% else %}the same number{% endif %}; short-breaks "
        "children are not counted either year.",
        "changes.looked_after",
    )
    say(
        doc,
        "{{ n.short_breaks_children_at_31_march|plural('short-breaks child', "
        "'short-breaks children')|sentence }} {{ n.short_breaks_children_at_31_march|was }} "
        "also looked after on {{ end }}; the tables leave them out.",
        "n.short_breaks_children_at_31_march",
    )
    doc.add_heading("Legal status", 2)
    report_table(doc, "legal_status", "legal_status")
    say(
        doc,
        "The largest changes since {{ changes.legal_status.since }}: "
        "{% for c in changes.legal_status.rows %}{{ c.row }} {{ c.word }} {{ c.by|number }} to "
        "{{ c.to|number }}{% if not loop.last %}; {% endif %}{% endfor %}.",
        "changes.legal_status.rows",
    )
    doc.add_heading("Ethnicity", 2)
    report_table(doc, "ethnicity")
    say(
        doc,
        "{{ (100 * n.ethnicity_white / n.children_looked_after_at_31_march)|round(1)|percent }} "
        "of the children looked after on {{ end }} were White ({{ n.ethnicity_white|number }}); "
        "the other {{ (n.children_looked_after_at_31_march - n.ethnicity_white)|number }} "
        "{{ (n.children_looked_after_at_31_march - n.ethnicity_white)|was }} of Mixed, Asian, "
        "Black or Other ethnicity, or had none recorded (N/A).",
        "n.children_looked_after_at_31_march",
    )
    doc.add_heading("Children who ceased to be looked after", 2)
    report_table(doc, "ceased")
    say(
        doc,
        "{{ n.children_who_ceased_to_be_looked_after|plural('child', 'children')|sentence }} "
        "left care in {{ this_year }}; {{ n.ceased_returned_home|number }} returned home and "
        "{{ n.ceased_adopted|number }} {{ n.ceased_adopted|was }} adopted.",
    )
    _adoption_and_protection(doc)


def _adoption_and_protection(doc: DocxDocument) -> None:
    doc.add_heading("Adoption", 2)
    report_table(doc, "adoptions")
    say(
        doc,
        "{{ n.children_placed_for_adoption|plural('child', 'children')|sentence }} "
        "{{ n.children_placed_for_adoption|was }} placed for adoption in {{ this_year }}"
        "{% if changes.adoptions and changes.adoptions.word %}, {{ changes.adoptions.by|number }} "
        "{{ changes.adoptions.word }} ({{ changes.adoptions.rate }}) than in {{ last_year }}"
        "{% endif %}.",
    )
    say(
        doc,
        "The agency decision maker decided for {{ n.adm_adoption_decisions|plural('child', "
        "'children') }} that adoption was in the child's best interests.",
        "n.get('adm_adoption_decisions') is not none",
    )
    doc.add_heading("Child protection", 2)
    report_table(doc, "cp_category", "cp_category")
    say(
        doc,
        "{{ n.children_who_became_subject_of_a_cp_plan|plural('child', 'children')|sentence }} "
        "became subject of a child protection plan in {{ this_year }}"
        "{% if changes.cp_category and changes.cp_category.word %}, "
        "{{ changes.cp_category.by|number }} {{ changes.cp_category.word }} "
        "({{ changes.cp_category.rate }}) than in {{ last_year }}{% endif %}"
        "{% if n.children_who_became_subject_of_a_cp_plan %}; {{ largest.cp_category.rows|lower "
        "}} {% if largest.cp_category.tied %}were the most common categories"
        "{% else %}was the most common category{% endif %} "
        "({{ largest.cp_category.count|number }}{% if largest.cp_category.tied %} each"
        "{% endif %}){% endif %}.",
    )
    report_table(doc, "cp_snapshot")


def _late_lines(doc: DocxDocument, late: str, noun: str) -> None:
    control(doc, f"{{%p for m in {late}.shown %}}")
    para(
        doc,
        "One {{ m.kind }} was held on {{ m.held }}, {{ m.days|plural('day') }} after its due "
        "date of {{ m.due }}{% if m.approved_by %}, with {{ m.approved_by }} approval{% endif %}.",
        "Numbered Paragraph",
    )
    control(doc, "{%p endfor %}")
    say(
        doc,
        f"{{{{ {late}.more|plural('further {noun}')|sentence }}}} "
        f"{{{{ {late}.more|was }}}} held out of time.",
        f"{late}.more",
    )


def _timeliness_section(doc: DocxDocument) -> None:
    doc.add_heading(ANNUAL_SECTIONS[4], 1)
    narrative(doc, "Timeliness of reviews")
    doc.add_heading("Looked after reviews", 2)
    report_table(doc, "reviews")
    say(
        doc,
        "Of the {{ n.reviews_held|number }} reviews in {{ this_year }}, "
        "{{ n.reviews_out_of_time|number }} {{ n.reviews_out_of_time|was }} held after the due "
        "date.",
        "n.reviews_held",
    )
    say(doc, "No looked after reviews were held in {{ this_year }}.", "not n.reviews_held")
    _late_lines(doc, "late_reviews", "review")
    doc.add_heading("Child protection conferences", 2)
    report_table(doc, "conferences")
    say(
        doc,
        "Of {{ n.initial_conferences|plural('initial conference') }}, "
        "{{ n.initial_conferences_out_of_time|number }} {{ n.initial_conferences_out_of_time|was "
        "}} held out of time; of {{ n.review_conferences|plural('review conference') }}, "
        "{% if n.review_conferences_out_of_time %}{{ n.review_conferences_out_of_time|number }}"
        "{% else %}none{% endif %}.",
        "n.conferences_held",
    )
    say(
        doc,
        "No child protection conferences were held in {{ this_year }}.",
        "not n.conferences_held",
    )
    say(
        doc,
        "These figures come from the CIN census, which records children, not families: a "
        "conference about brothers and sisters is counted once for each of them, and families "
        "are not counted.",
        "counted_per_child",
    )
    _late_lines(doc, "late_conferences", "conference")


def _participation_section(doc: DocxDocument) -> None:
    doc.add_heading(ANNUAL_SECTIONS[5], 1)
    report_table(doc, "participation")
    say(
        doc,
        "In {{ n.children_who_spoke_for_themselves|plural('review') }} "
        "({{ f.children_who_spoke_for_themselves_percent }} of those with a participation "
        "code) the child came and spoke for themselves (PN1); {{ n.participation_pn0|number }} "
        "{{ n.participation_pn0|was }} of children under 4 (PN0) and in "
        "{{ n.participation_pn7|number }} the child's views were not conveyed (PN7).",
        "n.reviews_with_a_participation_code",
    )
    say(
        doc,
        "{{ n.participation_not_recorded|plural('review')|sentence }} had no participation "
        "code recorded.",
        "n.participation_not_recorded",
    )
    narrative(doc, "Participation of children")


def _contact_and_disputes(doc: DocxDocument) -> None:
    doc.add_heading(ANNUAL_SECTIONS[6], 1)
    narrative(doc, "IRO contact and consultation", or_nothing=True)
    doc.add_heading(ANNUAL_SECTIONS[7], 1)
    narrative(doc, "Dispute resolution")
    report_table(doc, "disputes")
    say(
        doc,
        "Of the {{ n.alerts_raised|plural('alert') }}, "
        "{{ n.alerts_resolved_within_the_council|number }} "
        "{{ n.alerts_resolved_within_the_council|was }} resolved within the local authority "
        "and {{ n.alerts_escalated_to_cafcass|plural('alert') }} "
        "{{ n.alerts_escalated_to_cafcass|was }} referred to CAFCASS.",
        "n.alerts_raised",
    )
    say(doc, "No alerts of concern were raised in {{ this_year }}.", "not n.alerts_raised")


def _quality_and_development(doc: DocxDocument) -> None:
    doc.add_heading(ANNUAL_SECTIONS[8], 1)
    narrative(doc, "Quality assurance", or_nothing=True)
    doc.add_heading(ANNUAL_SECTIONS[9], 1)
    narrative(doc, "Areas for development")
    control(doc, "{%p for section in narrative.other %}")
    doc.add_heading("{{ section.title }}", 2)
    control(doc, "{%p for text in section.paragraphs %}")
    para(doc, "{{ text }}", "Numbered Paragraph")
    control(doc, "{%p endfor %}")
    control(doc, "{%p endfor %}")
    control(doc, "{%p if priorities %}")
    doc.add_heading("Priorities for {{ next_year }}", 2)
    _priorities(doc)
    control(doc, "{%p endif %}")


def _priorities(doc: DocxDocument) -> None:
    """The numbered priorities, the last kept on the sign-off's page so the signature
    never stands alone on a page of its own."""
    num_id = _numbered_list(doc)
    for items, keep in (("priorities[:-1]", False), ("priorities[-1:]", True)):
        control(doc, f"{{%p for priority in {items} %}}")
        _numbered_para(doc, "{{ priority }}", num_id).paragraph_format.keep_with_next = keep
        control(doc, "{%p endfor %}")


#: Where each meeting document's dates come from, printed beside them.
IRO_HANDBOOK = "IRO Handbook"
WORKING_TOGETHER = "Working Together"
LOCAL_PROCEDURES = "local child protection procedures"


def meeting_document(title: str) -> DocxDocument:
    """A meeting document: the council and title in the header with the protective
    marking (a setting) at the right; the ID, issue date and page X of Y in the footer;
    title, subject (the meeting ID), author (the IRO or chair) as document properties."""
    doc = new_document(title, "", footer_left="{{ document.id }} · {{ document.issue }} · ")
    # One right-aligned tab: a long council name and title must not push the marking
    # onto a second line (the style's centre tab would take the first tab).
    header = doc.sections[0].header.paragraphs[0]
    header.paragraph_format.tab_stops.add_tab_stop(
        Twips(CONTENT_WIDTH // 2), WD_TAB_ALIGNMENT.CLEAR
    )
    add_text(
        header, "{{ document.council }}{% if document.council %} · {% endif %}{{ document.title }}"
    )
    header.add_run("\t")
    add_text(header, "{{ document.marking }}", bold=True)
    props = doc.core_properties
    props.title = "{{ document.title|safe }}"
    props.subject = "{{ document.id|safe }}"
    props.author = "{{ document.author|safe }}"
    return doc


def heading_then(doc: DocxDocument, title: str, level: int = 1) -> None:
    """A heading kept with what follows it: never alone at the foot of a page."""
    doc.add_heading(title, level).paragraph_format.keep_with_next = True


def lines_or(doc: DocxDocument, items: str, line: str, empty: str, var: str = "item") -> None:
    """One paragraph per element of ``items``, or ``empty`` when there are none."""
    control(doc, f"{{%p if {items} %}}")
    control(doc, f"{{%p for {var} in {items} %}}")
    para(doc, line, "List Bullet")
    control(doc, "{%p endfor %}")
    control(doc, "{%p else %}")
    para(doc, empty, italic=True)
    control(doc, "{%p endif %}")


def views_of_others(doc: DocxDocument) -> None:
    """Each consulted person's views under their name and role."""
    heading_then(doc, "Views of those consulted", 2)
    control(doc, "{%p if views %}")
    control(doc, "{%p for person in views %}")
    named = para(doc, "{{ person.name }}, {{ person.role }}", bold=True)
    named.paragraph_format.keep_with_next = True
    named.paragraph_format.space_after = Pt(0)
    para(doc, "{{ person.views }}")
    control(doc, "{%p endfor %}")
    control(doc, "{%p else %}")
    para(doc, NOT_RECORDED, italic=True)
    control(doc, "{%p endif %}")


def distribution(doc: DocxDocument, what: str) -> None:
    heading_then(doc, "Distribution")
    para(doc, f"A copy of this {what} is sent to:").paragraph_format.keep_with_next = True
    lines_or(doc, "distribution", "{{ person.name }}, {{ person.role }}", NOT_RECORDED, "person")


def build_review_record() -> DocxDocument:
    """A looked after child review record, in the order the IRO Handbook sets out."""
    doc = meeting_document("Looked After Child Review Record")
    para(doc, "Looked After Child Review Record", "Title")
    details_table(
        doc,
        [
            ("Child ID", "{{ child.id }}"),
            ("Child's name", "{{ child.name }}"),
            ("Date of birth", "{{ child.dob }}"),
            ("Age", "{{ child.age }}"),
            ("Legal status", "{{ child.legal_status }}"),
            ("Date became looked after", "{{ child.became_looked_after }}"),
            ("Review ID", "{{ review.id }}"),
            ("Review number", "{{ review.number }}"),
            ("Review date", "{{ review.date }}"),
            ("Due date", "{{ review.due_date }}"),
            ("Held within timescale", "{{ review.within_timescale }}"),
            ("Venue", "{{ review.venue }}"),
            ("Previous review", "{{ review.previous_review_date }}"),
            ("Independent Reviewing Officer", "{{ iro }}"),
            ("Social worker", "{{ social_worker }}"),
        ],
    )
    heading_then(doc, "Placement and permanence")
    details_table(
        doc,
        [
            ("Placement", "{{ child.placement }}"),
            ("Placement start date", "{{ placement.start }}"),
            ("Placement moves in the last 12 months", "{{ placement.moves }}"),
            ("School or nursery", "{{ placement.school }}"),
            ("Permanence plan", "{{ placement.permanence_plan }}"),
            ("Permanence to be achieved by", "{{ placement.permanence_date }}"),
            ("Final hearing", "{{ placement.final_hearing }}", "placement.final_hearing"),
            ("Health assessment", "{{ placement.health_assessment }}"),
            ("Dental check", "{{ placement.dental_check }}"),
            ("Personal education plan", "{{ placement.pep }}"),
            ("Advocacy offered", "{{ placement.advocacy }}"),
            ("Independent visitor offered", "{{ placement.independent_visitor }}"),
        ],
    )
    heading_then(doc, "Progress on the previous review's decisions")
    control(doc, "{%p if previous_decisions %}")
    list_table(
        doc,
        "done in previous_decisions",
        [
            ("Decision", "{{ done.decision }}", 8.0),
            ("Progress", "{{ done.progress }}", 3.2),
            ("Comment", "{{ done.comment }}", 0),
        ],
    )
    control(doc, "{%p elif review.first %}")
    para(doc, "None: this is the child's first review.", italic=True)
    control(doc, "{%p else %}")
    para(doc, NOT_RECORDED, italic=True)
    control(doc, "{%p endif %}")
    _review_views(doc)
    _review_plan_and_decisions(doc)
    _signature_block(doc, "Independent Reviewing Officer", "{{ iro }}")
    return doc


def _review_views(doc: DocxDocument) -> None:
    """The child's views first, then those consulted, then who attended."""
    heading_then(doc, "Views")
    text_section(doc, "Child's views", "childs_views")
    text_section(doc, "Participation", "participation")
    text_section(doc, "Parents' views", "parents_views")
    text_section(doc, "Carers' views", "carers_views")
    views_of_others(doc)
    heading_then(doc, "Attendance")
    list_table(
        doc,
        "person in attendees",
        [
            ("Name", "{{ person.name }}", 5.5),
            ("Role", "{{ person.role }}", 6.5),
            ("Attendance", "{{ person.attendance }}", 0),
        ],
        empty="No attendees recorded.",
    )


def _review_plan_and_decisions(doc: DocxDocument) -> None:
    """The care plan's areas, the IRO's judgement, decisions, next review, distribution."""
    heading_then(doc, "The care plan")
    text_section(doc, "Care plan", "care_plan")
    text_section(doc, "Health", "health")
    text_section(doc, "Education (PEP)", "education")
    text_section(doc, "Contact", "contact")
    heading_then(doc, "The IRO's judgement")
    labelled(doc, "Does the care plan meet the child's needs?", "{{ care_plan_meets_needs }}")
    text_section(doc, "IRO comments", "iro_comments")
    heading_then(doc, "Decisions")
    list_table(
        doc,
        "decision in decisions",
        [
            ("No.", "{{ decision.number }}", 1.2),
            ("Decision", "{{ decision.decision }}", 8.8),
            ("Responsible", "{{ decision.responsible }}", 3.5),
            ("Timescale", "{{ decision.timescale }}", 0),  # 3.5 cm: a date on one line
        ],
        empty="No decisions recorded.",
    )
    labelled(
        doc,
        "Decisions to be sent by",
        f"{{{{ review.decisions_by }}}} ({{{{ review.decisions_days }}}}, {IRO_HANDBOOK})",
    ).paragraph_format.space_before = Pt(8)
    labelled(
        doc,
        "Full record to be sent by",
        f"{{{{ review.record_by }}}} ({{{{ review.record_days }}}}, {IRO_HANDBOOK})",
    )
    heading_then(doc, "Next review")
    # The basis, not "statutory": the default (seed) policy's 90 and 180 days are not the
    # regulations' 3 and 6 months.
    labelled(doc, "To be held by", "{{ review.next.deadline }} ({{ review.next.basis }})")
    labelled(doc, "{{ review.next.proposed_label }}", "{{ review.next.proposed }}")
    distribution(doc, "record")


def _signature_block(doc: DocxDocument, role: str, name: str) -> None:
    """Signed / name / date lines, kept together."""
    lines: list[Callable[[], Paragraph]] = [
        lambda: labelled(doc, "Signed", "_" * 40),
        lambda: labelled(doc, role, name),
        lambda: labelled(doc, "Date", "_" * 20),
    ]
    for index, make in enumerate(lines):
        paragraph = make()
        paragraph.style = doc.styles["Signature"]
        paragraph.paragraph_format.keep_with_next = index < len(lines) - 1
        if index == 0:
            paragraph.paragraph_format.space_before = Pt(30)


def build_alert() -> DocxDocument:
    """An alert of concern raised under the dispute resolution process."""
    title = "Alert of Concern – Dispute Resolution"
    doc = meeting_document(title)
    para(doc, title, "Title")
    labelled(doc, "To", "{{ alert.addressed_to }}")
    labelled(doc, "From", "{{ iro }}, Independent Reviewing Officer")
    details_table(
        doc,
        [
            ("Alert ID", "{{ alert.id }}"),
            ("Child's name", "{{ child.name }}"),
            ("Child ID", "{{ child.id }}"),
            ("Date of birth", "{{ child.dob }}"),
            ("Independent Reviewing Officer", "{{ iro }}"),
            ("Social worker", "{{ social_worker }}"),
            ("Team manager", "{{ team_manager }}"),
            ("Date first raised", "{{ alert.date_raised }}"),
            ("Stage", "{{ alert.stage_label }}"),
            ("Date of this stage", "{{ alert.stage_date }}"),
            ("Category", "{{ alert.category }}"),
            ("Response due", "{{ alert.response_due }}"),
            ("Status", "{{ alert.status }}"),
        ],
    )
    text_section(doc, "Concern", "alert.concern", level=1)
    text_section(doc, "Action required", "alert.action_required", level=1)
    text_section(doc, "The child's views", "alert.childs_views", level=1)
    heading_then(doc, "Escalation history")
    list_table(
        doc,
        "step in history",
        [
            ("Stage", "{{ step.stage_label }}", 4.5),
            ("Date", "{{ step.date }}", 3.5),  # 30 September 2014 on one line
            ("Note", "{{ step.note }}", 0),
        ],
        empty="No earlier stages.",
    )
    _signature_block(doc, "Independent Reviewing Officer", "{{ iro }}")
    heading_then(doc, "Response")
    control(doc, "{%p if alert.response %}")
    para(doc, "{{ alert.response }}")
    control(doc, "{%p elif alert.has_deadline %}")
    reply = para(doc, "No response yet; due {{ alert.response_due }}. Please reply below.")
    reply.paragraph_format.keep_with_next = True  # the heading, this line and the space together
    for n in range(4):
        para(doc, "_" * 78).paragraph_format.keep_with_next = n < 3
    _signature_block(doc, "Manager", "{{ alert.addressed_to }}")
    control(doc, "{%p else %}")
    para(doc, "Referred to CAFCASS: no response is due under the council's protocol.")
    control(doc, "{%p endif %}")
    heading_then(doc, "Resolution")
    control(doc, "{%p if alert.date_resolved %}")
    labelled(doc, "Date resolved", "{{ alert.date_resolved }}")
    labelled(doc, "Outcome", "{{ alert.outcome }}")
    control(doc, "{%p else %}")
    para(doc, "Not yet resolved.")
    control(doc, "{%p endif %}")
    return doc


def build_conference_report() -> DocxDocument:
    """A child protection conference report (Signs of Safety format), holding what
    Working Together and local child protection procedures ask of a conference record."""
    doc = meeting_document("{{ conference.title }}")
    para(doc, "{{ conference.title }}", "Title")
    details_table(
        doc,
        [
            ("Conference ID", "{{ conference.id }}"),
            ("Conference type", "{{ conference.type }}"),
            ("Conference date", "{{ conference.date }}"),
            ("Due date", "{{ conference.due_date }}"),
            ("Held within timescale", "{{ conference.within_timescale }}"),
            ("Chair", "{{ conference.chair }}"),
            ("Lead social worker", "{{ conference.lead_social_worker }}"),
            ("Venue", "{{ conference.venue }}"),
            (
                "Strategy discussion",
                "{{ conference.strategy_discussion_date }}",
                "conference.strategy_discussion_date",
            ),
            (
                "Previous conference",
                "{{ conference.previous_conference_date }}",
                "conference.previous_conference_date",
            ),
        ],
    )
    text_section(doc, "Reasons for the conference", "reasons", level=1)
    heading_then(doc, "Children")
    list_table(
        doc,
        "child in children",
        [
            ("Child ID", "{{ child.id }}", 2.0),
            ("Name", "{{ child.name }}", 3.5),
            ("Date of birth", "{{ child.dob }}", 3.5),  # 30 September 2014 on one line
            ("Age", "{{ child.age }}", 1.9),  # Unborn, 10 years on one line
            ("Category of abuse", "{{ child.category }}", 3.1),
            ("Decision", "{{ child.decision }}", 0),
        ],
    )
    heading_then(doc, "Attendance and agency reports")
    list_table(
        doc,
        "person in attendees",
        [
            ("Name", "{{ person.name }}", 3.8),
            ("Agency", "{{ person.agency }}", 4.2),
            ("Attendance", "{{ person.attendance }}", 2.8),
            # Each agency's recommendation is printed once, under "Recommendations and
            # decision", not a second time in a column here.
            ("Report submitted", "{{ person.report_submitted }}", 0),
        ],
        empty="No attendees recorded.",
    )
    _conference_views_and_decision(doc)
    _conference_plan(doc)
    _signature_block(doc, "Chair", "{{ conference.chair }}")
    return doc


def _conference_views_and_decision(doc: DocxDocument) -> None:
    """Views, the Signs of Safety analysis, each agency's recommendation, dissent, decision."""
    heading_then(doc, "Views")
    text_section(doc, "The child's views", "childs_views")
    text_section(doc, "Parents' views", "parents_views")
    heading_then(doc, "Signs of Safety")
    text_section(doc, "What are we worried about?", "worried")
    text_section(doc, "What is working well?", "working_well")
    text_section(doc, "What needs to happen?", "needs_to_happen")
    heading_then(doc, "Recommendations and decision")
    heading_then(doc, "Agency recommendations", 2)
    lines_or(
        doc,
        "recommendations",
        "{{ person.agency }} ({{ person.name }}): {{ person.recommendation }}",
        NOT_RECORDED,
        "person",
    )
    text_section(doc, "Dissent", "dissent")
    text_section(doc, "Decision", "decision")


def _conference_plan(doc: DocxDocument) -> None:
    """The outline plan, contingency, core group, next steps and distribution."""
    control(doc, "{%p if any_plan %}")
    heading_then(doc, "Outline child protection plan")
    list_table(
        doc,
        "action in actions",
        [
            ("Action", "{{ action.action }}", 6.0),
            ("Who", "{{ action.responsible }}", 3.0),
            ("By when", "{{ action.by_when }}", 3.5),
            ("Outcome sought", "{{ action.outcome }}", 0),
        ],
        empty="Not recorded.",
    )
    text_section(doc, "Contingency plan", "contingency_plan", level=1)
    heading_then(doc, "Core group")
    control(doc, "{%p if conference.first_core_group_date %}")
    labelled(doc, "First core group meeting", "{{ conference.first_core_group_date }}")
    para(
        doc,
        "Within {{ conference.core_group_days }} of the initial conference "
        f"({WORKING_TOGETHER}).",
        italic=True,
    )
    control(doc, "{%p endif %}")
    para(doc, "Members:").paragraph_format.keep_with_next = True
    lines_or(doc, "core_group", "{{ person.name }}, {{ person.role }}", NOT_RECORDED, "person")
    control(doc, "{%p else %}")
    heading_then(doc, "Child protection plan")
    para(
        doc,
        "No child protection plan was made, so there is no outline plan, contingency plan or "
        "core group.",
    )
    control(doc, "{%p endif %}")
    heading_then(doc, "Next steps")
    control(doc, "{%p if conference.next_deadline or conference.next_proposed %}")
    labelled(doc, "Next review conference by (deadline)", "{{ conference.next_deadline }}")
    labelled(doc, "{{ conference.next_proposed_label }}", "{{ conference.next_proposed }}")
    control(doc, "{%p else %}")
    para(doc, "No review conference: no child is subject of a child protection plan.")
    control(doc, "{%p endif %}")
    labelled(
        doc,
        "Decisions to be sent by",
        "{{ conference.decisions_by }} ({{ conference.decisions_days }}, "
        f"{LOCAL_PROCEDURES})",
    )
    labelled(
        doc,
        "Full report to be sent by",
        f"{{{{ conference.report_by }}}} ({{{{ conference.report_days }}}}, {LOCAL_PROCEDURES})",
    )
    distribution(doc, "report")


TEMPLATES: dict[str, Callable[[], DocxDocument]] = {
    "annual_report.docx": build_annual_report,
    "review_record.docx": build_review_record,
    "alert.docx": build_alert,
    "conference_report.docx": build_conference_report,
}


# --------------------------------------------------------------------------- saving


def deterministic_bytes(doc: DocxDocument) -> bytes:
    """The saved .docx, re-zipped with fixed timestamps so runs are byte-identical."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def write_templates(
    templates: dict[str, Callable[[], DocxDocument]], description: str, argv: Sequence[str] | None
) -> None:
    """Build each of ``templates`` into the ``--out`` folder (``templates/docx``)."""
    parser = argparse.ArgumentParser(description=description)
    default = Path(__file__).resolve().parent.parent / "templates" / "docx"
    parser.add_argument(
        "--out", type=Path, default=default, help=f"output folder (default {default})"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, build in templates.items():
        path = args.out / name
        path.write_bytes(deterministic_bytes(build()))
        print(f"wrote {path}")


def main(argv: Sequence[str] | None = None) -> None:
    """Write every template into the output folder."""
    write_templates(TEMPLATES, __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    main()
