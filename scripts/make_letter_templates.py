"""Build the Word templates of a co-ordinator's letters and lists in ``templates/docx/``:

* ``invitation.docx``        - an invitation to a review or conference, with a
  consultation form for a review's parents and carers;
* ``invitation_child.docx``  - the same for the child, in plain words;
* ``outcome_letter.docx``    - the chair's letter after a child protection conference;
* ``planning_list.docx``     - the reviews and conferences falling due, officer by officer;
* ``alerts_report.docx``     - the quarterly report on alerts of concern.

Built with the helpers and conventions of ``make_templates.py`` (one Jinja tag per run,
``{%p %}`` control paragraphs, byte-identical output); kept apart from it so that the
meeting records and these letters can change independently.

Usage::

    python scripts/make_letter_templates.py [--out templates/docx]
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT
from docx.shared import Cm, Twips
from docx.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_templates import (
    CONTENT_WIDTH,
    Cell,
    _finish_table,
    _twips,
    add_row,
    column_widths,
    control,
    details_table,
    labelled,
    list_table,
    new_document,
    new_table,
    para,
    tag_row,
    write_templates,
)

# --------------------------------------------------------------------------- pieces


def page_break(doc: DocxDocument) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def letter_document(title: str, what: str = "Ref {{ ref }}") -> DocxDocument:
    """A letter (or list): the protective marking at the left of its header, the
    council's name and ``what`` it is (a letter's reference) at the right (both
    settings, as in the meeting records)."""
    return new_document(
        title,
        "{{ letterhead.marking }}",
        "{{ letterhead.council }}{% if letterhead.council %} · {% endif %}" + what,
    )


def signed_for_council(doc: DocxDocument) -> None:
    """The council's name and address under the signature: who the letter is from, and
    where a reply goes."""
    control(doc, "{%p if letterhead.council %}")
    para(doc, "{{ letterhead.council }}")
    control(doc, "{%p endif %}")
    control(doc, "{%p for line in letterhead.address_lines %}")
    para(doc, "{{ line }}")
    control(doc, "{%p endfor %}")


def address_block(doc: DocxDocument) -> None:
    """The addressee's name and address for a window envelope; blank lines to fill in by
    hand when the workbook has no address."""
    para(doc, "{{ to.name }}")
    control(doc, "{%p if to.has_address %}")
    control(doc, "{%p for line in to.address_lines %}")
    para(doc, "{{ line }}")
    control(doc, "{%p endfor %}")
    control(doc, "{%p else %}")
    for _ in range(4):
        para(doc, "_" * 36)
    control(doc, "{%p endif %}")
    control(doc, "{%p if to.email %}")
    para(doc, "Email: {{ to.email }}")
    control(doc, "{%p endif %}")
    para(doc)


def answer_box(doc: DocxDocument, question: str, height_cm: float = 4.0) -> None:
    """A question over an empty box to write (or draw) the answer in."""
    # The question is the box's header row: a screen reader names the box by it.
    table = new_table(doc, [CONTENT_WIDTH], header_row=True)
    add_row(table, [Cell(question, style="Table Heading")], header=True)
    add_row(table, [Cell("")])
    row = table.rows[-1]
    row.height = Cm(height_cm)
    _finish_table(table)
    para(doc)


def form_page(doc: DocxDocument, title: str, intro: str, questions: Sequence[str]) -> None:
    page_break(doc)
    para(doc, title, "Title")
    para(doc, intro)
    labelled(doc, "Name", "{{ to.name }}")
    for question in questions:
        answer_box(doc, question)


def letter_ending(
    doc: DocxDocument, chair: str = "{{ meeting.chair }}", role: str = "{{ meeting.chair_role }}"
) -> None:
    """The closing, the chair who signs and their role, then the council's name and address."""
    para(doc, "Yours sincerely,")
    para(doc)
    para(doc, chair)
    para(doc, role)
    signed_for_council(doc)


PARENT_QUESTIONS = (
    "What is going well for {{ about_first }}?",
    "What are you worried about?",
    "What would you like to change, about the care plan, contact or anything else?",
    "What do you want the review to know?",
)
CARER_QUESTIONS = (
    "How is {{ about_first }} getting on at home, at school and with friends?",
    "What is going well?",
    "What are you worried about? What help do you or {{ about_first }} need?",
    "What do you want the review to know?",
)
CHILD_QUESTIONS = (
    "What is going well for you?",
    "Is anything worrying you?",
    "What do you want the people at your meeting to know?",
    "Who would you like to be at your meeting?",
)


# --------------------------------------------------------------------------- invitations


def build_invitation() -> DocxDocument:
    """An invitation to a review or a conference, addressed to one person."""
    doc = letter_document("Invitation")
    address_block(doc)
    labelled(doc, "Our reference", "{{ ref }}")
    labelled(doc, "Date", "{{ dated }}")
    para(doc, "Invitation: {{ meeting.title }}", "Title")
    para(doc, "Dear {{ to.name }},")
    control(doc, '{%p if meeting.kind == "review" %}')
    para(
        doc,
        "You are invited to the review of {{ about }}'s care plan. A review is a meeting to "
        "check how {{ about_first }} is getting on, whether the care plan still meets "
        "{{ about_first }}'s needs, and to agree what happens next.",
    )
    control(doc, '{%p elif meeting.type == "Initial" %}')
    para(
        doc,
        "You are invited to an initial child protection conference about {{ about }}. The "
        "conference brings the family and professionals together to share what is known "
        "about the children's safety and to decide whether a child protection plan is needed.",
    )
    control(doc, "{%p else %}")
    para(
        doc,
        "You are invited to a review child protection conference about {{ about }}. The "
        "conference looks at how the child protection plan is working and decides whether "
        "it is still needed.",
    )
    control(doc, "{%p endif %}")
    details_table(
        doc,
        [
            ("Date", "{{ meeting.day }}"),
            ("Time", "{{ meeting.time or 'To be confirmed' }}"),
            ("Venue", "{{ meeting.venue or 'To be confirmed' }}"),
            ("Chaired by", "{{ meeting.chair }}, {{ meeting.chair_role }}"),
            ("Contact", "{{ meeting.contact }}"),
        ],
    )
    para(doc)
    para(
        doc,
        "Please tell the contact above by {{ meeting.reply_by }} whether you can come. "
        "If you cannot come, your views still count: you can send them in writing before "
        "the meeting{% if letterhead.address_lines %}, to the address at the end of this "
        "letter{% endif %}.",
    )
    control(doc, "{%p if form %}")
    para(
        doc,
        "A consultation form is enclosed. Please fill it in and bring it with you, or send "
        "it back before the meeting.",
    )
    control(doc, "{%p endif %}")
    control(doc, '{%p if meeting.kind == "conference" and family %}')
    para(
        doc,
        "You may bring a friend, relative or advocate with you for support. The social "
        "worker will go through the reports with you before the conference.",
    )
    control(doc, '{%p elif meeting.kind == "conference" %}')
    para(
        doc,
        "Please send your written report to the chair at least two working days before the "
        "conference, and share it with the parents first.",
    )
    control(doc, "{%p endif %}")
    letter_ending(doc)
    for form, questions in (("parent", PARENT_QUESTIONS), ("carer", CARER_QUESTIONS)):
        control(doc, f'{{%p if form == "{form}" %}}')
        form_page(
            doc,
            f"Consultation form for {form}s",
            "For the review of {{ about }} on {{ meeting.date }}. Write as much or as little "
            "as you like; the Independent Reviewing Officer reads every form.",
            questions,
        )
        control(doc, "{%p endif %}")
    return doc


def build_invitation_child() -> DocxDocument:
    """An invitation to the child, in plain words, with the child's form."""
    doc = letter_document("Invitation")
    address_block(doc)
    para(doc, "{{ dated }}")
    para(doc, "Your meeting", "Title")
    para(doc, "Hello {{ to.first_name }},")
    control(doc, '{%p if meeting.kind == "review" %}')
    para(doc, "We are having a meeting about you. It is called a review.")
    para(
        doc,
        "At the meeting we talk about how things are going for you. We make plans so that "
        "you get what you need.",
    )
    control(doc, "{%p else %}")
    para(doc, "We are having a meeting about keeping you and your family safe.")
    para(doc, "It is called a child protection conference.")
    control(doc, "{%p endif %}")
    details_table(
        doc,
        [
            ("Day", "{{ meeting.day }}"),
            ("Time", "{{ meeting.time or 'We will tell you soon' }}"),
            ("Place", "{{ meeting.venue or 'We will tell you soon' }}"),
            ("Who runs the meeting", "{{ meeting.chair }}"),
            ("Who to tell if you are coming", "{{ meeting.contact }}"),
        ],
    )
    para(doc)
    control(doc, '{%p if meeting.kind == "review" %}')
    para(
        doc,
        "{{ meeting.chair }} is your Independent Reviewing Officer. Their job is to check "
        "that the plan for you is right, and that people listen to you.",
    )
    control(doc, "{%p endif %}")
    para(doc, "You can come to the meeting. If you do not want to come, that is OK.")
    para(doc, "You can still tell us what you think. You can:")
    control(doc, "{%p for way in ways %}")
    para(doc, "{{ way }}", "List Bullet")
    control(doc, "{%p endfor %}")
    para(
        doc,
        "Please tell {{ meeting.contact_name }} by {{ meeting.reply_by }} if you want to come.",
    )
    para(doc, "From {{ meeting.chair }}")
    signed_for_council(doc)
    control(doc, '{%p if meeting.kind == "review" and teenager %}')
    form_page(
        doc,
        "Your views for your review",
        "Write as much or as little as you like. You do not have to answer every question.",
        CHILD_QUESTIONS,
    )
    control(doc, '{%p elif meeting.kind == "review" %}')
    form_page(
        doc,
        "All about me",
        "You can write or draw in the boxes. You do not have to fill them all in.",
        CHILD_QUESTIONS,
    )
    control(doc, "{%p endif %}")
    return doc


# --------------------------------------------------------------------------- outcome letter


def core_group(doc: DocxDocument) -> None:
    """Who puts the plan into practice, and when they first meet."""
    doc.add_heading("Core group", 1)
    para(
        doc, "The core group puts the plan into practice and reports on it to the next conference."
    ).paragraph_format.keep_with_next = True
    control(doc, "{%p if conference.lead_social_worker %}")
    labelled(
        doc, "Lead social worker", "{{ conference.lead_social_worker }}"
    ).paragraph_format.keep_with_next = True
    control(doc, "{%p endif %}")
    control(doc, "{%p if conference.core_group_date %}")
    labelled(
        doc,
        # after a review conference the core group already meets: its next meeting
        "{{ 'First' if conference.kind == 'initial' else 'Next' }} core group meeting",
        "by {{ conference.core_group_date }}",
    ).paragraph_format.keep_with_next = True
    control(doc, "{%p endif %}")
    list_table(
        doc,
        "member in core_group",
        [("Member", "{{ member.name }}", 6.0), ("Agency", "{{ member.agency }}", 0)],
        empty="The core group's members will be confirmed by the lead social worker.",
    )
    keep_together(doc.tables[-1])


def keep_together(table: Table) -> None:
    """Every row kept with the next, so a short table is never split across two pages."""
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def build_outcome_letter() -> DocxDocument:
    """The chair's letter after a conference, to one person invited."""
    doc = letter_document("Conference outcome")
    address_block(doc)
    labelled(doc, "Our reference", "{{ ref }}")
    labelled(doc, "Date", "{{ sent_by }}")
    para(doc, "Outcome of the {{ conference.title }}", "Title")
    para(doc, "Dear {{ to.name }},")
    para(
        doc,
        "I chaired the {{ conference.kind }} child protection conference about {{ about }} "
        "on {{ conference.date }} at {{ conference.venue or 'the venue arranged' }}. This "
        "letter confirms what the conference decided and the plan it agreed. The full "
        "report will follow.",
    )
    doc.add_heading("Decisions", 1)
    list_table(
        doc,
        "child in decisions",
        [
            ("Child", "{{ child.name }}", 4.2),
            ("Date of birth", "{{ child.dob }}", 3.6),
            ("Decision", "{{ child.decision }}", 5.0),
            ("Category", "{{ child.category }}", 0),
        ],
    )
    control(doc, "{%p if decision %}")
    para(doc)
    para(doc, "{{ decision }}")
    control(doc, "{%p endif %}")
    control(doc, "{%p if any_plan %}")
    doc.add_heading("Outline child protection plan", 1)
    list_table(
        doc,
        "step in plan",
        [
            ("No.", "{{ step.number }}", 1.0),
            ("Action", "{{ step.action }}", 5.6),
            ("Who", "{{ step.responsible }}", 3.4),
            ("By", "{{ step.by_when }}", 3.0),
            ("Outcome sought", "{{ step.outcome }}", 0),
        ],
        empty="The core group will set out the plan's actions at its first meeting.",
    )
    core_group(doc)
    control(doc, "{%p endif %}")
    doc.add_heading("Next conference", 1)
    control(doc, "{%p if conference.next_review_date %}")
    # The planned date and the deadline, as the conference report gives them both.
    para(
        doc,
        "The review conference is planned for {{ conference.next_proposed }}"
        "{{ ' (it must be held by ' ~ conference.next_deadline ~ ')' "
        "if conference.next_deadline and conference.next_deadline != conference.next_proposed "
        "else '' }}.",
    )
    control(doc, "{%p else %}")
    para(doc, "No review conference is planned: no child is subject of a child protection plan.")
    control(doc, "{%p endif %}")
    doc.add_heading("If you disagree", 1)
    control(doc, "{%p if family %}")
    para(
        doc,
        "If you disagree with a decision, please write to me by {{ disagree_by }}, saying "
        "which decision and why. I will look at it again and reply in writing. If you are "
        "still unhappy after that, you can ask for the council's child protection "
        "complaints procedure.",
    )
    control(doc, "{%p else %}")
    para(
        doc,
        "If your agency disagrees with a decision, please tell me in writing by "
        "{{ disagree_by }}, saying which decision and why. If we cannot resolve it, the "
        "Local Safeguarding Children Board's procedure for resolving professional "
        "disagreements applies.",
    )
    control(doc, "{%p endif %}")
    control(doc, "{%p if contact %}")
    para(doc, "You can reach me through {{ contact }}, quoting the reference above.")
    control(doc, "{%p endif %}")
    control(doc, "{%p if family %}")
    para(doc, "You can ask a friend, relative or advocate to help you write.")
    control(doc, "{%p endif %}")
    letter_ending(doc, "{{ chair }}", "Conference Chair")
    return doc


# --------------------------------------------------------------------------- planning list

OVERDUE_FILL = "FFC7CE"
LANDSCAPE_WIDTH = 14570  # twips: A4 landscape (29.7 cm) less two 2 cm margins


def landscape(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    for name in ("Header", "Footer"):  # their tab stops, set for a portrait page
        tabs = doc.styles[name].paragraph_format.tab_stops
        tabs.clear_all()
        tabs.add_tab_stop(Twips(LANDSCAPE_WIDTH // 2), WD_TAB_ALIGNMENT.CENTER)
        tabs.add_tab_stop(Twips(LANDSCAPE_WIDTH), WD_TAB_ALIGNMENT.RIGHT)


def planning_table(doc: DocxDocument) -> None:
    """One officer's meetings; an overdue row shaded red and its status in bold."""
    columns = [
        ("Meeting", "{{ row.meeting }} {{ row.meeting_id }}", 4.2),
        ("Child", "{{ row.child_name }} ({{ row.child_id }})", 6.0),
        ("Last held", "{{ row.latest }}", 3.4),  # not "Latest": read as a deadline
        ("Deadline", "{{ row.deadline }}", 3.4),
        ("Book by", "{{ row.book_by }}", 3.4),
        ("Status", "{{ row.status }}", 0),
    ]
    table = new_table(doc, column_widths(columns, LANDSCAPE_WIDTH), header_row=True)
    add_row(table, [Cell(h, style="Table Heading") for h, _, _ in columns], header=True)
    tag_row(table, "{%tr for row in officer.rows %}")
    tag_row(table, "{%tr if row.overdue %}")
    add_row(
        table,
        [
            Cell(cell, fill=OVERDUE_FILL, bold=index == len(columns) - 1)
            for index, (_, cell, _) in enumerate(columns)
        ],
        keep_next=True,  # an officer's rows stay on one page, under their name
    )
    tag_row(table, "{%tr else %}")
    add_row(table, [Cell(cell) for _, cell, _ in columns], keep_next=True)
    tag_row(table, "{%tr endif %}")
    tag_row(table, "{%tr endfor %}")
    _finish_table(table)


def build_planning_list() -> DocxDocument:
    """The reviews and conferences falling due, officer by officer."""
    doc = letter_document("Planning list", "Planning list, {{ as_of }}")
    landscape(doc)
    para(doc, "Reviews and conferences falling due", "Title")
    para(
        doc,
        "As of {{ as_of }}: {{ total }} {{ 'child' if total == 1 else 'children' }} with a "
        "meeting to hold, {{ overdue or 'none' }} of them overdue. Each deadline "
        "is the last day the meeting may be held, as its record gives it; book the meeting "
        "by the working day shown.",
    )
    control(doc, "{%p for officer in officers %}")
    doc.add_heading("{{ officer.name }}", 1)
    para(
        doc,
        "{{ officer.count }} {{ 'child' if officer.count == 1 else 'children' }}"
        "{{ ', ' ~ officer.overdue ~ ' overdue' if officer.overdue else '' }}.",
    ).paragraph_format.keep_with_next = True
    planning_table(doc)
    para(doc)  # the table keeps with this gap only, not with the next officer's name
    control(doc, "{%p endfor %}")
    control(doc, "{%p if not officers %}")
    para(doc, "No child has a review or conference to come.")
    control(doc, "{%p endif %}")
    return doc


# --------------------------------------------------------------------------- alerts report


def two_period_table(doc: DocxDocument, loop: str, first: str) -> None:
    """Rows of a list, each with the period's figure beside the year to date's."""
    value = _twips(3.2)
    table = new_table(doc, [CONTENT_WIDTH - 2 * value, value, value], header_row=True)
    add_row(
        table,
        [
            Cell(first, style="Table Heading"),
            Cell("{{ period.name }}", style="Table Heading Number"),
            Cell("{{ ytd.name }}", style="Table Heading Number"),
        ],
        header=True,
    )
    tag_row(table, f"{{%tr for row in {loop} %}}")
    add_row(
        table,
        [
            Cell("{{ row.label }}"),
            Cell("{{ row.quarter }}", style="Table Number"),
            Cell("{{ row.year }}", style="Table Number"),
        ],
    )
    tag_row(table, "{%tr endfor %}")
    _finish_table(table)


def build_alerts_report() -> DocxDocument:
    """The quarterly report on alerts of concern, for senior managers."""
    doc = letter_document(
        "Alerts of concern: quarterly report", "Alerts of concern, {{ period.name }}"
    )
    para(doc, "Alerts of concern", "Title")
    para(doc, "{{ period.name }}: {{ period.label }}. Year to date: {{ ytd.label }}.")
    doc.add_heading("Summary", 1)
    para(
        doc,
        "In {{ period.name }}, {{ q.raised }} {{ q.raised_verb }} first raised "
        "({{ y.raised }} in the year to date).",
        "Commentary",
    )
    control(doc, "{%p if q.top_category %}")
    para(
        doc,
        "The most common concern was {{ q.top_category }} ({{ q.top_count }} of {{ q.raised_n }}).",
        "Commentary",
    )
    control(doc, "{%p endif %}")
    control(doc, "{%p if q.median %}")
    para(
        doc,
        "During the {{ period.noun }}, {{ q.resolved }} {{ q.resolved_verb }} resolved, "
        "{{ q.median_words }} from first being raised.",
        "Commentary",
    )
    control(doc, "{%p else %}")
    para(doc, "No alert was resolved during the {{ period.noun }}.", "Commentary")
    control(doc, "{%p endif %}")
    para(
        doc,
        "At the end of the {{ period.noun }}, {{ q.open }} {{ q.open_verb }} still open.",
        "Commentary",
    )
    control(doc, "{%p if q.cafcass_n %}")
    para(
        doc,
        "{{ q.cafcass }} {{ q.cafcass_verb }} referred to CAFCASS, the last stage of the "
        "dispute resolution process ({{ y.cafcass }} in the year to date).",
        "Commentary",
    )
    control(doc, "{%p else %}")
    para(doc, "No alert was referred to CAFCASS in the {{ period.noun }}.", "Commentary")
    control(doc, "{%p endif %}")
    two_period_table(doc, "summary", "Figure")
    doc.add_heading("By stage reached", 1)
    two_period_table(doc, "stages", "Stage")
    doc.add_heading("By category", 1)
    two_period_table(doc, "categories", "Category")
    para(doc, "{{ chart }}", "Chart")
    doc.add_heading("Alerts first raised in the {{ period.noun }}", 1)
    list_table(
        doc,
        "alert in alerts",
        [
            ("Alert", "{{ alert.id }}", 1.7),
            ("Child ID", "{{ alert.child_id }}", 1.9),
            ("First raised", "{{ alert.first_raised }}", 3.2),
            ("Stage reached", "{{ alert.stage }}", 3.6),
            ("Category", "{{ alert.category }}", 2.8),
            ("Status", "{{ alert.status }}", 0),
        ],
        empty="No alert was first raised in the {{ period.noun }}.",
    )
    return doc


TEMPLATES: dict[str, Callable[[], DocxDocument]] = {
    "invitation.docx": build_invitation,
    "invitation_child.docx": build_invitation_child,
    "outcome_letter.docx": build_outcome_letter,
    "planning_list.docx": build_planning_list,
    "alerts_report.docx": build_alerts_report,
}


def main(argv: Sequence[str] | None = None) -> None:
    """Write every letter template into the output folder."""
    write_templates(TEMPLATES, (__doc__ or "").splitlines()[0], argv)


if __name__ == "__main__":
    main()
