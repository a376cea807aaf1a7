"""Speakers: people to whom a release attributes words, with their titles and quotes.

Rules over sentences, not a model: a person phrase next to a speech verb (``said Assistant Attorney General
Jane Doe``, ``Doe added``, ``according to Doe``), a speech delivered, or a statement issued. Pronouns
(``she added``) go to the last speaker; a surname alone goes to the person of that surname named earlier in
the release. People only named, media contacts and boilerplate ("About …") are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.model import Speaker
from archive.people import same_person
from indexer.extract.dateline import is_capitals_place, unglued
from indexer.extract.names import (
    FIRST_NAME_STYLES,
    GIVEN_NAME_TITLES,
    HONORIFICS,
    SUFFIXES,
    bare,
    chinese_surnames,
    clean_name,
    is_name_token,
    is_title_token,
    pick_person,
    split_attribution,
    split_title_and_name,
)
from indexer.sources.base import Quote
from indexer.text import split_sentences

_VERBS = (
    r"said|says|added|adds|noted|notes|stated|states|explained|explains|emphasi[sz]ed|emphasi[sz]es|stressed|"
    r"remarked|commented|continued|concluded|observed|declared|testified|told|wrote|writes|urged|warned|"
    r"acknowledged|asserted|argued|insisted|highlighted|expressed|recalled|reflected|predicted|affirmed|"
    r"underscored|mentioned|replied|responded|pointed out|points out|shared|echoed|cautioned|reiterated|"
    r"announced that|believes|confirmed|discussed|discusses|spoke|speaks|talked|talks|informed|described|"
    r"describes|detailed|outlined|commented|stating|saying|adding|noting|explaining|asked|asks"
)
_TOKEN = r"(?:[A-Z][\w'\u2019./-]*|\b(?:de|da|del|van|von|der|la|le|bin|al|in|of|for|the)(?=\s+[A-Z]))"
# A member's party and state or district after the name ("Mitch McConnell (R-KY)", "Mike Quigley (IL-05)").
_PARTY = r"(?:\s+\((?:[DRI]-[A-Z][\w.]{1,12}|[A-Z]{2}(?:-(?:\d{1,2}|AL))?)\))"
_PERSON = rf"(?P<who>{_TOKEN}(?:\s+(?:and\s+)?{_TOKEN}){{0,12}}(?:,?\s+(?:Jr|Sr)\.?)?{_PARTY}?)"
_APPOS = r"(?:,\s*(?P<appos>[^,;:\"\u201c\u201d]{2,140}?),?)"
_OF = r"(?P<of>\s+(?:of|for|at|with)\s+(?:the\s+)?[A-Z][^,.;:\"\u201c\u201d]{2,100}?)?"
ADVERB = r"(?:\s+(?:also|further|then|later|previously|once|recently|again|has|had|have|publicly|today|yesterday))*"

PATTERNS = [
    # said Assistant Attorney General Jane Doe of the Civil Rights Division.
    re.compile(rf"\b(?:{_VERBS})\s+(?P<pre>(?:(?!that\b|the\b|in\b|on\b|at\b|to\b|and\b)[A-Za-z][\w'\u2019-]*\s+){{0,3}}?){_PERSON}{_OF}(?=\s*(?:[,.;:\"\u201d]|$|\s+(?:in|at|on|during|who|when|after|before|as)\b))"),
    # Jane Doe, director of X, said / Huang also emphasized
    re.compile(rf"{_PERSON}{_OF}{_APPOS}?{ADVERB}\s+(?:{_VERBS})\b"),
    # says Listen Co-Founder, Jane Doe.
    re.compile(rf"\b(?:{_VERBS})\s+(?P<role>[^,.;\"\u201c\u201d]{{2,80}}),\s+{_PERSON}(?=\s*(?:[,.;:]|$))"),
    # "…" - Rep. Mike Thompson (CA-5): a quote signed with a dash and a party or district.
    re.compile(rf"(?:^|\s)[-\u2013\u2014]{{1,2}}\s*{_PERSON}\s*(?=\((?:[DRI]-|[A-Z]{{2}}-\d|[A-Z]{{2}}-AL))"),
    re.compile(rf"\b[Aa]ccording to\s+{_PERSON}{_OF}(?=\s*[,.;:]|$)"),
    re.compile(rf"{_PERSON}{_APPOS}?{ADVERB}\s+(?:delivered|gave|made|presented)\s+(?:a|the|his|her)\s+(?:\w+\s+)?(?:speech|remarks|keynote|address|statement|testimony)"),
    re.compile(rf"{_PERSON}{_APPOS}?{ADVERB}\s+(?:issued|released|made|offered|gave|provided|delivered)\s+(?:the\s+following|this|a|the|these)\s+(?:\w+\s+)?(?:statement|remarks|comments?)"),
    # Jane Doe, professor of English, who said …
    re.compile(rf"{_PERSON}(?:,\s*(?P<appos>[^,;:\"\u201c\u201d]{{2,140}}?))?,\s+who\s+(?:\w+\s+)?(?:{_VERBS})\b"),
]
_VERB = re.compile(rf"\b(?:{_VERBS})\b")
_DELIVERED = re.compile(r"\b(?:delivered|gave|made|presented|issued|released|offered|provided)\b")
# Which words a sentence must hold for each pattern to have a chance: most sentences attribute nothing.
_TRIGGERS = [_VERB, _VERB, _VERB, re.compile(r"[-\u2013\u2014].*\("), re.compile(r"ccording to"), _DELIVERED,
             _DELIVERED, _VERB]
_PRONOUN_SPEECH = re.compile(rf"\b(?:he|she)\s+(?:also\s+|further\s+|then\s+)?(?:{_VERBS})\b|\b(?:{_VERBS})\s+(?:he|she)\b", re.I)
_QUOTE = re.compile(r"[\"\u201c]([^\"\u201c\u201d]{12,})[\"\u201d]")
_BOILERPLATE = re.compile(
    r"^(?:about\b|media contact|press contact|contact:|for more information|###|source:|forward-looking|safe harbor|"
    r"disclaimer|investor (?:relations|contact)|for further information|cautionary)",
    re.I,
)
_PLURAL = re.compile(r"(?:ees|ers|ors|ants|ents|ists|ians)$")  # "the Board of Trustees said": no surname
_DASHED = re.compile(r"(?<=\w)--(?=\w)")  # "SAN FRANCISCO--Francisco J. Hernandez has been appointed"
_NICKNAME = re.compile(r"(?<=[a-z])\s+\((?:[A-Z][a-z]+|\u201c[^\u201d]{1,20}\u201d|\"[^\"]{1,20}\")\)(?=\s+[A-Z])")


# Words that end a title's object, not start a name: a lone capitalised word after them is an organisation.
CONNECTORS = {"of", "for", "in", "from", "and", "at", "by", "with", "to", "on"}


@dataclass
class _Found:
    name: str
    title: str
    position: int
    quotes: list[str] = field(default_factory=list)


MAX_SENTENCE = 600  # characters an attribution pattern reads at once: longer runs are cut, so cost stays linear
MAX_TEXT = 100_000  # characters of a release read for speakers


def _bounded(sentence: str) -> list[str]:
    """A sentence of at most ``MAX_SENTENCE`` characters, or its pieces cut at clause ends or spaces."""
    pieces = []
    while len(sentence) > MAX_SENTENCE:
        cut = max(sentence.rfind("; ", 0, MAX_SENTENCE), sentence.rfind(", ", 0, MAX_SENTENCE), sentence.rfind(" ", 0, MAX_SENTENCE))
        cut = cut if cut > MAX_SENTENCE // 2 else MAX_SENTENCE
        pieces.append(sentence[:cut + 1].strip())
        sentence = sentence[cut + 1:]
    return pieces + [sentence]


def body_sentences(paragraphs: list[str]) -> list[str]:
    """The sentences of the release proper: "About …", contact and disclaimer paragraphs are left out."""
    sentences: list[str] = []
    skip_next = False
    budget = MAX_TEXT
    for paragraph in paragraphs:
        text = paragraph.strip()
        if _BOILERPLATE.match(text):
            skip_next = len(text.split()) <= 8
            continue
        if skip_next:
            skip_next = False
            continue
        budget -= len(text)
        if budget < 0:
            break
        text = _NICKNAME.sub("", _DASHED.sub(" \u2014 ", unglued(text)))
        sentences.extend(piece for sentence in split_sentences(text) for piece in _bounded(sentence))
    return sentences


def _people_named(sentences: list[str]) -> list[tuple[list[str], list[str]]]:
    """Every full-looking name in the text (title tokens, name tokens), speakers or not."""
    found = []
    for sentence in sentences:
        for m in re.finditer(rf"{_TOKEN}(?:\s+{_TOKEN})+", sentence):
            tokens = m.group(0).split()
            # After "and" or "of" the run may continue an office's name ("Energy, Mines and Resources Ranj
            # Pillai"): the connector goes in front, so that the name's start is judged in its context.
            before = re.search(r"(?:\band|\bof|\bfor|,)\s*$", sentence[: m.start()])
            context = [before.group(0).strip()] if before else []
            title, name = split_title_and_name(context + tokens)
            title = title[len(context):]
            if context == [","] and len(title) > 1 and _is_state(title[0]):
                title = title[1:]  # "Washington, DC Congresswoman Barbara Lee": the state ends the place
            if len(name) >= 2 and all(is_name_token(t) for t in name):
                found.append((title, name))
    return found


class _Resolver:
    """Maps a name phrase to one person of the release (full names win; surnames resolve to them)."""

    def __init__(self, named: list[tuple[list[str], list[str]]], sentences: list[str] = ()) -> None:  # type: ignore[assignment]
        # Words the release writes in lower case: a capitalised one of them is a word, not a surname.
        self.lower_words = {w for sentence in sentences for w in re.findall(r"\b[a-z][a-z'-]+\b", sentence)}
        self.by_surname: dict[str, list[str]] = {}
        self.titles: dict[str, str] = {}
        for title, name in named:
            full = clean_name(name)
            if title and any(is_title_token(t) for t in title) and full not in self.titles:
                self.titles[full] = " ".join(t for t in _after_dateline(title) if bare(t) not in HONORIFICS)
            for key in self._keys(name):
                bucket = self.by_surname.setdefault(key, [])
                # "Sean Carlson" and "Sean K. Carlson" are one person: keep the fuller form.
                same = next((i for i, other in enumerate(bucket) if same_person(other, full)), None)
                if same is None:
                    bucket.append(full)
                elif len(full) > len(bucket[same]):
                    bucket[same] = full

    @staticmethod
    def _keys(name: list[str]) -> list[str]:
        name = [t for t in name if bare(t) not in SUFFIXES] or name
        keys = [bare(name[-1])]
        if len(name) in (2, 3) and bare(name[0]) in chinese_surnames():
            keys.append(bare(name[0]))
        return keys

    def knows(self, surname: str, speakers: list[_Found]) -> bool:
        """Whether the release names a person of this surname (in full, or as a speaker so far)."""
        key = bare(surname)
        return key in self.by_surname or any(bare(s.name.replace(",", "").split()[-1]) == key for s in speakers)

    def resolve(self, name: list[str], titled: bool, speakers: list[_Found], style: str = "") -> str | None:
        """The person ``name`` means; ``style`` is the word before it ("Sir John" is John Boyd, not a Mr John)."""
        if len(name) == 1 and style in FIRST_NAME_STYLES:
            first = bare(name[0])
            known = [s.name for s in speakers] + [n for bucket in self.by_surname.values() for n in bucket]
            match = [n for n in dict.fromkeys(known) if len(n.split()) >= 2 and bare(n.split()[0]) == first]
            if len(match) == 1:
                return match[0]
        if len(name) >= 2:
            full = clean_name(name)
            for s in speakers:
                if same_person(s.name, full) and len(s.name) >= len(full):
                    return s.name
            # "… of Alabama Joyce White Vance" read as "White Vance": the release names her in full elsewhere.
            # Only a name a title vouches for: "Follow Barbara Lee on X" is no fuller name.
            fuller = [n for n in self.by_surname.get(bare(name[-1]), []) if n.endswith(" " + full) and n in self.titles]
            return fuller[0] if fuller else full
        surname = bare(name[0])
        for s in reversed(speakers):
            tokens = [bare(t) for t in s.name.replace(",", "").split()]
            if tokens and (tokens[-1] == surname or (tokens[0] == surname and surname in chinese_surnames())):
                return s.name
        candidates = self.by_surname.get(surname, [])
        # Several people of one surname ("Robert L. Burgdorf Jr." … "Bob Burgdorf Jr."): the first named.
        if candidates:
            return candidates[0]
        # "said Attorney General Ellison" with no full name anywhere: the surname alone, since the title vouches
        # for a person (the speaker facet then joins it to the person's full name found in other releases).
        word = name[0]
        surname_like = is_name_token(word) and not _PLURAL.search(word) and word.lower() not in self.lower_words
        return clean_name(name) if titled and surname_like else None


def extract_speakers(paragraphs: list[str], quotes: list[Quote] | tuple[Quote, ...] = ()) -> list[Speaker]:
    """The people a release quotes or paraphrases, in order of first statement, with titles and quotes.

    ``quotes`` are the quotations the layout attributes (``<blockquote>`` + ``<cite>``): their attribution
    line ("— Minister of Health Pauline Frost") stands in the body under the quotation.
    """
    sentences = body_sentences(paragraphs)
    if sentences:  # "WASHINGTON, DC Congresswoman Barbara Lee said": the dateline is no part of her title
        sentences[0] = _CAPITALS_DATELINE.sub("", sentences[0], count=1)
    resolver = _Resolver(_people_named(sentences), sentences)
    cited = {f"\u2014 {q.attribution}": q for q in quotes}
    speakers: list[_Found] = []
    last: _Found | None = None
    position = 0
    for sentence in sentences:
        position += 1
        if sentence in cited:
            last = _cited(cited[sentence], speakers, position) or last
            continue
        hits = _attributions(sentence)
        attributed = False
        for span, tokens, extra_title, after_office in hits:
            org_tail = False
            for part in _split_conjunction(tokens):
                if org_tail:
                    break  # "… for EPA's Office of Enforcement and Compliance Assurance": that "and" is the office's
                picked = pick_person(part)
                if picked is None:
                    continue
                title_tokens, name_tokens, after = picked
                org_tail = bool(after) and bare(after[0]) in {"of", "for", "at", "with"}
                if not name_tokens or len(name_tokens) > 5:
                    continue
                if re.match(r"(?:who|which|whose|whom)\b", extra_title):
                    extra_title = ""
                if after and bare(after[0]) in {"of", "for", "at", "with"}:
                    extra_title = ", ".join(filter(None, [" ".join(after), extra_title]))
                if (len(name_tokens) == 1 and title_tokens and bare(title_tokens[-1]) in GIVEN_NAME_TITLES
                        and not resolver.knows(name_tokens[0], speakers)):
                    # "Dean Heller": a title that is also a first name, before a surname the release gives
                    # no one else, is the first name.
                    title_tokens, name_tokens = title_tokens[:-1], [title_tokens[-1], *name_tokens]
                if len(name_tokens) == 1 and title_tokens and bare(title_tokens[-1]) in CONNECTORS:
                    continue  # "the President and CEO of Vuzix": the word ends an organisation's name
                if after_office and (not title_tokens or bare(title_tokens[-1]) in CONNECTORS
                                     or bare(name_tokens[-1]) in resolver.lower_words):
                    continue  # "… of the Committee on Homeland Security", "… at Harford County Public Schools"
                titled = bool(title_tokens) and any(is_title_token(t) for t in title_tokens)
                honorific = bool(title_tokens) and bare(title_tokens[-1]) in {"mr", "mrs", "ms", "dr", "miss", "prof"}
                style = bare(title_tokens[-1]) if title_tokens else ""
                resolved = resolver.resolve(name_tokens, titled or honorific, speakers, style)
                if not resolved:
                    continue
                title = " ".join(t for t in _after_dateline(title_tokens) if bare(t) not in HONORIFICS).strip()
                title = _clean_title(", ".join(filter(None, [title, extra_title.strip()])))
                current = next((s for s in speakers if s.name == resolved), None)
                if current is None:
                    current = _Found(resolved, title, position)
                    speakers.append(current)
                elif not current.title and title:
                    current.title = title
                _add_quote(current, sentence, span)
                last = current
                attributed = True
        if not attributed and last is not None and _PRONOUN_SPEECH.search(sentence):
            _add_quote(last, sentence)
    result = [Speaker(s.name, s.title or resolver.titles.get(s.name, ""), s.quotes[:5]) for s in speakers]
    return result


_STATE_CODE = r"(?:(?!U\.S\.)(?:[A-Z]\.){2}|[A-Z]{2})"  # "DC", "CA", "D.C." (not "U.S.")
_STATE = re.compile(rf"^{_STATE_CODE}$")
# A dateline set in capitals at the very start of a release: a city of five letters or more (acronyms are
# mostly shorter), maybe a second word, maybe a state ("DC", "D.C."; not "U.S."), then a comma, dash or space.
_CAPITALS_DATELINE = re.compile(
    rf"^\(?[A-Z][A-Z'\u2019-]{{4,}}(?:\s[A-Z][A-Z'\u2019-]{{2,}})?(?:,?\s+{_STATE_CODE})?"
    r"\)?(?:\s*[,\u2013\u2014:]+\s*|\s+-+\s*|--\s*|\s+)(?=\S)")


def _cited(quote: Quote, speakers: list[_Found], position: int) -> _Found | None:
    """The speaker of a quotation the layout attributes; title and name split from the attribution line."""
    name, title = split_attribution(quote.attribution)
    if not name:
        return None
    current = next((s for s in speakers if same_person(s.name, name)), None)
    if current is None:
        current = _Found(name, title, position)
        speakers.append(current)
    elif not current.title:
        current.title = title
    if quote.text not in current.quotes:
        current.quotes.append(quote.text)
    return current


def _attributions(sentence: str) -> list[tuple[tuple[int, int], list[str], str, bool]]:
    """Who each attribution of the sentence names: (span, title and name tokens, more title, whether the name
    was read after the office the title names)."""
    hits: list[tuple[int, int, list[str], str, bool]] = []
    for trigger, pattern in zip(_TRIGGERS, PATTERNS, strict=True):
        if not trigger.search(sentence):
            continue
        for m in pattern.finditer(sentence):
            tokens = [_tidy(t) for t in m.group("who").split()]
            # Drop a sentence-initial word that is not part of the name ("Today Jane Doe said" is rare;
            # "The" / "In" are common) and quote-adjacent punctuation.
            while tokens and bare(tokens[0]) in {"the", "in", "on", "but", "and", "as", "while", "when", "today", "also"}:
                tokens.pop(0)
            groups = m.groupdict()
            if not tokens and not groups.get("appos"):
                continue  # ("Today, U.S. Representative Mike Quigley issued …": the name is in the apposition)
            extra = ""
            after_office = False
            appos = groups.get("appos") or ""
            if appos and ((not _has_full_name(tokens) and _has_full_name(appos.split()))
                          or (_styled_name(appos.split()) and not _styled_name(tokens))):
                # "Minister of State for the Arts, Baroness Blackstone said": the name is in the apposition, and
                # what stood before it is the title if it holds a title word ("Washington, D.C. Today, …": not).
                before = " ".join(tokens) if any(is_title_token(t) for t in tokens) else ""
                moved = [_tidy(t) for t in groups["appos"].split()]
                if not before and len(moved) > 2 and _is_state(moved[0]):
                    moved = moved[1:]  # "Washington, DC Congresswoman Barbara Lee": the state ends the place
                tokens, groups = moved, {**groups, "appos": before}
            if groups.get("appos") and re.match(r"(?:he|she|they|it|we|i)\b", groups["appos"].strip(), re.I):
                continue  # "… in San Francisco, he had worked … and said": a clause, not an apposition
            if groups.get("appos"):
                extra = groups["appos"]
            if groups.get("role"):
                if not any(is_title_token(t) for t in groups["role"].split()):
                    continue
                extra = groups["role"]
            if groups.get("pre") and groups["pre"].strip():
                tokens = groups["pre"].split() + tokens  # "said UCSC veterinarian Dave Casper"
            if groups.get("of"):
                office = [_tidy(t) for t in groups["of"].split()]
                joined = tokens + office
                picked = pick_person(joined)
                # Only an office's name: capitalised words, "(ACNM)", "of", "the", "and"… and at most one other
                # word ("of Connecticut alumnus"); "of Justice is committed to enforcing the …" is a clause.
                lower = [t for t in office if not t.lstrip("(")[:1].isupper() and t not in CONNECTORS and t != "the"]
                named = len(lower) <= 1
                if named and not _has_full_name(tokens) and picked and len(picked[1]) >= 2 and not picked[2]:
                    tokens, after_office = joined, True  # "said Assistant Attorney General for the … Division Jane Roe"
                else:
                    extra = (extra + " " + groups["of"].strip()).strip()
            if not extra:
                extra = _trailing_title(sentence[m.end():])
                if extra and not _has_full_name(tokens) and _bare_full_name(extra.split()):
                    # "said HR.com's CEO and Chief Instigator, Debbie McGrath.": the name follows the role.
                    tokens, extra = [_tidy(t) for t in extra.split()], " ".join(tokens)
            hits.append((m.start(), m.end(), tokens, extra, after_office))
    hits.sort(key=lambda h: h[0])
    return [((start, end), tokens, extra, office) for start, end, tokens, extra, office in hits]


_TRAILING_TITLE = re.compile(r",\s*((?:the\s+|an?\s+)?[A-Z][^.;\"\u201c\u201d]{1,120}?)\s*(?:[.;]\s*$|[.;]\s|$)")


def _clean_title(title: str) -> str:
    """A title without the articles and stray commas that joining its pieces leaves ("the, Cyber Safety")."""
    parts = [re.sub(r"^(?:the|a|an)\b\s*|\s*\b(?:the|a|an)$", "", p.strip(), flags=re.I) for p in title.split(",")]
    return ", ".join(p for p in parts if p and _reads_as_title(p))


_TIME_WORDS = {"today", "tonight", "yesterday", "earlier", "recently"}  # "Tonight Attorney General …"
_PERSONAL = {"we", "our", "my", "you", "your", "us"}  # as written: "US" and "World War I" are no pronouns


def _reads_as_title(part: str) -> bool:
    """Whether a piece of an apposition can be a title: a clause of the quote that slipped in ("I am pleased to see
    that …", "power and resources of large media companies have grown over the last twenty years") cannot."""
    words = part.split()
    if any(w.strip(".,;:'\u2019") in _PERSONAL for w in words) or re.search(r"\bI\s+[a-z]", part):
        return False
    if words and words[0].lower() in _CLAUSE_OPENERS:
        return False  # "…, Despite being an Imam, …", "…, joined by Mayor Mike Spano": what they did, not who
    clause = (bool(words) and words[0][:1].islower() and len(words) > 8
              and any(w.strip(".,;:") in _CLAUSE_WORDS for w in words))
    return not clause or any(is_title_token(w) for w in words)


# Words that open a clause or a circumstance, never a title.
_CLAUSE_OPENERS = {"when", "despite", "although", "though", "because", "while", "after", "before", "since", "if",
                   "unless", "joined", "along", "accompanied", "together", "alongside", "but", "who",
                   "which", "where", "effort"} | _TIME_WORDS
# Words a clause has and a title does not.
_CLAUSE_WORDS = {"is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "should", "that",
                 "which", "because"}


def _styled_name(tokens: list[str]) -> bool:
    """A name with a title or honorific before it ("the Hon Paul Fletcher MP"): surely a person."""
    picked = pick_person([_tidy(t) for t in tokens])
    return bool(picked and picked[0] and len(picked[1]) >= 2 and is_title_token(picked[0][-1]))


def _has_full_name(tokens: list[str]) -> bool:
    picked = [pick_person(part) for part in _split_conjunction(tokens)]
    return any(p and (len(p[1]) >= 2 or (p[0] and bare(p[0][-1]) in FIRST_NAME_STYLES | {"baroness", "baron"}))
               for p in picked)


_DATELINE_END = re.compile(r"[\u2013\u2014)]|--|(?<!\w)-(?!\w)")


def _after_dateline(tokens: list[str]) -> list[str]:
    """Title words without a dateline glued before them: what follows the last dash or closing parenthesis
    ("WASHINGTON, DC – Congresswoman Barbara Lee"), when a title word is there; else without a leading place
    that reads as a dateline (see ``_dateline_words``) or a word of time ("Tonight Attorney General …")."""
    text = " ".join(tokens)
    ends = list(_DATELINE_END.finditer(text))
    if ends:
        after = text[ends[-1].end():].split()
        if any(is_title_token(t) for t in after):
            return after
    while tokens and bare(tokens[0]) in _TIME_WORDS:
        tokens = tokens[1:]
    return tokens[_dateline_words(tokens):]


# Two capitals are a state only when they are one ("Cloud DX CEO" is a company's name).
_POSTAL = set("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
              "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI".split())


def _is_state(token: str) -> bool:
    return bool(_STATE.match(token)) and ("." in token or token in _POSTAL)


def _dateline_words(tokens: list[str]) -> int:
    """How many leading words are a dateline that lost its punctuation: a place set in capitals and what precedes
    it ("WASHINGTON Senator", "… Pipeline Review WASHINGTON Senator", "MINOT, N.D. Senators"), a place with its
    state ("Washington D.C. Congresswoman"), or a state before "U.S." ("D.C. U.S. Senator"). A lone place in
    ordinary case qualifies a title ("Oakland Mayor", "Washington Attorney General") and stays."""
    first_title = next((i for i, t in enumerate(tokens) if is_title_token(t)), 0)
    place = [t.rstrip(",") for t in tokens[:first_title]]
    if place and place[-1] == "U.S.":
        place = place[:-1]
    if not place:
        return 0
    # A place in capitals (and its state) ends a dateline, whatever precedes it (a headline glued on). An acronym
    # reads the same ("NHTSA Administrator", "FINTRX CEO"): only a long word, or one with its state, is a place.
    for i in range(len(place) - 1, -1, -1):
        with_state = i + 1 < len(place) and _is_state(place[i + 1])
        if is_capitals_place(place[i]) or (with_state and place[i].isalpha() and place[i].isupper()):
            return i + 1 + with_state
    state_last = _is_state(place[-1])
    after_us = first_title > len(place) and state_last
    if len(place) <= 3 and state_last and (len(place) >= 2 or after_us):
        return len(place)
    return 0


def _bare_full_name(tokens: list[str]) -> bool:
    """"Debbie McGrath": two to four name words and nothing else."""
    tokens = [_tidy(t) for t in tokens]
    return 2 <= len(tokens) <= 4 and all(is_name_token(t) for t in tokens) and not _INITIAL_ONLY.match(tokens[-1])


_INITIAL_ONLY = re.compile(r"^(?:[A-Z]\.)+$")


def _trailing_title(rest: str) -> str:
    """``…, said Jane Doe, General Manager of the district.``: the appositive after the name."""
    m = _TRAILING_TITLE.match(rest)
    return m.group(1).strip() if m else ""


def _tidy(token: str) -> str:
    """Drop sentence punctuation glued to a word, keeping the period of an initial ("E.")."""
    token = token.strip("\"\u201c\u201d")
    if token.endswith(".") and len(token.rstrip(".")) > 1 and not re.fullmatch(r"(?:[A-Z]\.)+", token):
        token = token.rstrip(".")
    return token


def _split_conjunction(tokens: list[str]) -> list[list[str]]:
    """"Jane Doe and John Roe" as two people; an "and" inside a title ("Minister of Energy, Mines and
    Resources Ranj Pillai") joins no one, so the phrase stays whole when what precedes "and" is no name."""
    parts: list[list[str]] = [[]]
    for token in tokens:
        if token.lower() == "and" and parts[-1]:
            parts.append([])
        else:
            parts[-1].append(token.rstrip(","))
    parts = [p for p in parts if p]
    merged = [parts[0]] if parts else []
    for part in parts[1:]:
        before = pick_person(merged[-1])
        if before is None or (len(before[1]) < 2 and not before[0]):
            merged[-1] = merged[-1] + ["and"] + part
        else:
            merged.append(part)
    return merged


def _add_quote(speaker: _Found, sentence: str, span: tuple[int, int] | None = None) -> None:
    """What the speaker said: the quoted words, or — in copy without quote marks — the sentence without its
    attribution clause ("…, said Attorney General Jane Doe." keeps only "…")."""
    quoted = _QUOTE.findall(sentence)
    text = " ".join(q.strip() for q in quoted) if quoted else _without_attribution(sentence, span)
    if text and text not in speaker.quotes:
        speaker.quotes.append(text)


def _without_attribution(sentence: str, span: tuple[int, int] | None) -> str:
    if span is None:
        return sentence
    start, end = span
    before, after = sentence[:start].rstrip(" ,;:\u2014-"), sentence[end:].lstrip(" ,;:")
    if len(before) >= 20 and len(after) < 15 + len(before) // 4:
        return before.rstrip(" ,") + ("" if before.endswith((".", "!", "?")) else ".")
    if len(after) >= 20 and len(before) < 20:
        after = re.sub(r"^(?:that|, that)\s+", "", after)
        return after[:1].upper() + after[1:]
    return sentence
