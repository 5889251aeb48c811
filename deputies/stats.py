"""Deputy structure statistics (代表构成): the figures an office reports for each congress."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import tablib

from deputies.models import Congress, Education, Gender, MandateStatus, Occupation, Party

AGE_BANDS = [(0, 35, "35岁及以下"), (36, 45, "36至45岁"), (46, 55, "46至55岁"), (56, 60, "56至60岁"),
             (61, 200, "61岁及以上")]


@dataclass
class Line:
    label: str
    count: int
    share: float  # 0–100

    @property
    def share_text(self) -> str:
        return f"{self.share:.1f}%"


@dataclass
class Section:
    title: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class Structure:
    congress: Congress
    total: int
    sections: list[Section]
    reference_date: dt.date


def _section(title: str, counter: Counter, labels: list[tuple[str, str]], total: int) -> Section:
    lines = [Line(label, counter.get(key, 0), 100 * counter.get(key, 0) / total if total else 0.0)
             for key, label in labels]
    return Section(title, lines)


def age_on(birth: dt.date | None, day: dt.date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def congress_structure(congress: Congress, *, on: dt.date | None = None) -> Structure:
    """Counts and shares of the congress's serving deputies; ages on `on` (default: the start
    of the term, as the office reports after an election). One query."""
    day = on or congress.start_date
    rows = list(congress.mandates.filter(status=MandateStatus.ACTIVE).values_list(
        "deputy__gender", "deputy__ethnicity", "deputy__party", "deputy__occupation", "deputy__education",
        "deputy__birth_date"))
    total = len(rows)
    genders = Counter(r[0] for r in rows)
    minorities = sum(1 for r in rows if r[1] and r[1] != "汉族")
    parties = Counter(r[2] for r in rows)
    occupations = Counter(r[3] for r in rows)
    educations = Counter(r[4] or "unknown" for r in rows)
    ages: Counter = Counter()
    for r in rows:
        age = age_on(r[5], day)
        band = "unknown" if age is None else next(label for lo, hi, label in AGE_BANDS if lo <= age <= hi)
        ages[band] += 1
    cpc = parties.get(Party.CPC, 0) + parties.get(Party.PROBATIONARY, 0)
    sections = [
        _section("性别", genders, [(v, str(label)) for v, label in Gender.choices], total),
        Section("民族", [Line("汉族", total - minorities, 100 * (total - minorities) / total if total else 0),
                         Line("少数民族", minorities, 100 * minorities / total if total else 0)]),
        Section("政治面貌", [Line("中共党员（含预备党员）", cpc, 100 * cpc / total if total else 0)]
                + _section("", parties, [(v, str(label)) for v, label in Party.choices
                                         if v not in (Party.CPC, Party.PROBATIONARY)], total).lines),
        _section("职业构成", occupations, [(v, str(label)) for v, label in Occupation.choices], total),
        _section("年龄", ages, [(label, label) for _, _, label in AGE_BANDS] + [("unknown", "未填写")], total),
        _section("文化程度", educations, [(v, str(label)) for v, label in Education.choices]
                 + [("unknown", "未填写")], total),
    ]
    for section in sections:  # parties nobody belongs to only clutter the report
        if section.title in ("政治面貌", "年龄", "文化程度"):
            section.lines = [line for line in section.lines if line.count or line.label.startswith("中共")]
    return Structure(congress=congress, total=total, sections=sections, reference_date=day)


def structure_dataset(structure: Structure) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=["类别", "项目", "人数", "占比"], title="代表构成")
    dataset.append(["合计", str(structure.congress), structure.total, "100.0%"])
    for section in structure.sections:
        for line in section.lines:
            dataset.append([section.title, line.label, line.count, line.share_text])
    return dataset
