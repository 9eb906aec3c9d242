"""HTTP/websocket load bench: N officers for T seconds against a running `huiqi serve` on PostgreSQL.

The smaller run of issue 7's load item, through the real server as browsers use it: each simulated
officer (an asyncio task with its own cookie jar) signs in on /login by speaking NiceGUI's socket.io
protocol (the page's elements are parsed from its HTML, the inputs' and the button's events are
emitted as a browser would), then loops over page loads (enterprise list, one enterprise, 工作台) and
edits: open one enterprise, click 编辑, type a note, wait a moment (others may save meanwhile), click
保存, and read the server's answer (已保存, or the Chinese conflict). A share of edits aims at a few
"hot" enterprises everyone touches; now and then an officer signs in afresh.

Checks at the end: zero server errors (HTTP 5xx, tracebacks in the server's output, pages or
events that got no answer), and zero lost updates (per enterprise: final version = 1 + saves
acknowledged in the browser, the audit trail's note changes are exactly the acknowledged ones).
Prints p50/p95 per request kind.

Usage: python bench/bench_load_http.py [--officers 5] [--seconds 30]
PostgreSQL from HUIQI_BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres); a
temporary database is created and dropped. The server binds 127.0.0.1 only and is stopped at the end.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import socketio  # noqa: E402

from crm import config, db  # noqa: E402

ENTERPRISES, HOT, HOT_SHARE = 60, 3, 0.4
PASSWORD = "bench password 9"
SECRET = "bench-only-storage-secret-0123456789"
ANSWER_TIMEOUT = 15.0  # seconds a page or an event may take before it counts as "no answer"


@dataclass
class Log:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    acks: dict[int, list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )  # enterprise id -> notes saved
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def time(self, kind: str, started: float) -> None:
        self.latencies[kind].append(time.perf_counter() - started)


class ServerError(Exception):
    """The server answered 5xx, or not at all."""


# --- one officer -------------------------------------------------------------------------------


async def officer(n: int, base: str, ids: list[int], deadline: float, log: Log) -> None:
    rnd = random.Random(n)
    async with httpx.AsyncClient(base_url=base, timeout=ANSWER_TIMEOUT, follow_redirects=False) as http:
        signed_in = False
        while time.monotonic() < deadline:
            target = rnd.choice(ids[:HOT]) if rnd.random() < HOT_SHARE else rnd.choice(ids)
            op = rnd.random()
            try:
                if not signed_in or op < 0.05:
                    http.cookies.clear()  # a fresh browser: a new session that must sign in
                    await sign_in(http, f"officer{n:02d}", log)
                    signed_in = True
                elif op < 0.40:
                    await page(http, "/enterprises", "page_list", log)
                elif op < 0.65:
                    await page(http, f"/enterprises/{target}", "page_detail", log)
                elif op < 0.75:
                    await page(http, "/", "page_home", log)
                else:
                    await edit(http, target, f"o{n:02d}-{uuid.uuid4().hex[:8]}", rnd, log)
            except (ServerError, httpx.HTTPError, socketio.exceptions.SocketIOError, TimeoutError) as exc:
                log.errors.append(f"officer{n:02d}: {type(exc).__name__}: {exc}")


async def sign_in(http: httpx.AsyncClient, username: str, log: Log) -> None:
    started = time.perf_counter()
    html = await page(http, "/login", "page_login", log)
    async with Browser(http, html) as tab:
        await tab.type_into("用户名", username)
        await tab.type_into("密码", PASSWORD)
        clicked = time.perf_counter()
        await tab.click("登录")
        await tab.wait_for(lambda kind, data: kind == "open")  # ui.navigate.to after success
        log.time("ws_login", clicked)
    log.time("sign_in_total", started)
    response = await http.get("/enterprises")
    if response.status_code != 200:
        raise ServerError(f"after signing in as {username}, /enterprises answered {response.status_code}")


async def page(http: httpx.AsyncClient, path: str, kind: str, log: Log) -> str:
    started = time.perf_counter()
    response = await http.get(path)
    if response.status_code >= 500:
        log.counts["http_5xx"] += 1
        raise ServerError(f"GET {path}: {response.status_code}")
    if response.status_code != 200:
        raise ServerError(f"GET {path}: {response.status_code} {response.headers.get('location', '')}")
    log.time(kind, started)
    return response.text


async def edit(http: httpx.AsyncClient, eid: int, value: str, rnd: random.Random, log: Log) -> None:
    html = await page(http, f"/enterprises/{eid}", "page_detail", log)
    async with Browser(http, html) as tab:
        started = time.perf_counter()
        await tab.click("编辑")
        await tab.wait_for(lambda kind, data: kind == "update" and tab.find("备注") is not None)
        log.time("ws_open_form", started)
        await tab.type_into("备注", value)
        await asyncio.sleep(rnd.random() * 0.5)  # an officer types: others may save meanwhile
        started = time.perf_counter()
        await tab.click("保存")
        kind, data = await tab.wait_for(lambda kind, data: kind == "notify")
        log.time("ws_save", started)
    message = str(data.get("message", ""))
    if message == "已保存":
        log.counts["saved"] += 1
        log.acks[eid].append(value)
    elif message.startswith("保存失败"):
        log.counts["conflict"] += 1
    else:
        raise ServerError(f"saving #{eid} answered {message!r}")


class Browser:
    """One page as a browser holds it: its elements, and a socket.io connection to the server."""

    def __init__(self, http: httpx.AsyncClient, html: str) -> None:
        self.http, self.elements, self.query = http, _elements(html), _query(html)
        self.sio = socketio.AsyncClient(reconnection=False)
        self.inbox: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.sio.on("*", self._received)

    async def __aenter__(self) -> Browser:
        self.query.update(document_id=uuid.uuid4().hex, tab_id=uuid.uuid4().hex, old_tab_id="")
        url = str(self.http.base_url).rstrip("/") + "?" + httpx.QueryParams(self.query).__str__()
        cookie = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        await self.sio.connect(
            url,
            socketio_path="/_nicegui_ws/socket.io",
            transports=["websocket"],
            headers={"Cookie": cookie},
            wait_timeout=ANSWER_TIMEOUT,
        )
        if self.query.get("implicit_handshake") != "true":
            ok = await self.sio.call("handshake", self.query, timeout=ANSWER_TIMEOUT)
            if not ok:
                raise ServerError("handshake refused")
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.sio.disconnect()

    async def _received(self, kind: str, data: Any = None) -> None:
        if kind == "update" and isinstance(data, dict):
            for key, element in data.items():
                if key.isdigit() and isinstance(element, dict):
                    self.elements[key] = element
        await self.inbox.put((kind, data))

    async def wait_for(self, wanted: Any) -> tuple[str, Any]:
        async with asyncio.timeout(ANSWER_TIMEOUT):
            while True:
                kind, data = await self.inbox.get()
                if wanted(kind, data):
                    return kind, data

    def find(self, label: str) -> str | None:
        """The id of the visible field labelled, or the button reading, ``label``."""
        for key, element in self.elements.items():
            props = element.get("props", {})
            if label in (props.get("label"), element.get("text")) and element.get("events"):
                return key
        return None

    async def type_into(self, label: str, value: str) -> None:
        await self._emit(label, "update:", [json.dumps(value)])  # update:value, update:modelValue

    async def click(self, label: str) -> None:
        await self._emit(label, "click", [])

    async def _emit(self, label: str, event: str, args: list[str]) -> None:
        key = self.find(label)
        if key is None:
            raise ServerError(f"no element {label!r} on the page")
        listener = next(e["listener_id"] for e in self.elements[key]["events"] if e["type"].startswith(event))
        await self.sio.emit(
            "event",
            {"id": int(key), "client_id": self.query["client_id"], "listener_id": listener, "args": args},
        )


def _elements(html: str) -> dict[str, Any]:
    raw = re.search(r"parseElements\(String\.raw`(.*?)`\)", html, re.S)
    if raw is None:
        raise ServerError("the page holds no NiceGUI elements")
    text_ = raw.group(1)
    for entity, char in (("&#36;", "$"), ("&#96;", "`"), ("&gt;", ">"), ("&lt;", "<"), ("&amp;", "&")):
        text_ = text_.replace(entity, char)
    return json.loads(text_)


def _query(html: str) -> dict[str, Any]:
    found = re.search(r"query: (\{.*?\}),\n", html)
    if found is None:
        raise ServerError("the page holds no socket.io query")
    query = ast.literal_eval(found.group(1))  # a Python dict in the page (nicegui.js defines True/False)
    return {k: str(v).lower() if isinstance(v, bool) else v for k, v in query.items()}


# --- the run -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    server = os.environ.get("HUIQI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    with db.scratch_database(server, prefix="huiqi_bench") as url:
        return run(url, args.officers, args.seconds)


def run(url: str, officers: int, seconds: float) -> int:
    with tempfile.TemporaryDirectory(prefix="huiqi-bench-http-") as tmp:
        return _run_in(Path(tmp), url, officers, seconds)


def _run_in(data_dir: Path, url: str, officers: int, seconds: float) -> int:
    settings = config.load_settings({"HUIQI_DATABASE_URL": url, "HUIQI_DATA_DIR": str(data_dir)})
    config.override_settings(replace(settings, mode="server", storage_secret=SECRET))
    ids = seed(officers)
    db.dispose_engines()
    log, server_log = Log(), data_dir / "server.log"
    with serving(data_dir, url, server_log) as base:
        started = time.monotonic()
        asyncio.run(_all(officers, base, ids, started + seconds, log))
        elapsed = time.monotonic() - started
    output = server_log.read_text(encoding="utf-8", errors="replace")
    tracebacks = output.count("Traceback (most recent call last)")
    problems = verify(ids, log)
    _report(officers, elapsed, log, problems, tracebacks)
    if tracebacks:
        print("  the server's output ends with:\n" + output[-3000:])
    return 1 if problems or log.errors or tracebacks else 0


@contextmanager
def serving(data_dir: Path, url: str, output: Path) -> Iterator[str]:
    """`huiqi serve` on 127.0.0.1 over ``url`` until the block ends; its output goes to ``output``."""
    env = {
        **os.environ,
        "HUIQI_DATABASE_URL": url,
        "HUIQI_DATA_DIR": str(data_dir),
        "HUIQI_STORAGE_SECRET": SECRET,
    }
    port = _free_port()
    with output.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from ui.cli import main; main()",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, proc)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def _all(officers: int, base: str, ids: list[int], deadline: float, log: Log) -> None:
    await asyncio.gather(*(officer(n, base, ids, deadline, log) for n in range(officers)))


def seed(officers: int) -> list[int]:
    """The first admin, the officers' accounts and the enterprises, written through crm."""
    from crm.auth import hash_password
    from crm.db import session_scope
    from crm.services import auth, enterprises
    from crm.services.auth import Principal, acting_as
    from crm.store import create_officer

    chief = Principal("chief", "admin", "王主任")
    with acting_as(chief), session_scope() as session:
        create_officer(
            session=session,
            actor="bench",
            password_hash=hash_password(PASSWORD),
            data={"username": "chief", "display_name": "王主任", "role": "admin"},
        )
    with acting_as(chief):
        for n in range(officers):
            auth.create_account(
                {"username": f"officer{n:02d}", "display_name": f"专员{n:02d}", "role": "officer"}, PASSWORD
            )
        return [
            int(enterprises.create_enterprise({"name": f"上海压测体育{i:03d}有限公司"}).id)
            for i in range(ENTERPRISES)
        ]


def verify(ids: list[int], log: Log) -> list[str]:
    """Every save acknowledged in a browser is stored and audited; nothing else is."""
    from crm.services import enterprises as svc
    from crm.services.auth import Principal, acting_as

    problems = []
    with acting_as(Principal("chief", "admin", "王主任")):
        for eid in ids:
            acks = log.acks.get(eid, [])
            final = svc.get_enterprise(eid)
            if final.version != 1 + len(acks):
                problems.append(f"#{eid}: final version {final.version}, {len(acks)} saves acknowledged")
            trail = [e.new for e in svc.history(eid) if e.field == "notes" and e.action == "update"]
            if sorted(trail) != sorted(acks):
                problems.append(
                    f"#{eid}: audit trail has {len(trail)} note changes, {len(acks)} were acknowledged"
                )
            if acks and final.notes not in acks:
                problems.append(f"#{eid}: final notes {final.notes!r} were never acknowledged")
    return problems


def _report(officers: int, elapsed: float, log: Log, problems: list[str], tracebacks: int) -> None:
    total = sum(len(v) for k, v in log.latencies.items() if k != "sign_in_total")
    print(
        f"HTTP/websocket load bench: {officers} officers, {elapsed:.0f} s, huiqi serve on PostgreSQL, "
        f"{os.cpu_count()} CPUs shared by server and clients"
    )
    print(
        f"  requests {total} ({total / elapsed:.1f}/s); saves acknowledged {log.counts['saved']}, "
        f"conflicts shown to the loser {log.counts['conflict']}"
    )
    for name, values in sorted(log.latencies.items()):
        values = sorted(values)
        p95 = values[int(0.95 * (len(values) - 1))]
        print(
            f"  {name:<14} n={len(values):<5} p50={statistics.median(values) * 1000:7.1f} ms  "
            f"p95={p95 * 1000:7.1f} ms"
        )
    print(
        f"  lost updates: {len(problems)}   HTTP 5xx: {log.counts['http_5xx']}   server tracebacks: {tracebacks}"
        f"   failed requests: {len(log.errors)}"
    )
    for line in (problems + log.errors)[:10]:
        print("   ", line)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(base: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"huiqi serve exited with {proc.returncode}")
        try:
            if httpx.get(base + "/login", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit(f"huiqi serve did not answer at {base} within {timeout} s")


if __name__ == "__main__":
    sys.exit(main())
