"""The pass over one spec file's blocks: sections, clauses, interface, examples, refs."""

from __future__ import annotations

import bisect
import textwrap
from dataclasses import dataclass, field

from markdown_it.token import Token

from specloom.errors import SpecError
from specloom.model import Admonition, Clause, CrossRef, Section, SourcePos, Spec
from specloom.parse.attrs import parse_heading, slugify
from specloom.parse.blocks import fence_lang, parse_blocks
from specloom.parse.examples import INTERFACE_LANG, ExampleScan, extract_examples
from specloom.parse.frontmatter import FrontMatter, check_spec_id, split_front_matter
from specloom.parse.inline import InlineText, Tag, scan_inline, short_title, strongest_level
from specloom.parse.interface import Interface, parse_interface_block
from specloom.parse.source import SourceFile

MAX_TAGS_PER_SENTENCE = 16
"""More eval tags than this in one sentence is refused (the Model Spec has at most 4)."""


@dataclass
class OpenSection:
    """A section while its file is being read, with the prose of its own clause."""

    section: Section
    authority: str | None
    heading_index: int
    """0-based body line of the heading."""
    body_from: int
    """0-based body line where the section's own text starts."""
    prose: list[tuple[InlineText, int, int]] = field(default_factory=list)


class SpecBuilder:
    """One pass over the block tokens of a spec file."""

    def __init__(self, src: SourceFile) -> None:
        self.src = src
        self.file = src.path
        self.strict = False
        self.offset = 0
        """Number of file lines (the front matter) before `lines`."""
        self.lines: list[str] = []
        self.sections: list[OpenSection] = []
        self.heading_lines: list[int] = []
        """File line of each section's heading, for lookups by line."""
        self.clause_ids: list[str | None] = []
        """Per section: its id, or its nearest ancestor's explicit id."""
        self.clauses: list[Clause] = []
        self.refs: list[CrossRef] = []
        self.interface = Interface()
        self.used_slugs: dict[str, int] = {}
        self.first_h1: str | None = None

    def build(self, default_id: str) -> tuple[Spec, FrontMatter]:
        """Parse the file once; a builder is used for one build only."""
        if not self.src.text.strip():
            raise SpecError(
                "the spec file is empty",
                file=self.file,
                line=1,
                hint="write at least a `# Title` heading (and optional front matter)",
            )
        fm = split_front_matter(self.src.text, self.file)
        self.strict = fm.strict
        spec_id = fm.spec or default_id
        if fm.spec is None:
            check_spec_id(spec_id, self.file, None, "the spec id taken from the path,")
        self.offset = fm.body_start
        self.lines = self.src.text.split("\n")[fm.body_start :]
        tokens = parse_blocks("\n".join(self.lines))
        self._walk_headings(tokens)
        scan = extract_examples(
            tokens, self.lines, self.file, self.offset, self._clause_at, "inline"
        )
        self._walk_blocks(tokens, scan)
        spec = Spec(
            id=spec_id,
            title=fm.title or self.first_h1 or spec_id,
            version=fm.version,
            status=fm.status,
            owners=fm.owners,
            imports=fm.imports,
            authority=fm.authority,
            strict=fm.strict,
            meta=fm.meta,
            path=self.file,
            hash="",
            sections=[s.section for s in self.sections],
            clauses=self._ordered_clauses(),
            types=self.interface.types,
            operations=self.interface.operations,
            errors=self.interface.errors,
            constants=self.interface.constants,
            examples=list(scan.examples),
            refs=self.refs,
        )
        return spec, fm

    def line(self, body_index: int) -> int:
        return self.offset + body_index + 1

    # --- headings -----------------------------------------------------------------------

    def _walk_headings(self, tokens: list[Token]) -> None:
        headings = []
        for i, tok in enumerate(tokens):
            if tok.type == "heading_open" and tok.level == 0 and tok.map is not None:
                line = self.line(tok.map[0])
                head = parse_heading(tokens[i + 1].content, self.file, line)
                headings.append((tok, tok.map, line, head))
                if head.id is not None:
                    self.used_slugs[head.id] = 1  # a slug never takes an explicit id
        stack: list[int] = []  # indices of the open ancestors, shallowest first
        for tok, (first, after), line, head in headings:
            depth = int(tok.tag[1:]) if tok.tag[1:].isdigit() else 1
            while stack and self.sections[stack[-1]].section.depth >= depth:
                stack.pop()
            parent_index = stack[-1] if stack else -1
            parent = self.sections[parent_index] if stack else None
            explicit = head.id is not None
            sid = head.id if head.id is not None else self._unique_slug(slugify(head.title))
            authority = head.attrs.get("authority") or (parent.authority if parent else None)
            section = Section(
                id=sid,
                explicit_id=explicit,
                title=head.title,
                depth=depth,
                parent=parent.section.id if parent else None,
                attrs=head.attrs,
                pos=SourcePos(file=self.file, line=line),
            )
            if depth == 1 and self.first_h1 is None:
                self.first_h1 = head.title
            explicit_id = sid if explicit else None
            if explicit_id is None and parent is not None:
                explicit_id = self.clause_ids[parent_index]
            stack.append(len(self.sections))
            self.sections.append(OpenSection(section, authority, first, after))
            self.heading_lines.append(line)
            self.clause_ids.append(explicit_id)

    def _unique_slug(self, slug: str) -> str:
        n = self.used_slugs.get(slug, 0)
        self.used_slugs[slug] = n + 1
        return slug if n == 0 else f"{slug}_{n}"

    def _index_at(self, file_line: int) -> int:
        """Index of the section holding a file line, -1 before the first heading."""
        return bisect.bisect_right(self.heading_lines, file_line) - 1

    def _clause_at(self, file_line: int) -> str | None:
        k = self._index_at(file_line)
        return self.clause_ids[k] if k >= 0 else None

    # --- blocks -------------------------------------------------------------------------

    def _walk_blocks(self, tokens: list[Token], scan: ExampleScan) -> None:
        ranges = scan.ranges
        starts = [a for a, _ in ranges]
        admon_depth = 0
        in_heading = False
        for tok in tokens:
            if tok.type == "admonition_open":
                admon_depth += 1
                if tok.map is not None:
                    self._admonition(tok)
            elif tok.type == "admonition_close":
                admon_depth -= 1
            elif tok.type == "heading_open":
                in_heading = True
            elif tok.type == "heading_close":
                in_heading = False
            elif tok.type == "fence" and tok.map is not None:
                if fence_lang(tok) == INTERFACE_LANG:
                    k = self._index_at(self.line(tok.map[0]))
                    section = self.sections[k].section.id if k >= 0 else None
                    parse_interface_block(
                        tok.content, self.file, self.line(tok.map[0]) + 1, section, self.interface
                    )
            elif tok.type == "inline" and tok.map is not None:
                text = scan_inline(tok.content, self.file, self.line(tok.map[0]))
                self.refs.extend(r for _, r in text.refs)
                if in_heading:
                    continue
                self._statements(text)
                k = bisect.bisect_right(starts, tok.map[0]) - 1
                in_example = k >= 0 and tok.map[0] < ranges[k][1]
                owner = self._index_at(text.first_line)
                if not in_example and admon_depth == 0 and owner >= 0:
                    self.sections[owner].prose.append((text, 0, len(text.content)))
        self._section_bodies()

    def _statements(self, text: InlineText) -> None:
        k = self._index_at(text.first_line)
        owner = self.sections[k] if k >= 0 else None
        groups: dict[tuple[int, int], list[Tag]] = {}
        for tag in text.tags:
            groups.setdefault(text.sentence(tag.start), []).append(tag)
        for (start, end), tags in groups.items():
            if len(tags) > MAX_TAGS_PER_SENTENCE:
                raise SpecError(
                    f"one sentence holds {len(tags)} eval tags; specloom allows at most "
                    f"{MAX_TAGS_PER_SENTENCE} (each tag copies the sentence into a clause)",
                    file=self.file,
                    line=tags[MAX_TAGS_PER_SENTENCE].line,
                    hint="split the sentence, or tag fewer evals in it",
                )
            sentence = text.text(start, end)
            keywords = text.keywords(start, end)
            level = strongest_level(keywords, self.strict)
            title = short_title(sentence)
            refs = text.refs_between(start, end)
            for tag in tags:
                self.clauses.append(
                    Clause(
                        id=tag.id,
                        kind="statement",
                        title=title,
                        text=sentence,
                        level=level,
                        keywords=list(keywords),
                        authority=owner.authority if owner else None,
                        section=owner.section.id if owner else None,
                        refs=list(refs),
                        pos=SourcePos(file=self.file, line=tag.line),
                    )
                )

    def _admonition(self, tok: Token) -> None:
        assert tok.map is not None
        k = self._index_at(self.line(tok.map[0]))
        if k < 0:
            return
        body = _dedent(self.lines[tok.map[0] + 1 : tok.map[1]])
        self.sections[k].section.admonitions.append(
            Admonition(
                kind=str(tok.meta.get("tag", "note")),
                title=tok.content if '"' in tok.info else None,
                text=body,
                pos=SourcePos(file=self.file, line=self.line(tok.map[0])),
            )
        )

    def _section_bodies(self) -> None:
        if not self.sections:
            return
        ends = [s.heading_index for s in self.sections[1:]] + [len(self.lines)]
        for open_s, end in zip(self.sections, ends, strict=True):
            start = open_s.body_from
            while start < end and not self.lines[start].strip():
                start += 1
            stop = end
            while stop > start and not self.lines[stop - 1].strip():
                stop -= 1
            open_s.section.body = "\n".join(self.lines[start:stop])
            open_s.section.body_line = self.line(start) if start < stop else 0

    def _ordered_clauses(self) -> list[Clause]:
        """Section clauses and statements in source order."""
        out: list[Clause] = []
        for open_s in self.sections:
            s = open_s.section
            if not s.explicit_id:
                continue
            texts = [t.text(a, b) for t, a, b in open_s.prose]
            keywords = [kw for t, a, b in open_s.prose for kw in t.keywords(a, b)]
            refs = [r for t, a, b in open_s.prose for r in t.refs_between(a, b)]
            out.append(
                Clause(
                    id=s.id,
                    kind="section",
                    title=s.title,
                    text="\n\n".join(t for t in texts if t),
                    level=strongest_level(keywords, self.strict),
                    keywords=keywords,
                    authority=open_s.authority,
                    section=s.parent,
                    attrs=s.attrs,
                    refs=refs,
                    pos=s.pos,
                )
            )
        out.extend(self.clauses)
        out.sort(key=lambda c: c.pos.line)
        return out


def _dedent(lines: list[str]) -> str:
    return textwrap.dedent("\n".join(lines)).strip("\n")
