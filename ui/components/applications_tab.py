"""The enterprise's 申报 tab: its applications with their stage, and the way to the 申报 board."""

from __future__ import annotations

from nicegui import ui

from crm.i18n import register
from crm.services import pipeline
from ui.format import money_wan, show_date
from ui.i18n_ui import lang, tr

register(
    {
        "ui.enterprise_apps.none": (
            "还没有申报。可在“政策匹配”中对符合的政策点“建申报”。",
            "No applications yet. Use 'Create application' on a policy in the match tab.",
        ),
        "ui.enterprise_apps.board": ("打开申报看板", "Open the applications board"),
        "ui.enterprise_apps.since": ("{stage}（{day} 起）", "{stage} (since {day})"),
        "ui.enterprise_apps.amount": ("获批 {amount} 万元", "Secured {amount} (10k CNY)"),
    }
)


def applications_tab(enterprise_id: int) -> None:
    """Render the applications of one enterprise (newest first)."""
    cards = pipeline.for_enterprise(enterprise_id)
    labels = {s.code: (s.label if lang() == "zh" else s.label_en) for s in pipeline.stages()}
    ui.link(tr("ui.enterprise_apps.board"), "/applications").mark("enterprise-apps-board")
    if not cards:
        ui.label(tr("ui.enterprise_apps.none")).classes("text-grey-7").mark("enterprise-apps-none")
        return
    with ui.list().props("dense separator").classes("w-full").mark("enterprise-apps"):
        for card in cards:
            with ui.item().mark(f"enterprise-app-{card.id}"):
                with ui.item_section():
                    ui.item_label(f"#{card.id} {card.policy} · {card.cycle}")
                    if card.owner:
                        ui.item_label(card.owner).props("caption")
                with ui.item_section().props("side"):
                    ui.label(
                        tr(
                            "ui.enterprise_apps.since",
                            stage=labels.get(card.stage, card.stage),
                            day=show_date(card.stage_since),
                        )
                    ).mark(f"enterprise-app-stage-{card.id}")
                    if card.amount is not None:
                        ui.label(tr("ui.enterprise_apps.amount", amount=money_wan(card.amount))).classes(
                            "text-caption"
                        )
