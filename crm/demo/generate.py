"""Generate the demo enterprises as plain record data: deterministic for a seed and an "as of" date.

Nothing here touches the database; ``crm.demo`` validates and writes the records.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from stdnum.cn import uscc as stdnum_uscc

from crm import domain
from crm.demo import words as w
from crm.demo.records import OFFICERS, RecordMaker

AS_OF = date(2026, 11, 28)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# (size, share, revenue range in 万元, staff range)
SIZES = (
    ("micro", 0.35, (30, 500), (3, 20)),
    ("small", 0.35, (500, 3000), (10, 80)),
    ("medium", 0.22, (3000, 20000), (50, 300)),
    ("large", 0.08, (20000, 80000), (200, 1000)),
)


@dataclass
class DemoEnterprise:
    """One enterprise and its child records, as the store's create functions take them."""

    data: dict[str, Any]
    fiscal_years: list[dict[str, Any]] = field(default_factory=list)
    ip_assets: list[dict[str, Any]] = field(default_factory=list)
    credentials: list[dict[str, Any]] = field(default_factory=list)
    compliance_events: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    interactions: list[dict[str, Any]] = field(default_factory=list)  # "officer": a username
    tasks: list[dict[str, Any]] = field(default_factory=list)  # "assignee": a username
    owner: str | None = None  # username of the officer in charge


@dataclass
class DemoSet:
    officers: tuple[dict[str, Any], ...]
    enterprises: list[DemoEnterprise]
    near_duplicates: list[tuple[str, str]]


def generate(count: int = 320, seed: int = 20240601, as_of: date = AS_OF) -> DemoSet:
    """``count`` plausible Yangpu sports enterprises (near-duplicates included), same seed same data."""
    gen = _Generator(random.Random(seed), as_of)
    n_dupes = min(6, count // 50)
    enterprises = [gen.enterprise(i) for i in range(count - n_dupes)]
    companies = [e for e in enterprises if e.data["legal_form"] == "llc"]
    pairs = [gen.near_duplicate(companies[(i * 37 + 5) % len(companies)], i) for i in range(n_dupes)]
    enterprises += [dupe for dupe, _ in pairs]
    for e in enterprises[17::150]:  # real codes whose check digit fails: kept, with the officer's reason
        _break_check_digit(e)
    return DemoSet(OFFICERS, enterprises, [(orig, dupe.data["name"]) for dupe, orig in pairs])


def _break_check_digit(e: DemoEnterprise) -> None:
    code = e.data["uscc"]
    if not code:
        return
    wrong = next(c for c in USCC_ALPHABET if c != code[-1])
    e.data["uscc"] = code[:-1] + wrong
    e.data["uscc_override_reason"] = "营业执照原件核对无误，系早期换发代码，校验位与国标算法不符"


def uscc_for(rng: random.Random, prefix: str = "91310110") -> str:
    """A valid 18-character USCC with the given 8-character prefix."""
    body = prefix + rng.choice(("MA1", "MA7", "MAC")) + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    return body + stdnum_uscc.calc_check_digit(body)


class _Generator(RecordMaker):
    def __init__(self, rng: random.Random, as_of: date):
        super().__init__(rng, as_of)
        self.names: set[str] = set()
        self.codes: set[str] = set()

    # --- the enterprise ---------------------------------------------------------------------------

    def enterprise(self, i: int) -> DemoEnterprise:
        r = self.rng
        division = f"{i + 1:02d}" if i < 11 else r.choice(list(domain.SPORTS_DIVISIONS))
        street = domain.STREETS[i] if i < 12 else r.choice(domain.STREETS)
        club = division in ("03", "06", "01") and r.random() < 0.12
        size = self._size()
        tech = division in w.TECH_DIVISIONS and r.random() < 0.55 or r.random() < 0.08
        registered = self._date(date(1998, 1, 1), self.as_of - timedelta(days=60))
        if tech and r.random() < 0.1:  # a young firm: not yet a year old when HNTE looks at it
            registered = self._date(self.as_of - timedelta(days=330), self.as_of - timedelta(days=60))
        name = self._name(division, club)
        data: dict[str, Any] = {
            "name": name,
            "uscc": self._uscc("52310110" if club else "91310110"),
            "registration_date": registered,
            "legal_form": "private_non_enterprise"
            if club
            else r.choice(("llc",) * 8 + ("joint_stock", "partnership")),
            "registered_capital": None if club else self._wan(r.choice((10, 50, 100, 200, 500, 1000, 3000))),
            "address": self._address(street),
            "street": street,
            "sports_division": division,
            "industry_code": r.choice(w.INDUSTRY_CODES[division]),
            "wenchuang_sector": self._wenchuang(division, name),
            "hnte_domain": self._hnte_domain(division) if tech else r.choice(("none", None)),
            "strategic_emerging": self.side.choice((True, False, None))
            if tech
            else self.side.choice((False, None)),
            "niche_market_years": r.choice((None, r.randint(1, 15))) if tech else None,
            "resident_enterprise": self._maybe(True, 0.9),
            "independent_legal_person": True,
            "registered_in_shanghai": True,
            "tax_in_shanghai": self._maybe(True, 0.85),
            "key_institution": self._maybe(r.random() < 0.05, 0.4),
            "in_restricted_catalogue": self._maybe(False, 0.7),
            "abnormal_operation_listed": self._maybe(False, 0.8),
            "serious_dishonesty_listed": self._maybe(False, 0.75),
            "tags": self._tags(street, division, size, name),
            "former_names": self._former_names(name, division),
        }
        e = DemoEnterprise(data, owner=r.choice(OFFICERS[:3])["username"])
        self._fill(e, size, tech, registered)
        return e

    def _fill(self, e: DemoEnterprise, size: tuple, tech: bool, registered: date) -> None:
        r = self.rng
        e.fiscal_years = self._fiscal_years(size, tech, registered)
        e.ip_assets = self._ip_assets(e.data["name"], tech, registered)
        e.credentials = self._credentials(e.fiscal_years, e.ip_assets, tech, registered)
        if r.random() < 0.05:
            e.compliance_events.append(self._compliance(e))
        e.contacts = [self._contact(primary=k == 0) for k in range(r.choice((0, 1, 1, 2, 2, 3)))]
        e.interactions = [self._interaction() for _ in range(r.choice((0, 1, 1, 2, 3, 4)))]
        e.tasks = [self._task() for _ in range(r.choice((0, 0, 1, 1, 2)))]

    def _size(self) -> tuple:
        x, acc = self.rng.random(), 0.0
        for size in SIZES:
            acc += size[1]
            if x < acc:
                return size
        return SIZES[-1]

    def _name(self, division: str, club: bool) -> str:
        r = self.rng
        for _ in range(1000):
            brand = "".join(r.sample(w.BRAND_CHARS, 2))
            trade = r.choice(w.TRADE_WORDS[division])
            if club:
                name = r.choice(
                    (
                        f"上海市杨浦区{brand}{trade}俱乐部",
                        f"杨浦区{brand}青少年体育俱乐部",
                        f"上海{brand}{trade}中心",
                    )
                )
            else:
                name = r.choice(
                    (f"上海{brand}{trade}有限公司",) * 5
                    + (
                        f"上海杨浦{brand}{trade}有限公司",
                        f"{brand}{trade}（上海）有限公司",
                        f"上海{brand}{trade}股份有限公司",
                    )
                )
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("name pool exhausted")

    def _former_names(self, name: str, division: str) -> list[str]:
        """Now and then a name the firm was registered under before (search finds it by that too)."""
        if self.rng.random() >= 0.06 or "俱乐部" in name or "中心" in name:
            return []
        old_trade = self.rng.choice(("体育发展", "文化传播", "健身服务", "体育咨询"))
        current = next((t for t in w.TRADE_WORDS[division] if t in name), None)
        return [name.replace(current, old_trade)] if current and current != old_trade else []

    def _uscc(self, prefix: str) -> str | None:
        if self.rng.random() < 0.03:
            return None  # not collected yet
        while True:
            code = uscc_for(self.rng, prefix)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _address(self, street: str) -> str:
        r = self.rng
        road = r.choice(w.ROADS[street])
        building = r.choice(w.BUILDINGS)
        room = r.choice(("", f"{r.randint(1, 12)}{r.randint(1, 30):02d}室"))
        return f"上海市杨浦区{road}{r.randint(1, 2000)}号{building}{room}"

    def _wenchuang(self, division: str, name: str) -> str | None:
        if "电竞" in name or "电子竞技" in name:
            return "esports"
        by_division = {
            "05": "advertising_exhibition",
            "07": "internet_services",
            "03": "leisure_entertainment",
        }
        return by_division.get(division, self.rng.choice(("none", None)))

    def _hnte_domain(self, division: str) -> str:
        if division == "09":
            return self.rng.choice(("advanced_manufacturing", "new_materials"))
        return self.rng.choice(("electronic_info", "electronic_info", "hightech_services", "biomed"))

    def _tags(self, street: str, division: str, size: tuple, name: str) -> list[str]:
        r = self.rng
        tags: list[str] = []
        if size[0] in ("medium", "large") and r.random() < 0.6:
            tags.append("重点企业")
        by_street = {
            "五角场": "五角场示范基地",
            "长海路": "环上体创新带",
            "大桥": "杨浦滨江",
            "平凉路": "杨浦滨江",
            "定海路": "杨浦滨江",
            "新江湾城": "新江湾城",
        }
        if street in by_street and r.random() < 0.7:
            tags.append(by_street[street])
        if street == "五角场" and r.random() < 0.3:
            tags.append(r.choice(("大学路", "创智天地")))
        if "电竞" in name or "电子竞技" in name:
            tags.append("电竞")
        if "科技" in name or division == "07":
            tags.append("体育科技")
        if r.random() < 0.08:
            tags.append("拟上市")
        return tags

    # --- near-duplicates --------------------------------------------------------------------------

    def near_duplicate(self, original: DemoEnterprise, k: int) -> tuple[DemoEnterprise, str]:
        """A second record of ``original``'s company, as officers and imports create them."""
        name = original.data["name"]
        core = (
            name.removeprefix("上海杨浦")
            .removeprefix("上海")
            .removesuffix("有限公司")
            .removesuffix("股份")
            .removesuffix("（上海）")
        )
        variants = [
            f"{core}（上海）有限公司",
            f"上海{core}有限公司杨浦分公司",
            _typo(name, self.rng),
            f"上海杨浦{core}有限公司",
            name.replace("（", "(").replace("）", ")"),
            f"上海{core}有限公司",
        ]
        fresh = [v for v in variants if v != name and v not in self.names]
        dupe_name = fresh[k % len(fresh)]
        self.names.add(dupe_name)
        data = {**original.data, "name": dupe_name, "tags": list(original.data["tags"])}
        data["uscc"] = None if k % 2 == 0 else self._uscc("91310110")
        if "分公司" in dupe_name:
            data.update(legal_form="branch", independent_legal_person=False, registered_capital=None)
        dupe = DemoEnterprise(data, contacts=[dict(c) for c in original.contacts[:1]], owner=original.owner)
        return dupe, name


_TYPOS = {"锐": "瑞", "华": "骅", "博": "搏", "达": "大", "健": "建", "运": "云", "翔": "祥", "明": "铭"}


def _typo(name: str, rng: random.Random) -> str:
    """The name with one look- or sound-alike character, or two characters swapped (a data-entry slip)."""
    start = 4 if name.startswith("上海杨浦") else 2 if name.startswith("上海") else 0
    spots = [i for i, ch in enumerate(name) if ch in _TYPOS and i >= start]
    if spots:
        i = rng.choice(spots)
        return name[:i] + _TYPOS[name[i]] + name[i + 1 :]
    return name[:start] + name[start + 1] + name[start] + name[start + 2 :]
