"""The enterprise's 资料补充 tab: its data requests (sent, due, status), a button that makes a new one, and
where each held value came from (hover a row for who and when), with "已核实" for a checked value."""

from __future__ import annotations

from dataclasses import dataclass

from nicegui import ui

from crm.errors import HuiqiError
from crm.i18n import register
from crm.services import provenance
from crm.services import requests as rq
from ui.background import io_bound
from ui.format import show_date
from ui.i18n_ui import tr

register(
    {
        "ui.detail.tab.requests": ("资料补充", "Data requests"),
        "requests.tab.make": ("生成企业信息补充表", "Make a data request"),
        "requests.tab.making": ("正在生成……", "Making…"),
        "requests.tab.none": ("还没有向该企业发过补充表", "No data request has been sent to this enterprise"),
        "requests.tab.row": (
            "{created} 发出 · {due} 前交回 · {status} · 待填 {asked} 项",
            "sent {created} · due {due} · {status} · {asked} items",
        ),
        "requests.tab.applied": ("已写入 {n} 项", "{n} values written"),
        "requests.tab.close": ("结束", "Close"),
        "requests.tab.asked": ("所问：{labels}", "Asked: {labels}"),
        "requests.tab.sources": ("数据来源", "Where the values came from"),
        "requests.tab.sources_none": ("还没有任何数值", "No values held yet"),
        "requests.tab.verify": ("标为已核实", "Mark verified"),
        "requests.tab.verified": ("已标为已核实", "Marked verified"),
        "requests.tab.by": ("{actor} · {at}", "{actor} · {at}"),
        "requests.tab.field": ("项目", "Field"),
        "requests.tab.value": ("数值", "Value"),
        "requests.tab.source": ("来源", "Source"),
    }
)


def requests_tab(enterprise_id: int) -> None:
    """Render the data-requests tab of one enterprise."""
    RequestsTab(enterprise_id).build()


@dataclass(eq=False)  # refreshable methods find their targets by ==; identity is what we mean
class RequestsTab:
    enterprise_id: int
    making: bool = False

    def build(self) -> None:
        self.requests()
        self.sources()

    @ui.refreshable_method
    def requests(self) -> None:
        with ui.row().classes("items-center gap-2"):
            ui.button(tr("requests.tab.make"), icon="post_add", on_click=self.on_make).mark(
                "request-make"
            ).set_enabled(not self.making)
            if self.making:
                ui.spinner(size="sm")
        rows = rq.list_requests(enterprise_id=self.enterprise_id)
        if not rows:
            ui.label(tr("requests.tab.none")).classes("text-grey-7").mark("requests-none")
        for r in rows:
            with ui.row().classes("items-center gap-2 w-full").mark(f"request-row-{r['id']}"):
                ui.badge(r["status_zh"], color=_colour(r["status"]))
                ui.label(
                    tr(
                        "requests.tab.row",
                        created=show_date(r["created"]),
                        due=show_date(r["due"]),
                        status=r["status_zh"],
                        asked=r["asked"],
                    )
                ).classes("text-body2")
                with ui.icon("help_outline").classes("text-grey-6"):
                    ui.tooltip(tr("requests.tab.asked", labels="、".join(r["labels"])))
                if r["applied"]:
                    ui.label(tr("requests.tab.applied", n=r["applied"])).classes("text-caption text-positive")
                if r["status"] in ("sent", "overdue", "returned"):
                    ui.button(tr("requests.tab.close"), on_click=lambda i=r["id"]: self.on_close(i)).props(
                        "flat dense size=sm"
                    ).mark(f"request-close-{r['id']}")

    async def on_make(self) -> None:
        self.making = True
        self.requests.refresh()
        try:
            name, data = await io_bound(rq.request_workbook, self.enterprise_id)
            ui.download.content(data, name)
        except HuiqiError as exc:
            ui.notify(exc.message(), type="warning")
        finally:
            self.making = False
        self.requests.refresh()

    def on_close(self, request_id: int) -> None:
        rq.close_request(request_id)
        self.requests.refresh()

    @ui.refreshable_method
    def sources(self) -> None:
        ui.label(tr("requests.tab.sources")).classes("text-subtitle1 q-mt-md")
        rows = provenance.provenance_of(self.enterprise_id)
        if not rows:
            ui.label(tr("requests.tab.sources_none")).classes("text-grey-7")
            return
        with ui.grid(columns="auto auto auto auto").classes("gap-x-4 gap-y-1 items-center"):
            for header in ("field", "value", "source"):
                ui.label(tr(f"requests.tab.{header}")).classes("text-caption text-grey-7")
            ui.label("")
            for row in rows:
                ui.label(row["label"]).classes("text-body2")
                ui.label(row["value"]).classes("text-body2")
                with ui.label(row["source"]).classes(_source_class(row)).mark(f"source-{row['key']}"):
                    if row["at"] is not None:
                        ui.tooltip(
                            tr("requests.tab.by", actor=row["actor"], at=f"{row['at']:%Y-%m-%d %H:%M}")
                        )
                if row["verified"]:
                    ui.icon("verified", color="positive").mark(f"verified-{row['key']}")
                else:
                    ui.button(
                        tr("requests.tab.verify"), on_click=lambda k=row["key"]: self.on_verify(k)
                    ).props("flat dense size=sm no-caps").mark(f"verify-{row['key']}")

    def on_verify(self, key: str) -> None:
        provenance.mark_verified(self.enterprise_id, key)
        ui.notify(tr("requests.tab.verified"), type="positive")
        self.sources.refresh()


def _colour(status: str) -> str:
    return {"sent": "primary", "overdue": "negative", "returned": "positive", "closed": "grey"}[status]


def _source_class(row: dict) -> str:
    return "text-body2 " + ("text-warning" if row["reported"] else "text-positive" if row["verified"] else "")
