"""Start-up of light `huiqi` commands: CPU and wall seconds, and the heavy modules each one loads.

Baseline: the code of a named commit (default fa8d8f3, main before the start-up work), extracted with
`git archive` and run with the same interpreter, side by side with the working tree. Each side gets its
own scratch data dir with 20 demo enterprises (loaded by its own code, so each schema matches its code).
Prints, per command, the median of N runs and the ratio baseline / now.

    python bench/bench_startup.py [--baseline COMMIT] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "sqlalchemy", "alembic", "weasyprint", "nicegui", "rich", "pydantic")
COMMANDS = (
    ["--help"],
    ["rules", "check"],
    ["match", "--profile", "policy_rules/examples/profile.yaml", "--on", "2026-05-18"],
    ["match", "--enterprise", "1", "--on", "2026-05-18"],
)
RUN = (
    "import sys\nsys.argv = ['huiqi', *sys.argv[1:]]\nfrom ui.cli import main\ntry:\n    main()\n"
    "finally:\n    print('HEAVY', *sorted(m for m in {HEAVY} if m in sys.modules), file=sys.stderr)\n"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default="fa8d8f3")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        _extract(args.baseline, base)
        sides = {"baseline": base, "now": ROOT}
        envs = {name: _env(code, Path(tmp) / f"data-{name}") for name, code in sides.items()}
        for name, code in sides.items():
            _run(code, envs[name], ["demo", "--count", "20", "--no-pipeline"])
        print(
            f"{'command':<44} {'baseline CPU':>12} {'now CPU':>8} {'ratio':>6} {'now wall':>9}  heavy modules now"
        )
        for command in COMMANDS:
            before = [_timed(base, envs["baseline"], command) for _ in range(args.runs)]
            after = [_timed(ROOT, envs["now"], command) for _ in range(args.runs)]
            cpu_b = statistics.median(r[0] for r in before)
            cpu_a = statistics.median(r[0] for r in after)
            wall_a = statistics.median(r[1] for r in after)
            print(
                f"{'huiqi ' + ' '.join(command)[:38]:<44} {cpu_b:>11.3f}s {cpu_a:>7.3f}s {cpu_b / cpu_a:>5.1f}x "
                f"{wall_a:>8.3f}s  {after[-1][2] or '-'}"
            )
        print(f"baseline = {args.baseline}; CPU = user+sys of the child, median of {args.runs} runs")


def _extract(commit: str, into: Path) -> None:
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True).stdout
    with tempfile.TemporaryFile() as f:
        f.write(archive)
        f.seek(0)
        with tarfile.open(fileobj=f) as tar:
            tar.extractall(into, filter="data")


def _env(code: Path, data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUIQI_")}
    return env | {
        "PYTHONPATH": str(code),
        "HUIQI_DATA_DIR": str(data),
        "HUIQI_RULES_DIR": str(code / "policy_rules"),
    }


def _run(code: Path, env: dict[str, str], command: list[str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", RUN.format(HEAVY=HEAVY), *command],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
    )
    return done.stderr


def _timed(code: Path, env: dict[str, str], command: list[str]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    stderr = _run(code, env, command)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    heavy = next((line[6:] for line in stderr.splitlines() if line.startswith("HEAVY")), "")
    return cpu, wall, heavy.strip().replace(" ", ",")


if __name__ == "__main__":
    main()
