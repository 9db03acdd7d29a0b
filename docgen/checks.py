"""``docgen templates check``: what is wrong with a council's own Word templates.

A council replaces docgen's templates with its own letterhead, usually by editing
them in Word. Word splits text into runs as it pleases, so a tag typed as
``{{ child.name }}`` can end up broken, and a field name can be mistyped. Found at
render time, either stops a batch on the morning of a meeting; this module finds
them beforehand, all at once:

* **tag errors**: Jinja syntax errors, a tag split across paragraphs (docxtpl's
  ``patch_xml`` "repairs" that by merging the paragraphs, silently breaking the
  layout), a block opened and never closed, tracked changes left in (a deleted tag
  is still filled in);
* **unknown names**: every variable a template uses that its data does not
  provide. Each template is rendered with the contexts docgen builds from the
  bundled sample workbooks (every meeting, so more branches are taken), through a
  recording :class:`jinja2.Undefined` that notes each missing name instead of
  raising; top-level names in branches the samples never take are found from the
  template's syntax tree.

Each problem names the template, the file it came from and the paragraph it is
in. A template's parts are prepared exactly as :mod:`docgen.render` prepares them
(docxtpl's ``patch_xml``, then one line per ``<w:p``), so a Jinja line number is a
paragraph: :func:`docgen.render.template_parts` gives them, so docxtpl stays behind
render.py.
"""

from __future__ import annotations

import difflib
import html
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.utils import missing

from docgen import context, documents, pipeline
from docgen.errors import UserError
from docgen.files import write_all
from docgen.models import ANNUAL
from docgen.render import (
    OTHER_FILES_REFUSED,
    Chart,
    Renderer,
    bundled_templates,
    make_environment,
    template_parts,
    template_properties,
)
from docgen.settings import Settings
from docgen.workbook import normalise

ANNUAL_TEMPLATE = documents.get("annual").template

#: Every template docgen renders, in the order they are reported: the registry's.
TEMPLATES: tuple[str, ...] = tuple(
    dict.fromkeys(name for doc in documents.all_types() for name in doc.templates)
)

_PARAGRAPH_CHARS = 100  # a paragraph is shown up to this long, so a problem stays one line


@dataclass(frozen=True)
class TemplateProblem:
    """One thing wrong with one template, placed where its author can find it in Word.

    ``paragraph`` is the paragraph's visible text (tags included, as typed), empty
    when the problem is with the whole file; ``name`` is the unknown variable as the
    template spells it (``child.nmae``), ``None`` for a tag error.
    """

    template: str
    source: Path
    paragraph: str
    problem: str
    name: str | None = None

    def __str__(self) -> str:
        where = f', paragraph "{self.paragraph}"' if self.paragraph else ""
        return f"{self.template}{where}: {self.problem} [{self.source}]"


# --------------------------------------------------------------------------- sources


def template_sources(directory: Path | None) -> dict[str, Path]:
    """Which file each template comes from: the council's when ``directory`` has
    one of that name, else the bundled one (the lookup rendering itself uses)."""
    renderer = Renderer(directory)
    return {name: renderer.template_path(name) for name in TEMPLATES}


def is_bundled(path: Path) -> bool:
    """Whether ``path`` is one of the templates shipped with docgen."""
    return path.resolve().parent == bundled_templates().resolve()


#: Word's other formats, which docgen cannot render: a template saved as one of them
#: (Word offers .dotx for "a template") is otherwise left unused without a word.
_OTHER_WORD_FORMATS = {
    ".dotx": "a Word template (.dotx)",
    ".dotm": "a macro-enabled Word template (.dotm)",
    ".docm": "a macro-enabled Word document (.docm)",
    ".doc": "an old-style Word 97-2003 document (.doc)",
    ".dot": "an old-style Word 97-2003 template (.dot)",
    ".rtf": "a Rich Text document (.rtf)",
    ".odt": "an OpenDocument text (.odt)",
}


def unused_files(directory: Path | None) -> list[tuple[Path, str]]:
    """Word files in ``directory`` that override nothing, each with what to do about it.

    A misspelt name such as ``Review Record.docx``, or a template saved as ``.dotx``,
    would otherwise leave the bundled template in use without a word.
    """
    if directory is None:
        return []
    by_stem = {normalise(Path(name).stem): name for name in TEMPLATES}
    found = []
    for path in sorted(directory.iterdir()):
        suffix = path.suffix.lower()
        if path.name in TEMPLATES or path.name.startswith(("~$", ".")) or not path.is_file():
            continue
        if suffix != ".docx" and suffix not in _OTHER_WORD_FORMATS:
            continue  # a logo, a note: not meant as a template
        meant = by_stem.get(normalise(path.stem))
        if meant is None:
            found.append((path, f"{path.name} is not a template docgen uses; it is ignored."))
        elif suffix == ".docx":
            found.append(
                (path, f"{path.name} is not used: it is named differently; rename it {meant}.")
            )
        else:
            found.append(
                (
                    path,
                    f"{path.name} is not used: it is {_OTHER_WORD_FORMATS[suffix]}; save it as "
                    f"'Word Document (*.docx)' named {meant}.",
                )
            )
    return found


def report_lines(directory: Path | None, problems: list[TemplateProblem]) -> list[str]:
    """What ``docgen templates check`` prints: each template's source and verdict,
    the files it ignores, then every problem on a line of its own."""
    lines = []
    for name, path in template_sources(directory).items():
        count = sum(p.template == name for p in problems)
        origin = "bundled" if is_bundled(path) else str(path)
        verdict = "OK" if not count else f"{count} problem{'s' if count > 1 else ''}"
        lines.append(f"{name:<24} {verdict:<12} {origin}")
    for _path, note in unused_files(directory):
        lines.append(f"note: {note}")
    lines += [str(p) for p in problems]
    return lines


# --------------------------------------------------------------------------- the check


def check_templates(
    directory: Path | None, *, settings: Settings | None = None
) -> list[TemplateProblem]:
    """Every problem of every template docgen uses, looked up in ``directory`` first.

    An empty list means each template compiles and uses only data docgen gives it
    (as far as the sample workbooks exercise it).
    """
    settings = settings or Settings()
    if directory is not None and not directory.is_dir():
        raise UserError(f"{directory} is not a folder of templates.")
    contexts = sample_contexts(settings)
    problems: list[TemplateProblem] = []
    for name, path in template_sources(directory).items():
        problems += _check_template(name, path, contexts[name])
    return problems


def export_templates(directory: Path, *, force: bool = False) -> list[Path]:
    """Copy every bundled template into ``directory`` (made if missing); a file of the
    same name already there is an error unless ``force``: a council's edits are not
    overwritten by accident. All are checked before any is written."""
    sources = {name: bundled_templates() / name for name in TEMPLATES}
    targets = [directory / name for name in sources]
    if directory.exists() and not directory.is_dir():
        raise UserError(f"{directory} is a file; give a folder to copy the templates into.")
    clashes = [t.name for t in targets if t.exists()]
    if clashes and not force:
        raise UserError(
            f"{directory} already holds {', '.join(clashes)}; nothing was copied "
            "(--force replaces them)."
        )
    directory.mkdir(parents=True, exist_ok=True)
    write_all([(target, sources[target.name].read_bytes()) for target in targets])
    return targets


def sample_contexts(settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """The contexts docgen gives each template for the bundled sample workbooks.

    Built by the functions the pipeline itself uses, so a check sees exactly the
    names a real document is rendered with.
    """
    samples = pipeline.bundled_samples()
    found = {
        year: path
        for path in samples.glob("annual_*.xlsx")
        if (year := pipeline.year_from_name(path)) is not None
    }
    if not found:
        raise UserError(f"no annual sample workbook in {samples}; docgen is not fully installed.")
    year = max(found)
    tables, report = pipeline.load(found[year], ANNUAL, settings)
    if not report.ok:
        raise UserError(f"the sample workbook {found[year].name} is not valid:\n{report.to_text()}")
    figures = pipeline.annual_figures(tables, year, settings, report)
    if figures is None:
        raise UserError(f"the sample workbook {found[year].name} is not valid:\n{report.to_text()}")
    contexts = {ANNUAL_TEMPLATE: [_without_charts(context.annual_context(figures))]}
    for doc in documents.per_row_types():
        for name, ctx in _meeting_contexts(doc, samples / doc.sample, settings):
            contexts.setdefault(name, []).append(ctx)
    for doc in documents.all_types():
        if doc.sample_contexts is not None:
            for name, ctx in doc.sample_contexts(samples, settings):
                contexts.setdefault(name, []).append(_without_charts(ctx))
    return contexts


def _meeting_contexts(
    doc: documents.DocumentType, workbook: Path, settings: Settings
) -> list[tuple[str, dict[str, Any]]]:
    """Each document of ``workbook`` as (template, context), as ``pipeline.meeting_papers``
    makes them."""
    tables, report = pipeline.load(workbook, doc.workbook, settings)
    if not report.ok:
        raise UserError(f"the sample workbook {workbook.name} is not valid:\n{report.to_text()}")
    return pipeline.template_contexts(doc.name, tables, settings)


def _without_charts(value: Any) -> Any:
    """Charts as a short placeholder: a check needs the names, not the PNG bytes."""
    if isinstance(value, Chart):
        return "[chart]"
    if isinstance(value, Mapping):
        return {k: _without_charts(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_charts(v) for v in value]
    return value


@dataclass
class _Part:
    """One tagged part of a template (its body, a header, a footer or its footnotes),
    prepared for Jinja."""

    label: str  # "" for the body, else " (page header)", " (page footer)", " (footnotes)"
    raw: str  # the part's XML as Word saved it
    source: str  # after patch_xml, one line per paragraph: what Jinja compiles
    lines: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = self.source.split("\n")

    def position(self, lineno: int | None, text: str) -> tuple[int, int]:
        """Where ``text`` first appears on line ``lineno``: problems come in reading order."""
        line = self.lines[lineno - 1] if lineno and 1 <= lineno <= len(self.lines) else ""
        return (lineno or 0, line.find(text))

    def paragraph(self, lineno: int | None) -> str:
        """The visible text of the paragraph on Jinja line ``lineno`` (1-based)."""
        if lineno is None or not 1 <= lineno <= len(self.lines):
            return ""
        return _visible(self.lines[lineno - 1])


def _tagged_parts(path: Path) -> list[_Part]:
    """The body, and each header, footer, footnotes part and document property holding
    a tag, as render.py renders them."""
    labels = {
        "body": "",
        "header": " (page header)",
        "footer": " (page footer)",
        "footnotes": " (footnotes)",
    }
    parts = [_Part(labels[p.kind], p.raw, p.source) for p in template_parts(path)]
    # A property is one line of text: its "paragraph" is the property itself.
    parts += [
        _Part(f" (document property {prop})", value, value)
        for prop, value in template_properties(path).items()
    ]
    return parts


_Problem = Callable[..., TemplateProblem]


def _check_template(name: str, path: Path, contexts: list[dict[str, Any]]) -> list[TemplateProblem]:
    def problem(paragraph: str, text: str, unknown: str | None = None) -> TemplateProblem:
        return TemplateProblem(name, path, paragraph, text, unknown)

    try:
        parts = _tagged_parts(path)
    except Exception:  # python-docx, lxml and zipfile raise many types for a bad file
        return [
            problem(
                "",
                "cannot be read as a Word document: save it from Word as 'Word Document (*.docx)'",
            )
        ]
    problems: list[TemplateProblem] = []
    for part in parts:
        revised = _tracked_changes(part.raw)
        if revised:
            count = f"{len(revised)} tracked change{'s' if len(revised) > 1 else ''}"
            problems.append(
                problem(
                    revised[0],
                    f"has {count}, the first in this paragraph: accept or reject them in "
                    "Word (Review, Accept All Changes) and save it again; documents would "
                    "carry the revision marks, and a deleted tag is filled in all the same"
                    + part.label,
                )
            )
        for paragraph in _split_tags(part.raw):
            problems.append(
                problem(
                    paragraph,
                    "a tag starts in this paragraph but ends in a later one (Word's "
                    "formatting may have split it): retype the whole tag in one paragraph"
                    + part.label,
                )
            )
        problems += _check_part(part, contexts, problem)
    return problems


def _check_part(
    part: _Part, contexts: list[dict[str, Any]], problem: _Problem
) -> list[TemplateProblem]:
    """A part's tag errors, or else the names it uses that the contexts lack."""
    recorder = _Recorder()
    env = make_environment()  # the renderer's sandbox and autoescaping ...
    env.undefined = recorder.undefined_class()  # ... but noting missing names, not raising
    # ... and reading an empty file where an {% include %} names one: each is reported
    # below, at its paragraph, and the render goes on to find the other problems.
    env.loader = jinja2.FunctionLoader(lambda _name: "")
    try:
        tree = env.parse(part.source)
        template = env.from_string(part.source)
    except jinja2.TemplateSyntaxError as exc:
        lineno = _unclosed_block(env, part.source) if _at_end(exc, part) else exc.lineno
        return [problem(part.paragraph(lineno), f"tag error: {exc.message}{part.label}")]
    problems = [
        problem(part.paragraph(node.lineno), OTHER_FILES_REFUSED + part.label)
        for node in tree.find_all(_FILE_TAGS)
    ]
    for ctx in contexts:
        try:
            template.render(ctx)
        except Exception as exc:  # a sandbox refusal, a filter given the wrong type...
            problems.append(
                problem(
                    part.paragraph(_template_line(exc)),
                    f"fails when rendered: {exc}{part.label}",
                )
            )
            break
    index = _NameIndex(tree)
    seen: set[tuple[int | None, str]] = set()
    found: list[tuple[int | None, str, str]] = []
    refusals: set[tuple[int | None, str]] = set()
    for hit in sorted(recorder.hits, key=lambda h: h.lineno is None):
        if hit.refused:  # the sandbox's, not a missing name: no data would make it work
            if (hit.lineno, hit.refused) in refusals or (
                hit.lineno is None and any(r == hit.refused for _l, r in refusals)
            ):
                continue  # met again in another meeting, or when Jinja folded a constant
            refusals.add((hit.lineno, hit.refused))
            problems.append(
                problem(
                    part.paragraph(hit.lineno),
                    f"refused: {hit.refused.rstrip('.')}; a template may use only the data "
                    "docgen gives it" + part.label,
                )
            )
            continue
        lineno, spelt, hint = index.resolve(hit)
        if (lineno, spelt) not in seen:
            seen.add((lineno, spelt))
            found.append((lineno, spelt, hint))
    provided = set().union(*(ctx.keys() for ctx in contexts)) if contexts else set()
    for unknown in sorted(meta.find_undeclared_variables(tree) - provided):
        hint = _suggest(unknown, provided)
        for lineno in index.lines_of_name(unknown):
            if (lineno, unknown) not in seen:
                seen.add((lineno, unknown))
                found.append((lineno, unknown, hint))
    for lineno, spelt, hint in sorted(found, key=lambda f: part.position(f[0], f[1])):
        problems.append(
            problem(
                part.paragraph(lineno),
                f"uses {spelt}, which is not in the data docgen gives this template{hint}"
                + part.label,
                spelt,
            )
        )
    return problems


# --------------------------------------------------------------------------- tag errors


_CROSS_RUN_GAP = re.compile(
    r"(?<={)(<[^>]*>)+(?=[\{%\#])|(?<=[%\}\#])(<[^>]*>)+(?=\})", flags=re.DOTALL
)
_TAG_SPAN = re.compile(r"{%(?:(?!%}).)*|{#(?:(?!#}).)*|{{(?:(?!}}).)*", flags=re.DOTALL)


#: Tags that name another file (refused: see render.OTHER_FILES_REFUSED).
_FILE_TAGS = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


def _split_tags(raw: str) -> list[str]:
    """Paragraphs where a tag starts but which it does not end in.

    These are the two patterns docxtpl's ``patch_xml`` joins (XML between the
    braces of a delimiter, and XML inside a tag); when the XML it removes closes a
    paragraph, docxtpl has merged paragraphs (or table rows) into one, and the
    document loses its layout without any error.
    """
    starts: dict[int, str] = {}
    for pattern in (_CROSS_RUN_GAP, _TAG_SPAN):
        for match in pattern.finditer(raw):
            if "</w:p>" in match.group(0):
                start = raw.rfind("<w:p", 0, match.start())
                while start != -1 and raw[start + 4] not in " >":  # <w:pPr>, <w:pStyle>
                    start = raw.rfind("<w:p", 0, start)
                end = raw.find("</w:p>", match.start())
                starts.setdefault(start, _visible(raw[max(start, 0) : end]))
    return [starts[k] for k in sorted(starts)]


# A revision Word tracks: an insertion, a deletion, or either half of a move.
_REVISION = re.compile(r"<w:(?:ins|del|moveFrom|moveTo)[\s>]")


def _tracked_changes(raw: str) -> list[str]:
    """The paragraph of each tracked change, as Word shows it with its markup (deleted
    text included: a deletion may be all the paragraph holds)."""
    found = []
    for match in _REVISION.finditer(raw):
        start = raw.rfind("<w:p", 0, match.start())
        while start != -1 and raw[start + 4] not in " >":  # <w:pPr>, <w:pStyle>
            start = raw.rfind("<w:p", 0, start)
        end = raw.find("</w:p>", match.start())
        found.append(_visible(raw[max(start, 0) : end].replace("w:delText", "w:t")))
    return found


def _at_end(exc: jinja2.TemplateSyntaxError, part: _Part) -> bool:
    """Jinja reached the end still inside a block: its line is the last paragraph."""
    return "end of template" in exc.message if exc.message else exc.lineno >= len(part.lines)


_BLOCKS = {"if", "for", "macro", "call", "filter", "block", "with", "autoescape", "trans"}


def _unclosed_block(env: jinja2.Environment, source: str) -> int | None:
    """The line of the innermost block that is never closed (``{% if %}`` without
    ``{% endif %}``): where the author must look, not the end of the document."""
    stack: list[int] = []
    try:
        tokens = [(lineno, kind, value) for lineno, kind, value in env.lex(source)]
    except jinja2.TemplateSyntaxError:
        return None
    words = [(i, t) for i, t in enumerate(tokens) if t[1] not in ("whitespace",)]
    for position, (i, (lineno, kind, _value)) in enumerate(words):
        if kind != "block_begin" or position + 1 >= len(words):
            continue
        tag = words[position + 1][1][2]
        if tag in _BLOCKS or (tag == "set" and "=" not in _until_end(tokens, i + 1)):
            stack.append(lineno)
        elif tag.startswith("end") and stack:
            stack.pop()
    return stack[-1] if stack else None


def _until_end(tokens: list[tuple[int, str, str]], start: int) -> list[str]:
    """The values of a block tag's tokens, up to its ``%}``."""
    values = []
    for _lineno, kind, value in tokens[start:]:
        if kind == "block_end":
            break
        values.append(value)
    return values


def _template_line(exc: BaseException) -> int | None:
    """The template line a render-time exception happened on (Jinja rewrites the
    traceback so its template frames carry template line numbers)."""
    lineno = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


# --------------------------------------------------------------------------- unknown names


@dataclass
class _Hit:
    """One use of a missing name during a render: where, and what was looked up on what."""

    lineno: int | None
    name: str | None
    obj: Any
    scope: dict[str, Any]
    #: The sandbox's reason when it refused the look-up (``access to attribute ...``).
    refused: str | None = None


class _Recorder:
    """Collects the missing names a render meets, so one run reports all of them."""

    def __init__(self) -> None:
        self.hits: list[_Hit] = []
        self._seen: set[tuple[int | None, str | None, int]] = set()

    def undefined_class(self) -> type[jinja2.Undefined]:
        recorder = self

        class RecordingUndefined(jinja2.Undefined):
            """Behaves as an empty value wherever it is used, and says so to the recorder."""

            __slots__ = ()

            def _note(self) -> RecordingUndefined:
                recorder.note(self)
                return self

            def __str__(self) -> str:
                self._note()
                return ""

            def __iter__(self) -> Iterator[Any]:
                self._note()
                return iter(())

            def __bool__(self) -> bool:
                self._note()
                return False

            def __len__(self) -> int:
                self._note()
                return 0

            def __getattr__(self, name: str) -> Any:
                if name[:2] == "__" and name[-2:] == "__":
                    raise AttributeError(name)
                return self._note()

            def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
                return self._note()

            # Undefined binds these to its own _fail_with_undefined_error; rebind to ours.
            __add__ = __radd__ = __sub__ = __rsub__ = _fail_with_undefined_error
            __mul__ = __rmul__ = __div__ = __rdiv__ = _fail_with_undefined_error
            __truediv__ = __rtruediv__ = _fail_with_undefined_error
            __floordiv__ = __rfloordiv__ = _fail_with_undefined_error
            __mod__ = __rmod__ = _fail_with_undefined_error
            __pos__ = __neg__ = _fail_with_undefined_error
            __call__ = __getitem__ = _fail_with_undefined_error
            __lt__ = __le__ = __gt__ = __ge__ = _fail_with_undefined_error
            __pow__ = __rpow__ = _fail_with_undefined_error

            def __int__(self) -> int:  # type: ignore[override]  # jinja2 declares Never
                self._note()
                return 0

            def __float__(self) -> float:  # type: ignore[override]  # jinja2 declares Never
                self._note()
                return 0.0

            def __complex__(self) -> complex:  # type: ignore[override]  # jinja2 declares Never
                self._note()
                return 0j

        return RecordingUndefined

    def note(self, undefined: jinja2.Undefined) -> None:
        frame = _template_frame()
        template = frame.f_globals["__jinja_template__"] if frame else None
        lineno = template.get_corresponding_lineno(frame.f_lineno) if frame and template else None
        name = undefined._undefined_name
        obj = undefined._undefined_obj
        key = (lineno, name if isinstance(name, str) else repr(name), id(obj))
        if key in self._seen:
            return
        self._seen.add(key)
        scope = dict(frame.f_locals) if frame else {}
        refused = None
        if undefined._undefined_exception is SecurityError:  # the sandbox said no
            refused = undefined._undefined_hint
        self.hits.append(_Hit(lineno, name, obj, scope, refused))


def _template_frame() -> FrameType | None:
    """The innermost frame running compiled template code (it holds the line)."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and "__jinja_template__" not in frame.f_globals:
        frame = frame.f_back
    return frame


class _NameIndex:
    """Where each name and attribute appears in a template, as its author spelt it."""

    def __init__(self, tree: nodes.Template) -> None:
        self.uses: list[tuple[int, str, str, nodes.Node]] = []  # (line, last part, spelt, node)
        for node in tree.find_all((nodes.Name, nodes.Getattr, nodes.Getitem)):
            if isinstance(node, nodes.Name) and node.ctx != "load":
                continue
            spelt = _spell(node)
            last = _last_part(node)
            if spelt is not None and last is not None:
                self.uses.append((node.lineno, last, spelt, node))

    def lines_of_name(self, name: str) -> list[int]:
        """The lines using the top-level name ``name``."""
        return sorted(
            {line for line, last, spelt, _n in self.uses if spelt == name and last == name}
        )

    def resolve(self, hit: _Hit) -> tuple[int | None, str, str]:
        """(line, the name as spelt in the template, a "did you mean" hint) for a hit.

        The hit knows the line and the last part (``nmae``) and the object it was
        looked up on; the template's syntax tree gives the whole expression. When two
        expressions on the line end the same way, the one whose base evaluates to
        that object (in the render's own variables) is the one.
        """
        last = hit.name if isinstance(hit.name, str) else repr(hit.name)
        top_level = hit.obj is missing
        candidates = [
            (line, spelt, node)
            for line, end, spelt, node in self.uses
            if end == last and isinstance(node, nodes.Name) == top_level
        ]
        on_line = [c for c in candidates if c[0] == hit.lineno] or candidates
        if not on_line:
            return hit.lineno, last, ""
        chosen = on_line[0]
        if not top_level and len({c[1] for c in on_line}) > 1:
            for candidate in on_line:
                base = _evaluate(candidate[2].node, hit.scope)  # type: ignore[attr-defined]  # a Getattr node
                if base is hit.obj:
                    chosen = candidate
                    break
        line, spelt, _node = chosen
        if isinstance(hit.obj, Mapping):
            known = {k for k in hit.obj if isinstance(k, str)}
        else:
            known = _scope_names(hit.scope) if top_level else set()
        hint = _suggest(last, known - {last}, prefix=spelt[: len(spelt) - len(last)])
        return (hit.lineno if hit.lineno is not None else line), spelt, hint


def _spell(node: nodes.Node) -> str | None:
    """``child.nmae``, ``t.columns[0]``: an expression as typed, or None if not a path."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _spell(node.node)
        return None if base is None else f"{base}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = _spell(node.node)
        return None if base is None else f"{base}[{node.arg.value!r}]"
    return None


def _last_part(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return node.attr
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        value = node.arg.value
        return value if isinstance(value, str) else repr(value)
    return None


_MISSING = object()


def _evaluate(node: nodes.Node, scope: dict[str, Any]) -> Any:
    """The value of a name path in a render's variables (Jinja keeps ``x`` as ``l_<n>_x``,
    the context as ``context``); ``_MISSING`` when it cannot be followed."""
    if isinstance(node, nodes.Name):
        found = [k for k in scope if re.fullmatch(rf"l_\d+_{re.escape(node.name)}", k)]
        if found:
            return scope[max(found, key=lambda k: int(k.split("_")[1]))]
        ctx = scope.get("context")
        return ctx.get(node.name, _MISSING) if isinstance(ctx, Context) else _MISSING
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        base = _evaluate(node.node, scope)
        key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if isinstance(base, Mapping):
            return base.get(key, _MISSING)
        if (
            isinstance(base, list | tuple)
            and isinstance(key, int)
            and -len(base) <= key < len(base)
        ):
            return base[key]
    return _MISSING


def _scope_names(scope: dict[str, Any]) -> set[str]:
    """The names a render could see: its context, and its variables that are defined."""
    ctx = scope.get("context")
    names = {
        re.sub(r"^l_\d+_", "", k)
        for k, v in scope.items()
        if re.match(r"l_\d+_", k) and not isinstance(v, jinja2.Undefined)
    }
    if isinstance(ctx, Context):
        names |= set(ctx.get_all())
    return names


def _suggest(name: str, known: set[str], prefix: str = "") -> str:
    """`` (did you mean child.name?)`` when a known name is close to a typo."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f" (did you mean {prefix}{close[0]}?)" if close else ""


# --------------------------------------------------------------------------- paragraphs


_HIDDEN_TEXT = re.compile(r"<w:(instrText|delText)\b[^>]*>.*?</w:\1>", flags=re.DOTALL)
_XML_TAG = re.compile(r"<[^>]+>")


def _visible(xml: str) -> str:
    """A paragraph's text as Word shows it (field codes and deletions left out), tags
    as typed, on one line and cut to a readable length."""
    text = html.unescape(_XML_TAG.sub("", _HIDDEN_TEXT.sub("", xml)))
    text = " ".join(text.split())
    if len(text) > _PARAGRAPH_CHARS:
        text = text[: _PARAGRAPH_CHARS - 1] + "…"
    return text


__all__ = [
    "TEMPLATES",
    "TemplateProblem",
    "check_templates",
    "is_bundled",
    "report_lines",
    "sample_contexts",
    "template_sources",
    "unused_files",
]
