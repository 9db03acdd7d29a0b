"""checks.py: ``docgen templates check`` finds what would stop a council's template."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from docgen.checks import (
    TEMPLATES,
    TemplateProblem,
    check_templates,
    is_bundled,
    report_lines,
    template_sources,
)
from docgen.errors import TemplateError
from docgen.render import Renderer, bundled_templates
from tests.test_render import _contexts


def council_template(
    folder: Path,
    name: str,
    *replacements: tuple[str, str],
    part: str = "word/document.xml",
) -> Path:
    """A copy of the bundled ``name`` in ``folder`` with ``part``'s XML edited, as a
    council would in Word (each replacement must match exactly once)."""
    folder.mkdir(exist_ok=True)
    target = folder / name
    with (
        zipfile.ZipFile(bundled_templates() / name) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                xml = data.decode()
                for old, new in replacements:
                    assert xml.count(old) == 1, old
                    xml = xml.replace(old, new)
                data = xml.encode()
            copy.writestr(info, data)
    return target


def test_bundled_templates_have_no_problems() -> None:
    assert check_templates(None) == []
    assert all(is_bundled(path) for path in template_sources(None).values())
    assert list(template_sources(None)) == list(TEMPLATES)


def test_misspelt_name_is_reported_with_template_and_paragraph(tmp_path: Path) -> None:
    custom = tmp_path / "council"
    path = council_template(
        custom, "review_record.docx", ("<w:t>{{ child.name }}</w:t>", "<w:t>{{ child.nmae }}</w:t>")
    )
    problems = check_templates(custom)
    assert [(p.template, p.source, p.name, p.paragraph) for p in problems] == [
        ("review_record.docx", path, "child.nmae", "{{ child.nmae }}")
    ]
    line = str(problems[0])
    assert "\n" not in line
    for part in (
        "review_record.docx",
        "child.nmae",
        "{{ child.nmae }}",
        "did you mean child.name?",
    ):
        assert part in line
    # the check agrees with rendering: this template would stop a batch
    with pytest.raises(TemplateError, match="nmae"):
        Renderer(custom).render("review_record.docx", _contexts("review")[0])


def test_every_unknown_name_is_reported_in_one_run(tmp_path: Path) -> None:
    custom = tmp_path / "council"
    council_template(
        custom,
        "review_record.docx",
        ("<w:t>{{ child.name }}</w:t>", "<w:t>{{ child.nmae }} {{ review.foo }}</w:t>"),
        ("<w:t>{{ done.decision }}</w:t>", "<w:t>{{ done.nam }}</w:t>"),  # inside a loop
        ("<w:t>{{ social_worker }}</w:t>", "<w:t>{% if chair %}{{ chair }}{% endif %}</w:t>"),
    )
    council_template(
        custom,
        "alert.docx",
        ("{{ document.marking }}", "{{ document.markng }}"),
        part="word/header1.xml",
    )
    problems = check_templates(custom)
    assert [(p.template, p.name) for p in problems] == [
        ("review_record.docx", "child.nmae"),
        ("review_record.docx", "review.foo"),
        ("review_record.docx", "chair"),
        ("review_record.docx", "done.nam"),
        ("alert.docx", "document.markng"),
    ]
    assert problems[0].paragraph == problems[1].paragraph == "{{ child.nmae }} {{ review.foo }}"
    assert "(page header)" in problems[-1].problem


def test_tag_split_across_paragraphs_is_reported(tmp_path: Path) -> None:
    # docxtpl would merge the two table rows into one without any error
    custom = tmp_path / "council"
    council_template(
        custom,
        "review_record.docx",
        ("<w:t>{{ child.name }}</w:t>", "<w:t>{{ child.name }</w:t>"),
        ("<w:t>Date of birth</w:t>", "<w:t>}Date of birth</w:t>"),
    )
    problems = check_templates(custom)
    assert len(problems) == 1
    assert problems[0].template == "review_record.docx"
    assert problems[0].paragraph == "{{ child.name }"
    assert problems[0].name is None
    assert "starts in this paragraph but ends in a later one" in problems[0].problem


def test_unclosed_tag_is_reported(tmp_path: Path) -> None:
    custom = tmp_path / "council"
    council_template(
        custom, "alert.docx", ("<w:t>{{ child.name }}</w:t>", "<w:t>{{ child.name</w:t>")
    )
    problems = check_templates(custom)
    assert {p.template for p in problems} == {"alert.docx"}
    assert any(p.paragraph == "{{ child.name" and "later one" in p.problem for p in problems)
    assert any(
        p.paragraph.startswith("{{ child.name") and p.problem.startswith("tag error:")
        for p in problems
    )


def test_block_never_closed_names_the_paragraph_that_opens_it(tmp_path: Path) -> None:
    custom = tmp_path / "council"
    council_template(
        custom,
        "conference_report.docx",
        (
            "<w:t>{{ conference.title }}</w:t>",
            "<w:t>{% if conference.title %}{{ conference.title }}</w:t>",
        ),
    )
    [problem] = check_templates(custom)
    assert problem.template == "conference_report.docx"
    assert problem.paragraph == "{% if conference.title %}{{ conference.title }}"
    assert problem.problem.startswith("tag error: Unexpected end of template")
    assert problem.name is None


def test_overriding_one_template_reports_the_others_as_bundled(tmp_path: Path) -> None:
    custom = tmp_path / "council"
    custom.mkdir()
    shutil.copy(bundled_templates() / "alert.docx", custom / "alert.docx")
    (custom / "Review Record.docx").write_bytes(b"")  # misnamed: overrides nothing
    sources = template_sources(custom)
    assert sources["alert.docx"] == custom / "alert.docx"
    assert all(is_bundled(sources[name]) for name in TEMPLATES if name != "alert.docx")
    assert check_templates(custom) == []
    lines = report_lines(custom, [])
    shown = len(TEMPLATES)  # a line per template, then the notes
    assert [line.split()[0] for line in lines[:shown]] == list(TEMPLATES)
    assert all("bundled" in line for line in lines[:shown] if not line.startswith("alert.docx"))
    assert str(custom / "alert.docx") in lines[TEMPLATES.index("alert.docx")]
    assert lines[shown] == (
        "note: Review Record.docx is not used: it is named differently; "
        "rename it review_record.docx."
    )


def test_a_file_that_is_not_a_document_is_reported(tmp_path: Path) -> None:
    custom = tmp_path / "council"
    custom.mkdir()
    (custom / "alert.docx").write_bytes(b"saved as .doc and renamed")
    [problem] = check_templates(custom)
    assert (problem.template, problem.paragraph) == ("alert.docx", "")
    assert "cannot be read as a Word document" in str(problem)


def test_problem_is_one_line() -> None:
    problem = TemplateProblem("alert.docx", Path("/t/alert.docx"), "{{ x }}", "uses x", "x")
    assert str(problem) == 'alert.docx, paragraph "{{ x }}": uses x [/t/alert.docx]'


@pytest.mark.parametrize(
    ("tag", "attribute"),
    [
        ("{{ child.__class__.__mro__ }}", "__class__"),
        ("{{ cycler.__init__.__globals__ }}", "__init__"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "__class__"),
    ],
)
def test_reaching_past_the_data_is_reported_as_refused_where_it_is(
    tmp_path: Path, tag: str, attribute: str
) -> None:
    """Not 'uses __class__, which is not in the data': the author must learn it never works."""
    custom = tmp_path / "council"
    council_template(custom, "alert.docx", ("<w:t>{{ child.name }}</w:t>", f"<w:t>{tag}</w:t>"))
    [problem] = check_templates(custom)
    assert (problem.template, problem.paragraph, problem.name) == ("alert.docx", tag, None)
    assert f"refused: access to attribute '{attribute}'" in problem.problem
    assert "not in the data" not in problem.problem
    with pytest.raises(TemplateError, match="unsafe"):
        Renderer(custom).render("alert.docx", _contexts("alert")[0])


@pytest.mark.parametrize(
    "tag",
    [
        "{% include 'word/styles.xml' %}",
        "{% import 'macros.xml' as m %}",
        "{% from 'macros.xml' import box %}",
    ],
)
def test_a_tag_that_reads_another_file_is_reported_where_it_is(tmp_path: Path, tag: str) -> None:
    custom = tmp_path / "council"
    council_template(
        custom,
        "alert.docx",
        ("<w:t>{{ child.name }}</w:t>", f"<w:t>{{% if false %}}{tag}{{% endif %}}</w:t>"),
    )
    [problem] = check_templates(custom)
    assert problem.template == "alert.docx"
    assert problem.paragraph.endswith(f"{tag}{{% endif %}}")
    assert "cannot read other files" in problem.problem
    assert "loader" not in problem.problem


def test_rendering_a_tag_that_reads_another_file_says_why_it_fails(tmp_path: Path) -> None:
    custom = tmp_path / "council"
    council_template(
        custom,
        "alert.docx",
        ("<w:t>{{ child.name }}</w:t>", "<w:t>{% include 'word/styles.xml' %}</w:t>"),
    )
    with pytest.raises(TemplateError, match="cannot read other files") as caught:
        Renderer(custom).render("alert.docx", _contexts("alert")[0])
    assert "loader" not in str(caught.value)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("review_record.dotx", "a Word template (.dotx)"),
        ("review_record.doc", "an old-style Word 97-2003 document (.doc)"),
        ("Review Record.DOCM", "a macro-enabled Word document (.docm)"),
    ],
)
def test_a_template_saved_in_another_format_is_named_with_the_fix(
    tmp_path: Path, name: str, why: str
) -> None:
    """Word offers .dotx for 'a template': the bundled one would be used without a word."""
    custom = tmp_path / "council"
    custom.mkdir()
    shutil.copy(bundled_templates() / "review_record.docx", custom / name)
    (custom / "logo.png").write_bytes(b"not a template, not a note")
    lines = report_lines(custom, check_templates(custom))
    assert lines[len(TEMPLATES) :] == [
        f"note: {name} is not used: it is {why}; save it as 'Word Document (*.docx)' named "
        "review_record.docx."
    ]


TRACKED = 'w:id="7" w:author="Designer" w:date="2014-04-01T00:00:00Z"'


@pytest.mark.parametrize(
    "tracked",
    [
        f"<w:del {TRACKED}><w:r><w:delText>{{{{ child.nmae }}}}</w:delText></w:r></w:del>",
        f"<w:ins {TRACKED}><w:r><w:t>{{{{ child.name }}}}</w:t></w:r></w:ins>",
    ],
)
def test_tracked_changes_are_reported_at_the_first_paragraph_holding_one(
    tmp_path: Path, tracked: str
) -> None:
    """Documents would carry the revision marks, and a deleted tag is filled in all the same."""
    custom = tmp_path / "council"
    council_template(
        custom,
        "alert.docx",
        ("<w:r><w:rPr/><w:t>{{ child.name }}</w:t></w:r>", tracked),
        (
            "<w:t>Child ID</w:t>",
            f"<w:t>Child</w:t></w:r><w:ins {TRACKED}><w:r><w:t> ID</w:t>"
            "</w:r></w:ins><w:r><w:t></w:t>",
        ),
    )
    problems = [p for p in check_templates(custom) if "tracked" in p.problem]
    assert [(p.template, p.paragraph) for p in problems] == [
        ("alert.docx", "{{ child.nmae }}" if "del" in tracked else "{{ child.name }}")
    ]
    assert problems[0].problem.startswith(
        "has 2 tracked changes, the first in this paragraph: accept or reject them in Word "
        "(Review, Accept All Changes) and save it again"
    )


def test_misspelt_names_in_footnotes_and_document_properties_are_reported(
    tmp_path: Path,
) -> None:
    """Both are rendered like the body (as docxtpl renders them), so both are checked."""
    from tests.test_render import _council_alert_template

    path = _council_alert_template(tmp_path / "council")
    with zipfile.ZipFile(path) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist()}
    parts["word/footnotes.xml"] = parts["word/footnotes.xml"].replace(b"alert.id", b"alert.idd")
    parts["docProps/core.xml"] = parts["docProps/core.xml"].replace(
        b"Alert {{ alert.id }}", b"Alert {{ alert.nmber }}"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    found = {(p.name, p.paragraph) for p in check_templates(path.parent)}
    assert found == {
        ("alert.idd", "Raised as alert {{ alert.idd }}"),
        ("alert.nmber", "Alert {{ alert.nmber }}"),
    }
    lines = [str(p) for p in check_templates(path.parent)]
    assert any("(footnotes)" in line for line in lines)
    assert any("(document property title)" in line for line in lines)
