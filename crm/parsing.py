"""Parse values the way officers write them: dates, amounts, yes/no, full-width characters.

Every parser returns the value or raises ``ValueError``; ``None``/blank means unknown and stays ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
# a date exported as text with a midnight time: "2019-03-05 00:00:00", "2019/3/5 0:00"
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_EXCEL_EPOCH = date(1899, 12, 30)
_UNITS = {
    "元": Decimal(1),
    "万元": Decimal(10_000),
    "万": Decimal(10_000),
    "亿元": Decimal(100_000_000),
    "亿": Decimal(100_000_000),
}
_YES = {"是", "有", "y", "yes", "true", "1", "√", "✓", "对"}
_NO = {"否", "无", "n", "no", "false", "0", "×", "✗", "不是"}


def normalize_text(value: object) -> str:
    """NFKC (full-width digits, letters and brackets to half-width) and trimmed."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and normalize_text(value) in ("", "-", "—", "/"))


def parse_date(value: object) -> date | None:
    """2019-03-05, 2019/3/5, 2019.3.5, 2019年3月5日, 20190305, an Excel serial, or a date."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_excel_serial(float(value))
    text = _TIME_SUFFIX.sub("", normalize_text(value))
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _from_excel_serial(float(text))
    raise ValueError(text)


def _from_excel_serial(serial: float) -> date:
    if not 1 <= serial < 2_958_466:
        raise ValueError(str(serial))
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def parse_money(value: object, default_unit: str = "元") -> Decimal | None:
    """An amount in CNY: '1,234.5', '1234.5元', '120万元', '1.2亿', full-width digits; to the fen."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, int | float | Decimal):
        return _fen(Decimal(str(value)), _UNITS[default_unit], value)
    text = normalize_text(value).replace(",", "").replace(" ", "").replace("￥", "").replace("¥", "")
    text = text.removeprefix("人民币").removesuffix("人民币").removesuffix("RMB")
    unit = default_unit
    for suffix in sorted(_UNITS, key=len, reverse=True):
        if text.endswith(suffix):
            text, unit = text[: -len(suffix)], suffix
            break
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(str(value)) from exc
    return _fen(amount, _UNITS[unit], value)


_MAX_AMOUNT = Decimal(10) ** 15  # 1e15 yuan: far above any enterprise figure, far below int64 fen


def _fen(amount: Decimal, unit: Decimal, raw: object) -> Decimal:
    """``amount * unit`` to the fen; NaN, infinities and absurd magnitudes are a ValueError, not a crash."""
    if not amount.is_finite() or abs(amount) >= _MAX_AMOUNT:
        raise ValueError(str(raw))
    amount *= unit
    if abs(amount) >= _MAX_AMOUNT:
        raise ValueError(str(raw))
    return amount.quantize(Decimal("0.01"))


def parse_int(value: object) -> int | None:
    """A whole number, allowing '1,200', '12人', full-width digits and 12.0."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, int):
        return value
    text = normalize_text(value).replace(",", "").rstrip("人个件项年")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(str(value)) from exc
    # a huge exponent ("1e999999") would build a million-digit int: bounded before converting
    if not number.is_finite() or abs(number) >= 10**18 or number != number.to_integral_value():
        raise ValueError(str(value))
    return int(number)


def parse_bool(value: object) -> bool | None:
    """是/否, yes/no, true/false, 1/0, √/×; blank is unknown."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = normalize_text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(str(value))


def parse_list(value: object) -> list[str]:
    """Tags or names separated by commas, Chinese commas, semicolons or 、."""
    if is_blank(value):
        return []
    if isinstance(value, list | tuple):
        items = [normalize_text(v) for v in value]
    else:
        items = re.split(r"[,;，；、\n]+", normalize_text(value))
    seen: dict[str, None] = {}
    for item in items:
        if item.strip():  # "五角场 ; 重点" -> two names, without the spaces around them
            seen.setdefault(item.strip(), None)
    return list(seen)
