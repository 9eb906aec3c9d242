"""Pack rendering speed: our renderer vs a plain ``HTML(string=...).write_pdf()`` of the same HTML and fonts.

    .venv/bin/python bench/bench_packs.py [--runs 7] [--throughput 24]

Prints the median time of a typical pack (the sample in ``crm.packs.sample``), the baseline, the ratio,
the file sizes, and the throughput of rendering on 2 processes extrapolated to 1,000 packs. The
baseline is run twice: with HarfBuzz-Subset (what WeasyPrint uses when libharfbuzz-subset0 is
installed) and with WeasyPrint's fontTools fallback (a machine without it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crm.packs import Renderer  # noqa: E402
from crm.packs.fonts import FACES, SubsetCache, _hb  # noqa: E402
from crm.packs.sample import sample_context  # noqa: E402

TEMPLATES = ROOT / "templates"
NAMES = ["上海堃喆体育科技有限公司", "上海珺昇健身管理有限公司", "上海旻玥电竞文化传播有限公司", "上海翀镕赛事运营有限公司",
         "上海彧辰体育发展有限公司", "上海跃动青少年体育培训有限公司", "上海江湾滨江运动休闲有限公司", "上海五角场智能体育装备有限公司"]


def main() -> None:
    args = _args()
    html = Renderer(TEMPLATES).render_html(sample_context())
    ours, ours_pdf = _time(lambda: Renderer(TEMPLATES, SubsetCache()).render_pdf(sample_context()), args.runs)
    base_dir = _baseline_dir()
    base, base_pdf = _time(lambda: _baseline(html, base_dir), args.runs)
    _print_row("ours (HarfBuzz-Subset present)" if _hb() else "ours (fontTools)", ours, ours_pdf)
    _print_row("baseline, same machine", base, base_pdf)
    print(f"ratio baseline/ours: {base / ours:.2f}x")
    if args.throughput:
        _throughput(args.throughput)
    if _hb() is not None and not args.skip_fonttools:
        _without_harfbuzz_subset()
        ft_runs = max(2, args.runs // 3)
        ours_ft, ours_ft_pdf = _time(lambda: Renderer(TEMPLATES, SubsetCache()).render_pdf(sample_context()), ft_runs)
        base_ft, base_ft_pdf = _time(lambda: _baseline(html, base_dir), ft_runs)
        _print_row("ours, fontTools fallback (no libharfbuzz-subset0)", ours_ft, ours_ft_pdf)
        _print_row("baseline, fontTools fallback", base_ft, base_ft_pdf)
        print(f"ratio baseline/ours without HarfBuzz-Subset: {base_ft / ours_ft:.2f}x")


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--throughput", type=int, default=24, help="packs rendered on 2 processes (0: skip)")
    parser.add_argument("--skip-fonttools", action="store_true", help="skip the no-HarfBuzz-Subset comparison")
    return parser.parse_args()


def _time(render, runs: int) -> tuple[float, bytes]:
    pdf = render()  # warm-up: imports, font files in the page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        pdf = render()
        times.append(time.perf_counter() - start)
    return statistics.median(times), pdf


def _baseline_dir() -> Path:
    """The same stylesheet, its @font-face pointing at the full font files of the wheel."""
    folder = Path(tempfile.mkdtemp(prefix="huiqi-bench-"))
    css = (TEMPLATES / "pack.css").read_text(encoding="utf-8")
    for name, face in FACES.items():
        css = css.replace(f"fonts/{name}", face.path.as_uri())
    (folder / "pack.css").write_text(css, encoding="utf-8")
    return folder


def _baseline(html: str, folder: Path) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(folder) + "/").write_pdf()


def _without_harfbuzz_subset() -> None:
    import logging

    import weasyprint.pdf.fonts as weasy_fonts

    weasy_fonts.harfbuzz_subset = None
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # one "using fontTools" warning per face
    _hb.cache_clear()
    import crm.packs.fonts as ours

    ours._hb = lambda: None  # type: ignore[assignment]


def _render_named(name: str) -> int:
    return len(_worker_renderer().render_pdf(sample_context(name=name)))


_renderer: Renderer | None = None


def _worker_renderer() -> Renderer:
    global _renderer
    if _renderer is None:
        _renderer = Renderer(TEMPLATES, SubsetCache())
    return _renderer


def _throughput(count: int) -> None:
    names = [f"{NAMES[i % len(NAMES)]}{i}" for i in range(count)]  # distinct character sets, no cache hits
    import multiprocessing

    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_render_named, NAMES[:2]))  # start both workers (imports) before timing
        start = time.perf_counter()
        sizes = list(pool.map(_render_named, names))
        elapsed = time.perf_counter() - start
    per_pack = elapsed / count
    print(f"throughput, 2 processes, render only (no database): {count} packs in {elapsed:.1f} s "
          f"({per_pack:.3f} s/pack); EXTRAPOLATED to 1,000 packs: {per_pack * 1000 / 60:.1f} min; "
          f"mean size {statistics.mean(sizes) / 1024:.0f} KB")


def _print_row(label: str, seconds: float, pdf: bytes) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    print(f"{label:55s} median {seconds:6.3f} s  {pages:2d} pages  {len(pdf) / 1024:7.0f} KB")


if __name__ == "__main__":
    main()
