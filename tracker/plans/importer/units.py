"""Units named in a plan item: 牵头单位 / 配合单位 / 责任单位 labels, （X牵头，Y配合）, 〔X、Y〕,
and matching the names to the bureau's units (exact, then aliases and abbreviations)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from tracker.plans.importer.deadlines import CONTINUOUS_RE, is_deadline_phrase
from tracker.plans.importer.patterns import (
    CLOSE_BRACKETS,
    OPEN_BRACKETS,
    bracket_depths,
    bracket_spans,
    has_cjk,
    split_top_level,
)

_UNIT = r"(?:单位|部门|科室|处室|机关|主体|科|处)"
LEAD_LABEL = rf"牵头(?:责任)?{_UNIT}|主责{_UNIT}|主办{_UNIT}|牵头"
CO_LABEL = rf"(?:配合|协办|协同|参与|协助|协作|参加){_UNIT}|配合"
RESPONSIBLE_LABEL = rf"(?:责任|实施|承办|落实|具体责任|牵头和责任|主要责任){_UNIT}|责任主体|责任"
DEADLINE_LABEL = (
    r"完成(?:时限|时间|期限|节点)|时间(?:节点|要求|安排)|时限(?:要求)?|进度(?:安排|要求)|截止时间"
)
IGNORED_LABEL = (
    r"责任(?:领导|人)|分管(?:领导|负责人|局领导)|联系人|督办(?:单位|领导)|牵头(?:领导|负责人)"
    r"|完成标准|成果形式|工作目标|预期成效"
)
_LABEL_RE = re.compile(
    rf"(?:【\s*(?P<b>{IGNORED_LABEL}|{DEADLINE_LABEL}|{LEAD_LABEL}|{CO_LABEL}|{RESPONSIBLE_LABEL})"
    rf"\s*】\s*[:：]?|(?P<c>{IGNORED_LABEL}|{DEADLINE_LABEL}|{LEAD_LABEL}|{CO_LABEL}"
    rf"|{RESPONSIBLE_LABEL})\s*[:：])"
)
_ROLE_OF = [
    ("ignored", re.compile(rf"^(?:{IGNORED_LABEL})$")),
    ("deadline", re.compile(rf"^(?:{DEADLINE_LABEL})$")),
    ("lead", re.compile(rf"^(?:{LEAD_LABEL})$")),
    ("co", re.compile(rf"^(?:{CO_LABEL})$")),
    ("responsible", re.compile(rf"^(?:{RESPONSIBLE_LABEL})$")),
]

ORG_SUFFIX = re.compile(
    r"(局|委|办|厅|部|署|院|会|府|中心|所|站|队|室|科|处|组|团|社|行|司|馆|台|校|公司|集团|单位"
    r"|部门|机关|机构|党委|党组|街道|乡镇|企业|协会|妇联|团委|工会|残联|科协|小组|法院|检察院|监狱"
    r"|医院|大学|学院|委员会|人大|政协|支队|大队|分局|海关|银行|园区|管委会|各地|旗|县|区|市|镇|乡"
    r"|[）)])$"
)
_PLACE = r"(?:设区的?市|县级市|市|县|区|乡镇|乡|镇|街道|州|盟|旗|县区|县市区|市州|苏木)"
_DISTRIBUTIVE_HEAD = re.compile(rf"各{_PLACE}(?:[（(][^）)]*[）)])?")
_DISTRIBUTIVE_TAIL = re.compile(
    rf"{_PLACE}(?:[（(][^）)]*[）)])?(?P<org>人民政府|政府|党委|党委政府|党委和政府|党委、政府)?"
)
_ROLE_SUFFIX = re.compile(
    r"(?:按职责分工分别负责|按职责分工负责|按职责分工落实|按职责负责|按照职责分工负责|按职责分工"
    r"|根据职责分工负责|分别负责|具体负责|负责落实|共同负责"
    r"|牵头负责|为牵头单位|牵头|配合落实|配合|参与|协助|协办|参加|协同|负责|落实)$"
)
#: 市委宣传部（牵头）: the lead named inside a list of responsible units.
_MARKED_LEAD = re.compile(r"(.+?)\s*[（(]\s*(?:牵头|牵头单位|牵头部门|主责|牵头负责)\s*[）)]")
_GENERIC_AFTER_DENG = {"部门", "单位", "有关部门", "相关部门", "有关单位", "相关单位", "部门单位"}
_LEADING_WORDS = re.compile(r"^(?:由|请|会同|以及|及|和|与|同)")


@dataclass
class Annotation:
    """The units and labelled deadline found in an item, and where they sit in its text."""

    names: list[tuple[str, str, int]] = field(default_factory=list)  # (role, name, position)
    deadline_text: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    #: True when the annotation closes the text (it may belong to a whole group of items).
    trailing: bool = False

    @property
    def has_units(self) -> bool:
        return bool(self.names)

    def resolve(self, *, first_leads: bool = False) -> tuple[list[str], list[str]]:
        """(lead units, co-units): 责任单位 alone leads; next to 牵头单位 it co-operates. With
        `first_leads` (the plan says 排在第一位的为牵头单位) the first of a list leads."""
        ordered = sorted(self.names, key=lambda item: item[2])
        if first_leads and ordered and all(role == "responsible" for role, _, _ in ordered):
            names = _unique(name for _, name, _ in ordered)
            return names[:1], names[1:]
        leads = [name for role, name, _ in ordered if role == "lead"]
        if leads:
            co = [name for role, name, _ in ordered if role in ("co", "responsible")]
        else:
            leads = [name for role, name, _ in ordered if role == "responsible"]
            co = [name for role, name, _ in ordered if role == "co"]
        leads = _unique(leads)
        return leads, [name for name in _unique(co) if name not in leads]


def _unique(names: Iterable[str]) -> list[str]:
    seen, result = set(), []
    for name in names:
        if name not in seen:
            seen.add(name)
            result.append(name)
    return result


def _role(label: str) -> str:
    label = re.sub(r"\s+", "", label)
    for role, pattern in _ROLE_OF:
        if pattern.match(label):
            return role
    return "ignored"


def looks_like_unit(name: str) -> bool:
    return (
        2 <= len(name) <= 40
        and has_cjk(name)
        and ORG_SUFFIX.search(name) is not None
        and not re.match(
            r"^(?:含|包括|如|即|指|以下|简称|其中|主要|重点|全面|加强|推进|开展)", name
        )
        and "。" not in name
    )


#: The plan's rule that the first unit of each list leads: 排在第一位的为牵头单位,
#: 列第一位的单位为牵头单位, or (首位单位为牵头单位，下同) beside the first list of a county's
#: division.
FIRST_LISTED_LEADS = re.compile(
    r"(?:(?:排在|列|排|位列|排名)?第一(?:位|个)?|(?:排在|列|位列)?首(?:位|个))的?(?:单位|部门)?"
    r"(?:为|是)牵头(?:单位|部门)"
)


#: That rule written in brackets beside a unit, not part of its name.
_RULE_NOTE = re.compile(rf"[（(][^（）()]*?(?:{FIRST_LISTED_LEADS.pattern})[^（）()]*[）)]")


def clean_unit(name: str) -> str:
    name = _RULE_NOTE.sub("", unicodedata.normalize("NFC", name))
    name = name.strip(" \t\n。：:；;，,、.")
    name = _LEADING_WORDS.sub("", name).strip()
    previous = None
    while previous != name:
        previous = name
        name = _ROLE_SUFFIX.sub("", name).strip(" ，,、")
    return name


def split_units(value: str) -> list[str]:
    """A list of unit names as written (see `_split_units`); a fresh list each call."""
    return list(_split_units(value))


#: What separates two names of a list as 、 does: a line break, a tab, a run of spaces.
_LIST_BREAK = re.compile(r"\s*\n\s*|\s{2,}|\t")
_LIST_SEPARATORS = "、，,；;/／"


def _as_separator(match: re.Match) -> str:
    """、 for a break between two names. Nothing beside a separator already written (a second 、
    would enter a name), nor inside brackets, where a break is a wrapped line of one name
    (各县（市、\n区）人民政府), as in an unclosed bracket that keeps the rest whole."""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if (before and before in _LIST_SEPARATORS) or (after and after in _LIST_SEPARATORS):
        return ""
    depths = [depth for _char, depth in bracket_depths(text[:start])]
    return "" if depths and depths[-1] else "、"


@lru_cache(maxsize=8192)
def _split_units(value: str) -> tuple[str, ...]:
    """A list of unit names as written: split on 、，； (not inside brackets), collective names such
    as 各县（市、区）人民政府 and 各区、县级市政府 kept whole, role words (牵头, 负责…) removed."""
    value = _LIST_BREAK.sub(_as_separator, value.strip())
    if re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", value):
        value = value.replace(" ", "\n")  # names written apart with single spaces
        value = _LIST_BREAK.sub(_as_separator, value)
    raw = [part.strip() for part in split_top_level(value, _LIST_SEPARATORS) if part.strip()]
    joined: list[str] = []
    index = 0
    while index < len(raw):
        part = raw[index]
        if _DISTRIBUTIVE_HEAD.fullmatch(part):
            while index + 1 < len(raw):
                tail = _DISTRIBUTIVE_TAIL.fullmatch(raw[index + 1])
                if not tail:
                    break
                part = f"{part}、{raw[index + 1]}"
                index += 1
                if tail.group("org"):
                    break
        joined.append(part)
        index += 1
    names: list[str] = []
    for part in joined:
        pieces = [part]
        if "等" in part and not part.startswith("等"):
            left, _, right = part.partition("等")
            right = right.strip()
            pieces = [left] + ([] if right in _GENERIC_AFTER_DENG or not right else [right])
        for piece in pieces:
            name = clean_unit(piece)
            if not name or not has_cjk(name) or len(name) > 40:
                continue
            if is_deadline_phrase(name) or CONTINUOUS_RE.search(name):
                continue
            names.append(name)
    return tuple(_unique(names))


def units_with_roles(value: str, role: str) -> list[tuple[str, str]]:
    """(role, name) of each unit of a list; a name marked （牵头） leads whatever the list."""
    result = []
    for name in split_units(value):
        marked = _MARKED_LEAD.fullmatch(name)
        if marked:
            result.append(("lead", marked.group(1).strip()))
        else:
            result.append((role, name))
    return result


def _value_end(text: str, start: int, label_starts: list[int]) -> int:
    """Where a label's value ends: next label, the bracket that encloses it, 。, a line end."""
    next_label = min((s for s in label_starts if s >= start), default=len(text))
    depth = 0
    index = start
    while index < next_label:
        char = text[index]
        if char in OPEN_BRACKETS:
            depth += 1
        elif char in CLOSE_BRACKETS:
            if depth == 0:
                return index
            depth -= 1
        elif depth == 0 and char in "。\n":
            return index
        elif depth == 0 and char in "；;":
            rest = text[index + 1 : next_label].strip()
            if not rest or rest[0] in CLOSE_BRACKETS:
                return index
        index += 1
    return next_label


def _classify_part(part: str) -> tuple[str, list[str]] | None:
    """One comma-separated part of a bracket such as （市司法局牵头，市直各部门配合）."""
    part = part.strip()
    if not part:
        return ("empty", [])
    if is_deadline_phrase(part):
        return ("deadline", [part])
    match = re.fullmatch(r"(?:由)?(.+?)(?:牵头负责|牵头|为牵头单位)", part)
    if match:
        return ("lead", split_units(match.group(1)))
    match = re.fullmatch(r"(.+?)(?:配合落实|配合|参与|协助|协办|参加|协同)", part)
    if match:
        return ("co", split_units(match.group(1)))
    match = re.fullmatch(
        r"(.+?)(?:按职责分工负责|按职责分工落实|按照职责分工负责|按职责负责|分别负责|具体负责"
        r"|负责落实|共同负责|负责|落实)",
        part,
    )
    if match:
        return ("responsible", split_units(match.group(1)))
    names = split_units(part)
    if names and all(looks_like_unit(n) for n in names) and any(len(n) >= 3 for n in names):
        return ("responsible", names)
    return None


def _is_trailing(text: str, end: int) -> bool:
    rest = text[end:]
    return (
        re.match(
            r"\s*(?:$|[。；;，,、\n]|[（(〔【\[]|[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,、])",
            rest,
        )
        is not None
    )


def extract_annotation(text: str) -> Annotation:
    """Units (with their role) and a labelled deadline in an item's text. The same text is read
    several times (its title, its units, its group's): the result is cached and must not be
    changed by the caller."""
    return _extract_annotation(text)


@lru_cache(maxsize=8192)
def _extract_annotation(text: str) -> Annotation:
    annotation = Annotation()
    labels = list(_LABEL_RE.finditer(text))
    label_starts = [m.start() for m in labels]
    value_ranges: list[tuple[int, int]] = []
    for match in labels:
        label = match.group("b") or match.group("c")
        role = _role(label)
        end = _value_end(text, match.end(), label_starts)
        value = text[match.end() : end].strip()
        value_ranges.append((match.start(), end))
        if role == "ignored":
            continue
        if role == "deadline":
            if value and annotation.deadline_text is None:
                annotation.deadline_text = value.strip(" ；;，,。")
            continue
        for part in split_top_level(value, "，,；;"):
            if is_deadline_phrase(part) and annotation.deadline_text is None:
                annotation.deadline_text = part.strip(" ；;，,。")
        for name_role, name in units_with_roles(value, role):
            annotation.names.append((name_role, name, match.start()))
    # brackets that name units without labels: （X牵头，Y配合）, 〔X、Y〕
    for start, end in bracket_spans(text):
        inner = text[start + 1 : end - 1]
        if any(s < end and start < e for s, e in value_ranges):
            # a bracket holding labels: remember it as the annotation's place
            if any(start <= s < end for s, _ in value_ranges):
                annotation.spans.append((start, end))
            continue
        if not _is_trailing(text, end):
            continue
        parts = [_classify_part(p) for p in split_top_level(inner, "，,；;")]
        if not parts or any(p is None for p in parts):
            continue
        kinds = {kind for kind, _ in parts}  # type: ignore[misc]
        if not kinds & {"lead", "co", "responsible"}:
            # only a deadline in brackets, e.g. （2021年6月底前）: a deadline, not units
            if kinds == {"deadline"} and annotation.deadline_text is None:
                annotation.deadline_text = inner.strip()
                annotation.spans.append((start, end))
            continue
        for kind, names in parts:  # type: ignore[misc]
            if kind == "deadline":
                if annotation.deadline_text is None:
                    annotation.deadline_text = names[0].strip(" ；;，,。")
                continue
            if kind == "empty":
                continue
            for name in names:
                marked = _MARKED_LEAD.fullmatch(name)
                if marked:
                    annotation.names.append(("lead", marked.group(1).strip(), start))
                else:
                    annotation.names.append((kind, name, start))
        annotation.spans.append((start, end))
    # words left in a bracket that holds labels: （责任单位：A，B。长期坚持）
    for start, end in [span for span in annotation.spans]:
        leftover = text[start + 1 : end - 1]
        for s, e in sorted(value_ranges, reverse=True):
            if start <= s < end:
                leftover = leftover[: max(0, s - start - 1)] + "；" + leftover[e - start - 1 :]
        for part in re.split(r"[，,；;。]", leftover):
            if annotation.deadline_text is None and is_deadline_phrase(part):
                annotation.deadline_text = part.strip()
    # label values outside brackets (a 责任单位： line, or text after the item)
    for start, end in value_ranges:
        if not any(s <= start < e for s, e in annotation.spans):
            annotation.spans.append((start, end))
    annotation.spans.sort()
    if annotation.spans:
        last_end = max(e for _, e in annotation.spans)
        annotation.trailing = re.fullmatch(r"[\s。；;，,]*", text[last_end:]) is not None
    return annotation


def strip_annotations(text: str, annotation: Annotation) -> str:
    """The text without its unit/deadline annotations (for titles)."""
    if not annotation.spans:
        return text
    pieces, cursor = [], 0
    for start, end in sorted(annotation.spans):
        if start < cursor:
            continue
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


# -- matching to the bureau's units ------------------------------------------------------------


def _norm(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


_OWN_PREFIX = re.compile(r"^(?:本局|我局|局|本厅|我厅|厅|本委|我委|委|本院|院|本办|市局|县局|区局)")
_PLACE_PREFIX = re.compile(r"^(?:省|市|县|区|州|盟|旗)")
#: A place name before the unit's own name: 忻州市发展和改革委员会 → 发展和改革委员会.
_PLACE_NAME = re.compile(r"^[\u4e00-\u9fff]{1,6}?(?:省|市|县|区|州|盟|旗)(?=[\u4e00-\u9fff]{3,})")
#: Another level's prefix: 市法制办, 县政府办公室, 省司法厅, 区直各部门 — but not the words
#: 市场, 市政(工程), 区划, 区域, 县域, 省级 that merely start with the character.
_LEVEL = re.compile(
    r"^(?:自治区|自治州|自治县|省|市|县|区|州|盟|旗|乡|镇)(?!场|政(?!府)|划|域|级|内|外|属|民(?!政))"
)
#: Collective or outside bodies: 各县（市、区）, 各乡镇, 各有关部门, 县政府…, 市委…, 法院…
_COLLECTIVE = re.compile(r"^各")
_OUTSIDE = re.compile(
    r"人民政府|政府|党委|党组(?!织)|人大|政协|法院|检察院|管委会|委员会办公室|纪委|监委|[省市县区]委"
    r"|宣传部|组织部|统战部|政法委|编办|税务|海关|银行|公司|集团|(?:局|厅|署)$"
)


_PLACE_NAME_LONGEST = re.compile(
    r"^[\u4e00-\u9fff]{1,6}(?:省|市|县|区|州|盟|旗)(?=[\u4e00-\u9fff]{2,})"
)


def _level_prefix(key: str) -> str:
    """The part of a name that says which level's body it is: 忻州市, 市, 县 … or ""."""
    match = _PLACE_NAME_LONGEST.match(key)
    if match and not match.group(0).endswith(("社区", "小区", "园区", "片区", "城区", "辖区")):
        return match.group(0)
    match = _LEVEL.match(key)
    return match.group(0) if match else ""


class UnitMatcher:
    """Matches names as written to the bureau's units: exact name, then exact alias, then the
    name with 局/本局 (or the bureau's own name, `owner`) in front dropped, then a unique unit
    the name ends with or abbreviates. 市政府办公室 is not the bureau's 办公室; a name with another
    level's prefix (市法制办, 县司法局) is matched loosely only to units written the same way, so it
    never lands on an internal unit through an alias: it is an external unit, kept as written."""

    def __init__(
        self,
        units: Iterable[tuple[str, Iterable[str] | str]] | None,
        owner: Iterable[str] | str | None = None,
    ):
        owners = [owner] if isinstance(owner, str) else list(owner or [])
        self.owner_forms: set[str] = set()
        for name in owners:
            key = _norm(name)
            if key:
                short = _PLACE_PREFIX.sub("", _PLACE_NAME.sub("", key))
                self.owner_forms.add(key)
                if len(short) >= 2:
                    self.owner_forms.update({short, *(f"{p}{short}" for p in "省市县区")})
        self.units: list[tuple[str, list[str]]] = []
        for name, aliases in units or []:
            if isinstance(aliases, str):
                aliases = [a for a in re.split(r"[,，、;；]", aliases) if a.strip()]
            self.units.append((name, [a.strip() for a in aliases if a and a.strip()]))
        self.by_name = {_norm(n): n for n, _ in self.units}
        self.by_alias: dict[str, str] = {}
        for name, aliases in self.units:
            for alias in aliases:
                self.by_alias.setdefault(_norm(alias), name)
        #: every (form, unit, level of the form: 市, 县 … or "") for the loose stages
        self.forms = [
            (_norm(form), name, _level_prefix(_norm(form))[-1:])
            for name, aliases in self.units
            for form in [name, *aliases]
            if len(_norm(form)) >= 2
        ]
        self._cache: dict[str, str | None] = {}

    @property
    def active(self) -> bool:
        return bool(self.units)

    def names(self) -> list[str]:
        return [name for name, _ in self.units]

    def _exact(self, key: str) -> str | None:
        return self.by_name.get(key) or self.by_alias.get(key)

    def is_owner(self, written: str) -> bool:
        """The bureau itself (忻州市民政局, 市民政局)."""
        return _norm(written) in self.owner_forms

    def is_external(self, written: str) -> bool:
        """A body outside the bureau: not one of its units nor the bureau itself, and named with
        another level's prefix, as a collective (各县（市、区）) or as a government/party body."""
        key = _norm(written)
        if not key or self.match(written) is not None or key in self.owner_forms:
            return False
        return bool(_level_prefix(key) or _COLLECTIVE.match(key) or _OUTSIDE.search(key))

    def match(self, written: str) -> str | None:
        key = _norm(written)
        if key not in self._cache:
            self._cache[key] = self._match(key)
        return self._cache[key]

    def _match(self, key: str) -> str | None:
        if not key:
            return None
        found = self._exact(key)
        if found:
            return found
        stripped = _OWN_PREFIX.sub("", key)
        if stripped != key and len(stripped) >= 2:
            found = self._exact(stripped)
            if found:
                return found
        level = _level_prefix(key)
        if level and (level in self.owner_forms or _OWN_PREFIX.fullmatch(level)):
            level = ""  # 忻州市民政局办公室: the bureau's own name in front
        level = level[-1:]  # the level itself: 市 in 忻州市 and in 市
        candidates: set[str] = set()
        for form_key, name, form_level in self.forms:
            if key.endswith(form_key) and len(key) > len(form_key):
                prefix = key[: -len(form_key)]
                if _OWN_PREFIX.fullmatch(prefix) or prefix in self.owner_forms:
                    candidates.add(name)
            elif form_key.endswith(key) and len(key) >= 3 and (not level or form_level == level):
                candidates.add(name)
        if len(candidates) == 1:
            return candidates.pop()
        if candidates:
            return None
        short = _PLACE_PREFIX.sub("", _PLACE_NAME.sub("", key))
        if len(short) >= 3:
            for form_key, name, form_level in self.forms:
                if level and form_level != level:
                    continue  # 市法制办 is not the bureau's 法制办公室
                for full in {form_key, _PLACE_PREFIX.sub("", _PLACE_NAME.sub("", form_key))}:
                    if _abbreviates(short, full):
                        candidates.add(name)
        return candidates.pop() if len(candidates) == 1 else None


def _abbreviates(short: str, full: str) -> bool:
    """发改委 abbreviates 发展和改革委员会: same first character, the characters in order, the
    last one among the name's last three."""
    if len(short) >= len(full) or short[0] != full[0] or short[-1] not in full[-3:]:
        return False
    position = 0
    for char in short:
        position = full.find(char, position)
        if position < 0:
            return False
        position += 1
    return True
