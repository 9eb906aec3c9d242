"""Run by test_crash_safety in a subprocess: a big one-transaction import that stops half-way to be killed."""

from __future__ import annotations

import sys
import time

from crm.services import intake


def main(rows: int) -> None:
    lines = ["企业名称,成立日期,注册资本,所属街道"]
    lines += [f"上海崩溃测试体育{i:05d}有限公司,2019-03-05,{100 + i}万元,五角场" for i in range(rows)]
    table = intake.read_file("\n".join(lines).encode("utf-8"), "big.csv")
    columns = intake.suggest_mapping(table)

    def progress(done: int, total: int) -> None:
        if done >= total // 2:
            print(f"HALF {done}", flush=True)  # rows are written, uncommitted: the parent kills us now
            time.sleep(120)

    intake.run_import(table, columns, progress=progress)
    print("FINISHED", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
