"""The deterministic template script builder: intro, one segment per major section, recap, outro."""

from __future__ import annotations

import re

from specloom.model import Clause, Example, Section, Spec

from .config import PodcastConfig
from .script import MAX_LINE_CHARS, MUST_LEVELS, WALKED_LEVELS, Episode, Host, Line, Segment
from .speech import first_sentences, plural, prose_lines, speakable, spoken_id
from .spoken import normative_text

A, B = "a", "b"
"""Host ids: A explains, B asks the newcomer's questions."""

_OPENERS = [
    "Okay, next up: {t}. What is that about?",
    "What does the part called {t} cover?",
    "Let's move on to {t}. Where do we start?",
    "And {t}? What should a newcomer know?",
]
_WHY = [
    (
        "Why does that matter?",
        "Because it is a must: an implementation that breaks it does "
        "not conform, and the checks say so.",
    ),
    (
        "What happens if someone gets that wrong?",
        "Then the implementation does not conform. This one is not negotiable.",
    ),
    (
        "Is that a hard rule?",
        "Yes. It is a must, not a recommendation, so there is no exception to argue about.",
    ),
]
_EXAMPLE_ASK = [
    "Can you give me an example?",
    "What does that look like in practice?",
    "Is there a concrete case?",
]
FALLBACK_DATE = "1970-01-01"
"""The episode date when neither the spec nor the config gives one (never the build time)."""
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


def major_sections(spec: Spec) -> list[Section]:
    """The sections that become segments: the shallowest heading depth with two or more."""
    depths = sorted({s.depth for s in spec.sections})
    for d in depths:
        at = [s for s in spec.sections if s.depth == d]
        if len(at) >= 2:
            return at
    return [s for s in spec.sections if s.depth == depths[0]] if depths else []


def segment_clauses(spec: Spec) -> dict[str | None, set[str]]:
    """Major section id (None: the intro) -> the clause ids its segment must carry, exactly.

    A major section's own clause and every clause under it (walked, summarised or listed);
    the clauses above every major section go to the intro. From the IR alone (gate POD014).
    """
    majors = {s.id for s in major_sections(spec)}
    parents = section_parents(spec)
    out: dict[str | None, set[str]] = {None: set(), **{m: set() for m in majors}}
    for c in spec.clauses:
        key = c.id if c.id in majors else _owner(parents, c, majors)
        out.setdefault(key, set()).add(c.id)
    return out


def section_parents(spec: Spec) -> dict[str, str | None]:
    """Section id -> its parent's id (the last section of an id wins, as everywhere)."""
    return {s.id: s.parent for s in spec.sections}


def _owner(parents: dict[str, str | None], clause: Clause, majors: set[str]) -> str | None:
    """The major section a clause belongs to (walking section parents), None above them."""
    cur: str | None = clause.id if clause.kind == "section" else clause.section
    seen: set[str] = set()
    while cur is not None and cur not in seen:
        if cur in majors:
            return cur
        seen.add(cur)
        cur = parents.get(cur)
    return None


def episode_date(spec: Spec, config: PodcastConfig) -> str:
    """Front matter `date`, else the config `date`, else 1970-01-01 (never the build time)."""
    for value in (spec.meta.get("date"), config.date):
        if value is not None and _DATE.match(str(value)):
            return str(value)[:10]
    return FALLBACK_DATE


def episode_number(spec: Spec, order: list[str]) -> int:
    """Front matter `episode`, else the spec's place in the workspace order (1-based)."""
    value = spec.meta.get("episode")
    if isinstance(value, int) and value >= 1:
        return value
    return order.index(spec.id) + 1 if spec.id in order else 1


class ScriptBuilder:
    """Builds an Episode from one spec; every choice is a function of the IR and the config."""

    def __init__(self, spec: Spec, config: PodcastConfig, order: list[str]) -> None:
        self.spec = spec
        self.config = config
        self.order = order
        self.titles = {s.id: s.title for s in spec.sections} | {c.id: c.title for c in spec.clauses}
        self.examples: dict[str, Example] = {}
        for ex in spec.examples:
            if ex.clause is not None:
                self.examples.setdefault(ex.clause, ex)
        self.others: dict[str | None, list[Clause]] = {}
        """Major section id (None: above them) -> its MAY and keyword-less clauses."""
        self.realised_by: dict[str, list[str]] = {}
        """Clause id -> names of the interface items that name it (`clauses: [...]`)."""
        for item in spec.interface_items():
            for cid in item.clauses:
                self.realised_by.setdefault(cid, []).append(item.name)
        self.place = _places(spec.clauses)
        """id(clause) -> `spec.clauses.index(clause)`, computed once (the index scan compares
        pydantic models field by field: quadratic in the clauses of a section)."""
        self.by_id: dict[str, Clause] = {}
        """Clause id -> the first clause of that id (what `spec.clause` answers)."""
        for c in spec.clauses:
            self.by_id.setdefault(c.id, c)
        self.with_statements = {c.section for c in spec.clauses if c.kind != "section"}
        """Ids of the sections that hold a tagged sentence (a statement clause)."""
        self.spoken: dict[str, str] = {}
        """Markdown -> `speakable(markdown, self._resolve)`: most clause texts are said twice
        (to rank them, then to say them), and speakable runs about twenty substitutions."""

    def say(self, text: str, md: bool = False, max_words: int | None = None) -> str:
        """Text as spoken: Markdown removed, cut to whole sentences."""
        plain = text
        if md:
            plain = self.spoken.get(text) or self.spoken.setdefault(
                text, speakable(text, self._resolve)
            )
        return first_sentences(plain, max_words) if max_words else plain

    def about(self, body: str) -> str:
        """A section's framing prose: its sentences that are not tagged clauses (walked later)."""
        prose = prose_lines(body)
        kept = [x for x in _SENTENCE_END.split(prose) if "[^" not in x]
        return self.say(" ".join(kept), md=True, max_words=self.config.max_sentence_words)

    def _resolve(self, anchor: str) -> str:
        return speakable(self.titles.get(anchor, spoken_id(anchor)), prose=False)

    def build(self) -> Episode:
        """The whole episode."""
        majors = major_sections(self.spec)
        major_ids = {s.id for s in majors}
        parents = section_parents(self.spec)
        owned: dict[str | None, list[Clause]] = {}
        self.others.clear()
        for c in self.spec.clauses:
            if c.id in major_ids:
                continue  # a major section's own clause is named by its segment's summary line
            bucket = owned if c.level in WALKED_LEVELS else self.others
            bucket.setdefault(_owner(parents, c, major_ids), []).append(c)
        segments = [self.intro(majors, owned.get(None, []))]
        segments += [self.section(n, s, owned.get(s.id, [])) for n, s in enumerate(majors)]
        segments += [self.recap(majors, owned), self.outro()]
        return Episode(
            spec=self.spec.id,
            title=self.spec.title,
            show=self.config.show,
            number=episode_number(self.spec, self.order),
            date=episode_date(self.spec, self.config),
            version=self.spec.version,
            hosts=[
                Host(id=A, name=self.config.host_a, role="explainer"),
                Host(id=B, name=self.config.host_b, role="newcomer"),
            ],
            segments=segments,
        )

    def intro(self, majors: list[Section], preamble: list[Clause]) -> Segment:
        """Welcome, what the spec is, what the episode will walk through."""
        spec, cfg = self.spec, self.config
        version = f", version {spec.version}" if spec.version else ""
        lines = [
            Line(
                speaker=A,
                text=f"Welcome to {cfg.show}. I'm {cfg.host_a}, and today we walk "
                f"through the spec {self.say(spec.title, md=True)}{version}.",
            ),
            Line(
                speaker=B,
                text=f"And I'm {cfg.host_b}. I have never read it, so I'll ask the "
                "obvious questions. What is it about?",
            ),
        ]
        major_ids = {s.id for s in majors}
        top = next(
            (s for s in self.spec.sections if s.id not in major_ids and self.about(s.body)), None
        )
        about = self.about(top.body) if top else ""
        plan = ", ".join(self.say(s.title, md=True) for s in majors[:12])
        more = f", and {len(majors) - 12} more" if len(majors) > 12 else ""
        walk = (
            f"We'll go through {plural(len(majors), 'part')}: {plan}{more}."
            if majors
            else "It has no sections, so we take its rules in one go."
        )
        lines.append(
            Line(
                speaker=A,
                text=(about + " " if about else "") + walk,
                clauses=[c.id for c in self.others.get(None, [])],
            )
        )
        if preamble:
            lines += self._walk(preamble, 0)
        return Segment(id="intro", title="Introduction", kind="intro", lines=lines)

    def section(self, n: int, section: Section, clauses: list[Clause]) -> Segment:
        """One major section: what it is, its strongest clauses one by one, the rest by id."""
        title = self.say(section.title, md=True)
        lines = [Line(speaker=B, text=_OPENERS[n % len(_OPENERS)].format(t=title))]
        about = self.about(section.body)
        musts = sum(1 for c in clauses if c.level in MUST_LEVELS)
        shoulds = len(clauses) - musts
        others = self.others.get(section.id, [])
        count = (
            f"It has {plural(musts, 'hard rule')} and {plural(shoulds, 'recommendation')}"
            if clauses
            else "It sets the scene, with no hard rules of its own"
        )
        if others:
            count += f", plus {plural(len(others), 'optional or descriptive clause')}"
        own_clause = self.by_id.get(section.id)
        own = [section.id] if own_clause else []
        said = ""
        # a hard rule written as the section's prose, with no tagged sentence of its own
        if (
            own_clause is not None
            and own_clause.level in MUST_LEVELS
            and section.id not in self.with_statements
        ):
            said = " " + self.clause_text(own_clause)
        lines.append(
            Line(
                speaker=A,
                text=f"{about} {count}.{said}".strip(),
                clauses=own + [c.id for c in others],
            )
        )
        lines += self._walk(clauses, n)
        return Segment(
            id=f"s-{section.id}", title=title, kind="section", section=section.id, lines=lines
        )

    def _walk(self, clauses: list[Clause], n: int) -> list[Line]:
        """Detail lines for the first few clauses (MUSTs first), one summary line for the rest."""
        cfg = self.config
        # MUSTs first; a clause whose sentence was already picked (several eval tags on one
        # sentence, as in the Model Spec) goes last, so the detailed ones differ
        seen: set[str] = set()
        firsts: list[Clause] = []
        repeats: list[Clause] = []
        for c in sorted(clauses, key=lambda c: (c.level not in MUST_LEVELS, self._index(c))):
            key = self.say(c.text, md=True, max_words=cfg.max_sentence_words)
            (repeats if key in seen else firsts).append(c)
            seen.add(key)
        ranked = firsts + repeats
        detail = sorted(ranked[: cfg.max_detail_clauses], key=self._index)
        picked = {c.id for c in detail}
        rest = [c for c in clauses if c.id not in picked or not _among(c, detail)]
        lines: list[Line] = []
        for k, c in enumerate(detail):
            strength = "a hard rule" if c.level in MUST_LEVELS else "a recommendation"
            body = self.clause_text(c)
            if not body:
                body = self.say(c.title, md=True)
            if c.kind == "section":
                body = f"Under {self.say(c.title, md=True)}: {body}"
            lead = "First" if k == 0 else ("Next" if k < len(detail) - 1 else "And finally")
            lines.append(Line(speaker=A, text=f"{lead}, {strength}. {body}", clauses=[c.id]))
            example = self.examples.get(c.id)
            if example is not None:
                lines.append(Line(speaker=B, text=_EXAMPLE_ASK[(n + k) % len(_EXAMPLE_ASK)]))
                lines.append(Line(speaker=A, text=self.describe(example), clauses=[c.id]))
                lines += [
                    Line(speaker=A, text=t, clauses=[c.id]) for t in self.steps_spoken(example)
                ]
            elif c.level in MUST_LEVELS:
                ask, answer = _WHY[(n + k) % len(_WHY)]
                names = self.realised_by.get(c.id, [])
                if names:
                    shown = ", ".join(spoken_id(x) for x in names[:3])
                    answer += f" In the interface it is carried by {shown}."
                lines.append(Line(speaker=B, text=ask))
                lines.append(
                    Line(
                        speaker=A,
                        text=answer,
                        clauses=[c.id],
                    )
                )
        if rest:
            lines += self._rest(rest)
        return lines

    def _index(self, clause: Clause) -> int:
        """`spec.clauses.index(clause)`: the place of the first clause equal to it."""
        at = self.place.get(id(clause))
        return at if at is not None else self.spec.clauses.index(clause)

    def _rest(self, rest: list[Clause]) -> list[Line]:
        """The clauses after the detailed ones: a long section is summarised, but every hard
        rule in it is still said, and the first `max_spoken_recommendations` SHOULDs; the
        other recommendations are counted and listed by id in the show notes."""
        musts = [c for c in rest if c.level in MUST_LEVELS]
        others = [c for c in rest if c.level not in MUST_LEVELS]
        said = others[: self.config.max_spoken_recommendations]
        listed = others[len(said) :]
        lines = [Line(speaker=B, text="Is that everything in this part?")]
        lead = "Not quite."
        if musts:
            n = _capitalise(plural(len(musts), "more hard rule"))
            verb = "follows" if len(musts) == 1 else "follow"
            lines.append(Line(speaker=A, text=f"{lead} {n} {verb}, quickly."))
            lines += [Line(speaker=A, text=self.clause_text(c), clauses=[c.id]) for c in musts]
            lead = "And"
        if said:
            n = plural(len(said), "recommendation")
            n = _capitalise(n) if lead.endswith(".") else n
            lines.append(Line(speaker=A, text=f"{lead} {n}:"))
            lines += [Line(speaker=A, text=self.clause_text(c), clauses=[c.id]) for c in said]
            lead = "And"
        if listed:
            n = plural(len(listed), "more recommendation" if said else "recommendation")
            there = "there is" if len(listed) == 1 else "there are"
            lines.append(
                Line(
                    speaker=A,
                    text=f"{lead} {there} {n}; the show notes list them by id.",
                    clauses=[c.id for c in listed],
                )
            )
        return lines

    def clause_text(self, clause: Clause) -> str:
        """A clause as spoken: a hard rule in full (its words are checked), others cut short."""
        if clause.level in MUST_LEVELS:
            words = max(self.config.max_sentence_words, MAX_LINE_CHARS // 8)
            # a section clause's text is its whole section: say what it obliges
            return self.say(normative_text(clause), md=True, max_words=words)
        return self.say(clause.text, md=True, max_words=self.config.max_sentence_words)

    def steps_spoken(self, example: Example) -> list[str]:
        """A stateful example's `given` steps, in order, then its own call (gate POD016):
        one sentence a step, grouped into lines well under the line limit."""
        st = example.structured
        if st is None or not st.given:
            return []
        said: list[str] = []
        for k, step in enumerate(st.given):
            text = f"{'On a fresh service it first calls' if k == 0 else 'Then'} "
            text += spoken_id(step.call)
            if step.expect_error:
                text += f", which fails with {spoken_id(step.expect_error)}"
            if step.as_:
                text += f", kept as {spoken_id(step.as_)}"
            said.append(text + ".")
        outcome = f"fails with {spoken_id(st.expect_error)}" if st.expect_error else "succeeds"
        said.append(f"Last, {spoken_id(st.call)} {outcome}.")
        lines: list[str] = []
        for sentence in said:
            if lines and len(lines[-1]) + len(sentence) < MAX_LINE_CHARS // 2:
                lines[-1] += " " + sentence
            else:
                lines.append(sentence)
        return lines

    def describe(self, example: Example) -> str:
        """One spoken line for an example: its title and what it shows."""
        text = f"Here is one: {self.say(example.title, md=True).rstrip('.')}."
        if example.structured is not None and example.structured.given:
            pass  # its steps and its outcome follow, in steps_spoken
        elif example.structured is not None:
            st = example.structured
            call = spoken_id(st.call)
            if st.expect_error:
                text += f" Calling {call} fails with the error {st.expect_error}."
            else:
                text += f" Calling {call} succeeds and returns the expected value."
        elif example.transcript is not None:
            notes = [
                f"a {m.verdict.lower()} answer: {self.say(m.note, md=True)}"
                for m in example.transcript.messages
                if m.verdict and m.note
            ]
            if notes:
                text += " " + first_sentences(
                    _capitalise("; ".join(notes)) + ".", self.config.max_sentence_words
                )
        return text

    def recap(self, majors: list[Section], owned: dict[str | None, list[Clause]]) -> Segment:
        """The parts again, with their rule counts."""
        musts = [c for c in self.spec.clauses if c.level in MUST_LEVELS]
        shoulds = [c for c in self.spec.clauses if c.level in WALKED_LEVELS - MUST_LEVELS]
        parts = "; ".join(
            f"{self.say(s.title, md=True)}, {plural(len(owned.get(s.id, [])), 'clause')}"
            for s in majors[:12]
        )
        return Segment(
            id="recap",
            title="Recap",
            kind="recap",
            lines=[
                Line(speaker=B, text="Can you sum it all up for me?"),
                Line(
                    speaker=A,
                    text=f"Sure. {self.say(self.spec.title, md=True)} has "
                    f"{plural(len(musts), 'hard rule')} and "
                    f"{plural(len(shoulds), 'recommendation')}. By part: {parts}.",
                ),
                Line(
                    speaker=B,
                    text="So the hard rules are what every implementation is checked "
                    "against, and the recommendations are strong advice.",
                ),
                Line(speaker=A, text="Exactly."),
            ],
        )

    def outro(self) -> Segment:
        """Goodbye, and where the full text is."""
        version = f" version {self.spec.version}" if self.spec.version else ""
        return Segment(
            id="outro",
            title="Outro",
            kind="outro",
            lines=[
                Line(
                    speaker=A,
                    text=f"That was {self.say(self.spec.title, md=True)}{version}. "
                    "The spec itself has every clause with its id, and the show notes link them.",
                ),
                Line(speaker=B, text=f"Thanks, {self.config.host_a}. See you next time."),
            ],
        )


def build_episode(spec: Spec, config: PodcastConfig, order: list[str]) -> Episode:
    """The template backend: a deterministic episode for one spec."""
    return ScriptBuilder(spec, config, order).build()


def _places(clauses: list[Clause]) -> dict[int, int]:
    """id(c) -> the index of the first clause equal to c, for each c of `clauses` (what
    `clauses.index(c)` returns: equal clauses share their id, so only those are compared)."""
    first: dict[str, list[int]] = {}
    out: dict[int, int] = {}
    for k, c in enumerate(clauses):
        same = first.setdefault(c.id, [])
        out[id(c)] = next((j for j in same if clauses[j] == c), k)
        same.append(k)
    return out


def _among(clause: Clause, clauses: list[Clause]) -> bool:
    """`clause in clauses`, comparing ids before whole models (equal clauses share an id)."""
    return any(c is clause or (c.id == clause.id and c == clause) for c in clauses)


def _capitalise(text: str) -> str:
    """First letter upper case, the rest as written (str.capitalize lowercases it)."""
    return text[:1].upper() + text[1:]
