"""Pack rendering speed: our renderer vs a plain ``HTML(string=...).write_pdf()`` of the same HTML and fonts.

    .venv/bin/python bench/bench_packs.py [--runs 7] [--throughput 24] [--batch 40]

Prints the machine load, then the median time of a typical pack (the sample in ``crm.packs.sample``)
rendered the way a pack worker does (one warm renderer per process) and the baseline, run interleaved
(A, B, A, B ...) so that load changes hit both alike, as wall-clock and as CPU time (CPU time is much
less disturbed by other processes on a shared machine); the ratios, the file sizes; the throughput of
rendering on 2 processes; and an end-to-end batch (``make_packs``: database, matching, render, records,
zip) on demo enterprises, extrapolated to 1,000 packs. The baseline is run twice: with HarfBuzz-Subset
(what WeasyPrint uses when libharfbuzz-subset0 is installed) and without it, when WeasyPrint falls back
to fontTools (the conditions of the issue's figures); our renderer cuts fonts with uharfbuzz either way.
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
from crm.packs.fonts import FACES, SubsetCache, embed_as_cut  # noqa: E402
from crm.packs.sample import sample_context  # noqa: E402

TEMPLATES = ROOT / "templates"
NAMES = [
    "上海堃喆体育科技有限公司",
    "上海珺昇健身管理有限公司",
    "上海旻玥电竞文化传播有限公司",
    "上海翀镕赛事运营有限公司",
    "上海彧辰体育发展有限公司",
    "上海跃动青少年体育培训有限公司",
    "上海江湾滨江运动休闲有限公司",
    "上海五角场智能体育装备有限公司",
]


def main() -> None:
    args = _args()
    print(f"load at start: {_load()}")
    html = Renderer(TEMPLATES).render_html(sample_context())
    warm = Renderer(TEMPLATES, SubsetCache())
    base_dir = _baseline_dir()
    rows = _interleaved(
        {
            "ours": lambda: warm.render_pdf(sample_context()),
            "ours, cold renderer": lambda: Renderer(TEMPLATES, SubsetCache()).render_pdf(sample_context()),
            "baseline": lambda: _baseline(html, base_dir),
        },
        args.runs,
    )
    label = (
        "ours, warm renderer (system HarfBuzz-Subset)"
        if not embed_as_cut()
        else "ours, warm renderer (no HarfBuzz-Subset)"
    )
    _print_row(label, *rows["ours"])
    _print_row("ours, new renderer per pack", *rows["ours, cold renderer"])
    _print_row("baseline: plain HTML(string=...).write_pdf()", *rows["baseline"])
    (wall, cpu, _), (bwall, bcpu, _) = rows["ours"], rows["baseline"]
    print(
        f"ratio baseline/ours: wall {bwall / wall:.2f}x, CPU {bcpu / cpu:.2f}x  (target >= 3x; < 1 s median)"
    )
    if args.throughput:
        _throughput(args.throughput)
    if args.batch:
        _batch(args.batch)
    if not embed_as_cut() and not args.skip_fonttools:
        _without_harfbuzz_subset()
        ft = _interleaved(
            {
                "ours": lambda: Renderer(TEMPLATES, SubsetCache()).render_pdf(sample_context()),
                "baseline": lambda: _baseline(html, base_dir),
            },
            max(2, args.runs // 3),
        )
        _print_row("ours, no libharfbuzz-subset0 (fonts embedded as cut)", *ft["ours"])
        _print_row("baseline, fontTools fallback", *ft["baseline"])
        print(
            f"ratio baseline/ours without HarfBuzz-Subset: wall {ft['baseline'][0] / ft['ours'][0]:.2f}x, "
            f"CPU {ft['baseline'][1] / ft['ours'][1]:.2f}x"
        )
    print(f"load at end: {_load()}")


def _load() -> str:
    import os

    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--throughput", type=int, default=24, help="packs rendered on 2 processes (0: skip)")
    parser.add_argument(
        "--batch", type=int, default=40, help="demo enterprises in the end-to-end batch (0: skip)"
    )
    parser.add_argument(
        "--skip-fonttools", action="store_true", help="skip the no-HarfBuzz-Subset comparison"
    )
    return parser.parse_args()


def _interleaved(renders: dict, runs: int) -> dict[str, tuple[float, float, bytes]]:
    """name -> (median wall s, median CPU s, last PDF); one warm-up each, then A, B, A, B ..."""
    pdfs = {
        name: render() for name, render in renders.items()
    }  # warm-up: imports, font files in the page cache
    walls: dict[str, list[float]] = {name: [] for name in renders}
    cpus: dict[str, list[float]] = {name: [] for name in renders}
    for _ in range(runs):
        for name, render in renders.items():
            wall, cpu = time.perf_counter(), time.process_time()
            pdfs[name] = render()
            walls[name].append(time.perf_counter() - wall)
            cpus[name].append(time.process_time() - cpu)
    return {
        name: (statistics.median(walls[name]), statistics.median(cpus[name]), pdfs[name]) for name in renders
    }


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

    weasy_fonts.harfbuzz_subset = None  # what WeasyPrint sees on a machine without libharfbuzz-subset0
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # one "using fontTools" warning per face


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
    print(
        f"throughput, 2 processes, render only (no database): {count} packs in {elapsed:.1f} s "
        f"({per_pack:.3f} s/pack); EXTRAPOLATED to 1,000 packs: {per_pack * 1000 / 60:.1f} min; "
        f"mean size {statistics.mean(sizes) / 1024:.0f} KB"
    )


def _print_row(label: str, wall: float, cpu: float, pdf: bytes) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    print(
        f"{label:52s} median wall {wall:6.3f} s  CPU {cpu:6.3f} s  {pages:2d} pages  {len(pdf) / 1024:5.0f} KB"
    )


def _batch(count: int) -> None:
    """``make_packs`` end to end on demo enterprises in a throw-away data dir, on the kept 2-process pool."""
    import os

    folder = Path(tempfile.mkdtemp(prefix="huiqi-bench-batch-"))
    os.environ["HUIQI_DATA_DIR"] = str(folder / "data")
    os.environ.pop("HUIQI_DATABASE_URL", None)
    from crm import config
    from crm.demo import load_demo
    from crm.services import packs

    config.override_settings(config.load_settings())
    load_demo(count)
    ids = packs.select_enterprises()[:count]
    packs.make_packs(ids[:2], folder / "warm", workers=2, make_zip=False)  # start the kept pool (imports)
    start = time.perf_counter()
    result = packs.make_packs(ids, folder / "out", workers=2)
    elapsed = time.perf_counter() - start
    sizes = [r.size for r in result.made]
    per_pack = elapsed / len(ids)
    print(
        f"end-to-end batch (make_packs: DB, matching, render, records, zip), 2 processes: {len(result.made)} made, "
        f"{len(result.failed)} failed in {elapsed:.1f} s ({per_pack:.3f} s/pack, mean {statistics.mean(sizes) / 1024:.0f} KB, "
        f"max {max(sizes) / 1024:.0f} KB, {statistics.mean(r.pages for r in result.made):.1f} pages); "
        f"EXTRAPOLATED to 1,000 packs: {per_pack * 1000 / 60:.1f} min (target < 8 min)"
    )
    packs.shutdown_workers()


if __name__ == "__main__":
    main()
