"""A follow-up ("那新田县呢？", "那辖区面积呢？", "它有多少名党员？") read in the light of the
question before it. Only an elliptic question is completed; one that says what it asks
about is read alone, whatever came before it."""

from __future__ import annotations

import re

from index.answers import answering
from index.chars import HAN
from index.normalize import normalize

# "那新田县呢？", "新田县呢", "还有辖区面积呢？", "那么桂阳县的呢": a new entity or attribute.
_WHAT_ABOUT = re.compile(r"^(?:那么?|还有|另外)?(.{1,15}?)的?(?:呢|又如何|怎么样|情况如何)[？?。!！]*$")
# "那新田县？", "那辖区面积": 那 and a phrase with no question word.
_THAT_ONE = re.compile(r"^那么?(.{1,15}?)[？?。!！]*$")
# "那辖区面积有多大？", "它有多少名党员？", "这个社区的书记是谁？": a question about the
# same subject, the subject left out or said by a pronoun.
_PRONOUN = re.compile(r"^(?:那么|那里|那儿|这里|这儿|它们|它|这个|那个|该|那)")
# Where a question's subject ends: what it says of the subject starts with one of these.
_PREDICATE = re.compile(r"的|有|是|在|叫|共|为|新|已|获|近|去年|今年")
_PLACE_PREFIX = re.compile(rf"[{HAN}]{{2,6}}?(?:{answering.PLACE_SUFFIX})")
_ORGANISATION = re.compile(r"(?:公司|医院|学校|大学|系统|单位|协会|支部|委员会|中心|血站|小区|部门|工委|党委)$")


def follow_up(question: str, previous: str) -> str:
    """The question as if said whole: "那新田县呢？" after "雨花区有多少红色之家？" ->
    "新田县有多少红色之家？"; "那辖区面积呢？" -> "雨花区辖区面积是多少？"; a question
    that is not elliptic comes back as it is."""
    q = question.strip()
    said = _what_about(q)
    if said is not None:
        if not said:  # "为什么呢？": a question of its own
            return question
        return _new_entity(said, previous) if _is_entity(said) else _new_attribute(said, previous)
    pronoun = _PRONOUN.match(q)
    if pronoun and _asks(q):
        rest = q[pronoun.end() :]
        if _names_something(rest):  # "那桂阳县有多少人献血？": says what it asks about
            return question
        subject = _subject(previous)
        return _about(subject, rest) if subject else question
    return question


def new_entity(question: str, previous: str) -> str | None:
    """The place, name or organisation a follow-up asks about instead of the previous
    question's ("高塘岭社区" of "那高塘岭社区呢？"), or None. An answer to the follow-up must
    come from a passage that names it: the jieba cuts of some names ("高", "塘", "岭") are
    no name to the ranking, which would answer of the previous subject again."""
    said = _what_about(question.strip())
    return said if said and _is_entity(said) else None


def _what_about(q: str) -> str | None:
    """What a "那…呢？" follow-up names ("" when that asks something by itself: "为什么呢？"),
    or None when the question is not of that form."""
    m = _WHAT_ABOUT.match(q) or (None if _asks(q) else _THAT_ONE.match(q))
    if not m:
        return None
    said = m.group(1).strip()
    return "" if _asks(said) else said


def _asks(text: str) -> bool:
    """Does the text ask something by itself (a question word, 多大, 吗)?"""
    return (
        answering.WH_RE.search(text) is not None
        or re.search(r"吗[？?]*$", text) is not None
        or answering.classify(normalize(text))[0] != "other"
    )


def _is_entity(phrase: str) -> bool:
    """A place, a name or an organisation (it takes the place of the one asked about),
    rather than an attribute of it (asked of the same subject)."""
    return bool(answering.PLACE_WORD.match(phrase) or _ORGANISATION.search(phrase) or _names_something(phrase))


def _names_something(text: str) -> bool:
    query = answering.analyze(text)
    return bool(query.entities) or any(answering.PLACE_WORD.match(w) for w in re.findall(rf"[{HAN}]+", text))


def _subject(previous: str) -> str | None:
    """What the previous question asks about: its place, else its first name, else the words
    before what it says of them ("高塘岭社区" of "高塘岭社区有几个老旧宿舍小区？")."""
    before = answering.analyze(previous)
    places = [g[0] for g in before.entities if g[0] in before.places]
    names = places + [g[0] for g in before.entities]
    norm = normalize(previous)
    for name in names:
        if name in norm and len(norm) == len(previous):
            return previous[norm.find(name) : norm.find(name) + len(name)]
    m = _PREDICATE.search(previous)
    head = previous[: m.start()] if m else ""
    if not 2 <= len(head) <= 12 or answering.WH_RE.search(head):
        return None
    # "高塘岭社区党总支书记": the place, not its office (jieba cuts such names in pieces)
    place = _PLACE_PREFIX.match(head)
    return place.group() if place else head


def _new_entity(entity: str, previous: str) -> str:
    """The previous question asked of `entity` instead of its own subject."""
    subject = _subject(previous)
    if subject and subject in previous:
        return previous.replace(subject, entity, 1)
    return f"{entity} {previous}"


def _new_attribute(attribute: str, previous: str) -> str:
    """`attribute` asked of the previous question's subject."""
    subject = _subject(previous)
    if not subject:
        return f"{attribute} {previous}"
    asking = "是谁" if re.search(f"(?:{answering.PERSON_TITLE})$", attribute) else "是多少"
    return f"{subject}{attribute}{asking}？"


def _about(subject: str, rest: str) -> str:
    """`rest` said of `subject`; a class noun the subject ends with is not said twice
    ("这个社区有…" of 高塘岭社区: "高塘岭社区有…")."""
    for k in range(len(subject)):
        if len(subject) - k <= 4 and rest.startswith(subject[k:]):
            return subject + rest[len(subject) - k :]
    return subject + rest
