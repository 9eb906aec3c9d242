"""The demo enterprises' child records: fiscal years, IP, credentials, compliance, contacts, visits, tasks.

Plain record data, deterministic for the generator's random source; ``crm.demo.generate`` drives it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from crm import domain
from crm.demo import words as w

YEARS = (2023, 2024, 2025)
OFFICERS: tuple[dict[str, Any], ...] = (
    {"username": "wangmin", "display_name": "王敏", "phone": "021-65430001", "role": "admin"},
    {"username": "lizhe", "display_name": "李喆", "phone": "021-65430002", "role": "officer"},
    {"username": "chenjun", "display_name": "陈珺", "phone": "021-65430003", "role": "officer"},
    {"username": "zhouyu", "display_name": "周彧", "phone": "021-65430004", "role": "viewer"},
)


class RecordMaker:
    """Makes one enterprise's child records from a shared random source."""

    def __init__(self, rng: random.Random, as_of: date):
        self.rng, self.as_of = rng, as_of
        # figures added later draw from their own stream, so the main one (and the demo set) stays as it was
        self.side = random.Random(hash(rng.getstate()))

    # --- fiscal years -----------------------------------------------------------------------------

    def _fiscal_years(self, size: tuple, tech: bool, registered: date) -> list[dict[str, Any]]:
        r = self.rng
        years = [y for y in YEARS if y >= registered.year]
        if len(years) == 3 and r.random() < 0.07:
            years.remove(r.choice((2023, 2025)))  # a year not collected: an unknown, not a zero
        revenue = r.uniform(*size[2]) * 10_000
        staff = r.randint(*size[3])
        rd_ratio = r.choice((0.025, 0.03, 0.035, 0.04, 0.045, 0.05, 0.06, 0.08)) * r.uniform(0.85, 1.15)
        tech_share = r.choice((0.06, 0.09, 0.1, 0.11, 0.15, 0.25, 0.4)) if tech else r.uniform(0, 0.08)
        rows = []
        for year in years:
            rows.append(self._fiscal_year(year, revenue, staff, tech, rd_ratio, tech_share))
            revenue *= r.uniform(0.85, 1.35)
            staff = max(1, round(staff * r.uniform(0.9, 1.25)))
        return rows

    def _fiscal_year(
        self, year: int, revenue: float, staff: int, tech: bool, rd_ratio: float, tech_share: float
    ) -> dict[str, Any]:
        r = self.rng
        income = revenue * r.uniform(1.0, 1.12)
        rd = (
            revenue * rd_ratio * r.uniform(0.9, 1.1)
            if tech
            else (revenue * r.uniform(0, 0.02) if r.random() < 0.3 else None)
        )
        if rd is not None and r.random() < 0.06:
            rd = None  # R&D not reported this year
        assets = revenue * r.uniform(0.5, 2.0)
        return {
            "year": year,
            "staff_total": None if r.random() < 0.04 else staff,
            "tech_staff": round(staff * tech_share),
            "sales_revenue": self._yuan(revenue),
            "main_business_revenue": self._yuan(
                revenue * self.side.choice((0.45, 0.6, 0.75, 0.85, 0.95, 1.0))
            ),
            "total_income": self._yuan(income),
            "hightech_income": self._yuan(income * r.uniform(0.45, 0.85)) if tech else None,
            "rd_expense": self._yuan(rd),
            "rd_expense_domestic": self._yuan(rd * r.choice((1.0, 1.0, 0.95, 0.8)))
            if rd is not None
            else None,
            "total_cost": self._yuan(income * r.uniform(0.8, 1.05)),
            "total_assets": self._yuan(assets),
            "total_liabilities": self._yuan(assets * r.uniform(0.15, 0.75)),
            "tax_paid": self._yuan(revenue * r.uniform(0.01, 0.06)),
            "equity_financing": r.choice(
                (None, self._yuan(0), self._yuan(0), self._yuan(r.uniform(200, 5000) * 10_000))
            ),
        }

    # --- IP and credentials -----------------------------------------------------------------------

    def _ip_assets(self, name: str, tech: bool, registered: date) -> list[dict[str, Any]]:
        r = self.rng
        counts = (
            {
                "invention_patent": r.choice((0, 0, 1, 1, 2, 3, 5)),
                "utility_model": r.randint(0, 8),
                "software_copyright": r.randint(0, 8),
                "design_patent": r.randint(0, 2),
            }
            if tech
            else {"software_copyright": r.choice((0, 0, 1)), "design_patent": r.choice((0, 0, 1))}
        )
        assets = [self._ip(kind, registered) for kind, n in counts.items() for _ in range(n)]
        if r.random() < 0.4:
            assets.append(self._ip("trademark", registered))
        return assets

    def _ip(self, kind: str, registered: date) -> dict[str, Any]:
        r = self.rng
        status = r.choice(("valid",) * 8 + ("pending", "expired"))
        granted = None if status == "pending" else self._date(max(registered, date(2016, 1, 1)), self.as_of)
        year = (granted or self.as_of).year
        if kind == "software_copyright":
            title, number = (
                f"{r.choice(w.SOFTWARE_SUBJECTS)}V{r.randint(1, 3)}.0",
                f"{year}SR{r.randint(0, 9999999):07d}",
            )
        elif kind == "trademark":
            title, number = r.choice(w.TRADEMARK_WORDS), str(r.randint(10_000_000, 79_999_999))
        else:
            prefix = {"invention_patent": "一种", "utility_model": "一种", "design_patent": ""}[kind]
            digit = {"invention_patent": 1, "utility_model": 2, "design_patent": 3}[kind]
            title = prefix + r.choice(w.PATENT_SUBJECTS)
            number = f"ZL{year - 1}{digit}{r.randint(0, 9999999):07d}.{r.randint(0, 9)}"
        return {
            "kind": kind,
            "title": title,
            "number": number,
            "status": status,
            "grant_date": granted,
            "acquisition": r.choice(("own",) * 6 + ("transfer", None)),
            "core_to_main_product": self._maybe(r.random() < 0.7, 0.7),
            "used_in_hnte": None,
        }

    def _credentials(self, years: list[dict], ips: list[dict], tech: bool, registered: date) -> list[dict]:
        r = self.rng
        creds: list[dict[str, Any]] = []
        if tech and registered.year <= 2022 and len(years) >= 2 and r.random() < 0.45:
            issued = date(r.choice((2023, 2024, 2025)), r.choice((11, 12)), r.randint(1, 28))
            if issued < self.as_of:
                creds.append(
                    {
                        "kind": "hnte",
                        "title": "高新技术企业证书",
                        "level": "national",
                        "issued_on": issued,
                        "expires_on": issued.replace(year=issued.year + 3) - timedelta(days=1),
                        "number": f"GR{issued.year}31{r.randint(0, 9999):06d}",
                        "year": issued.year,
                    }
                )
                for ip in ips[: r.randint(0, len(ips))]:
                    ip["used_in_hnte"] = ip["kind"] != "trademark"
        if tech and r.random() < 0.5:
            year = r.choice((2025, 2026))
            creds.append(
                {
                    "kind": "tech_sme",
                    "title": "科技型中小企业",
                    "year": year,
                    "number": f"{year}310110{r.randint(0, 99999):05d}{r.choice('ABCDE')}",
                }
            )
        for kind, chance, level in (
            ("innovative_sme", 0.2, "municipal"),
            ("zjtx_sme", 0.1, "municipal"),
            ("little_giant", 0.01, "national"),
            ("standard_led", 0.03, "national"),
            ("provincial_rd_institution", 0.03, "municipal"),
        ):
            if tech and r.random() < chance:
                creds.append(self._titled(kind, level))
        for kind, chance in (
            ("demo_unit_municipal", 0.05),
            ("demo_project_municipal", 0.06),
            ("demo_unit_national", 0.01),
            ("wenchuang_funded", 0.04),
        ):
            if r.random() < chance:
                creds.append(self._titled(kind, "national" if "national" in kind else "municipal"))
        return creds

    def _titled(self, kind: str, level: str) -> dict[str, Any]:
        issued = self._date(date(2021, 1, 1), self.as_of - timedelta(days=30))
        expires = (
            issued.replace(year=issued.year + 3)
            if kind in ("innovative_sme", "zjtx_sme", "little_giant")
            else None
        )
        return {
            "kind": kind,
            "title": domain.CREDENTIAL_KINDS[kind][0],
            "level": level,
            "issued_on": issued,
            "expires_on": expires,
            "year": issued.year,
            "number": None,
        }

    # --- compliance, contacts, interactions, tasks ------------------------------------------------

    def _compliance(self, e: Any) -> dict[str, Any]:  # a DemoEnterprise
        r = self.rng
        kind = r.choice(list(w.COMPLIANCE_TEXTS))
        if kind == "abnormal_operation":
            e.data["abnormal_operation_listed"] = True
        return {
            "kind": kind,
            "severity": r.choice(("minor", "minor", "serious")),
            "occurred_on": self._date(date(2022, 1, 1), self.as_of),
            "description": w.COMPLIANCE_TEXTS[kind],
        }

    def _contact(self, primary: bool) -> dict[str, Any]:
        r = self.rng
        name = r.choice(w.SURNAMES) + "".join(r.sample(w.GIVEN_CHARS, r.choice((1, 2, 2))))
        phone = r.choice(w.MOBILE_PREFIXES) + f"{r.randint(0, 99_999_999):08d}"
        return {
            "name": name,
            "position": r.choice(w.POSITIONS),
            "phone": None if r.random() < 0.05 else phone,
            "email": None,
            "is_primary": primary,
        }

    def _interaction(self) -> dict[str, Any]:
        r = self.rng
        day = self._date(self.as_of - timedelta(days=540), self.as_of)
        return {
            "kind": r.choice(("visit", "visit", "call", "call", "meeting", "message")),
            "occurred_on": day,
            "summary": r.choice(w.INTERACTION_SUMMARIES).format(year=day.year - 1),
            "follow_up": r.choice(w.FOLLOW_UPS),
            "officer": r.choice(OFFICERS[:3])["username"],
        }

    def _task(self) -> dict[str, Any]:
        r = self.rng
        status = r.choice(("open", "open", "done", "cancelled"))
        due = self.as_of + timedelta(days=r.randint(-60, 120))
        return {
            "title": r.choice(w.TASK_TITLES),
            "due_date": due,
            "status": status,
            "notes": None,
            "assignee": r.choice(OFFICERS[:3])["username"],
        }

    # --- small helpers ----------------------------------------------------------------------------

    def _date(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def _maybe(self, value: Any, known: float) -> Any:
        return value if self.rng.random() < known else None

    @staticmethod
    def _wan(amount: float) -> Decimal:
        return Decimal(amount * 10_000).quantize(Decimal("0.01"))

    @staticmethod
    def _yuan(amount: float | None) -> Decimal | None:
        return None if amount is None else Decimal(round(amount * 100)).scaleb(-2)
