"""The digest as replies: the summary with the chart, one section per list, the CSV.

Every figure carries its unit (people, hours, days). Rendering reads `Figures` only, so it
runs after the transaction that gathered them has ended.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from handlers.context import Config
from handlers.hours.rules import hours_text
from handlers.staff.digest_files import render_chart, render_csv, render_csv_help
from handlers.staff.figures import AT_RISK_DAYS
from handlers.staff.matching import match_line
from handlers.types import Attachment, Reply
from handlers.vocab import INTERESTS, KINDS
from i18n import Translator, translator
from storage.clock import parse
from storage.digest import Figures
from storage.digest_lists import LIST_LIMIT, STUCK_HOURS, UNMET_WEEKS, WAITING_DAYS
from storage.offer_import import ImportRun

DIGEST_LOCALE = "nl"


def _e(value: object) -> str:
    return html.escape(str(value), quote=False)


def _day(t: Translator, moment: datetime | None, config: Config) -> str:
    return t.short_date(moment.astimezone(config.tz).date()) if moment else "–"


def _people(t: Translator, n: int) -> str:
    return t.ngettext("{n} person", "{n} people", n)


def summary_lines(figures: Figures, t: Translator) -> list[str]:
    week = figures.week
    logged = figures.logged
    return [
        "<b>"
        + t._("📊 Weekly digest {network}, week {week}", network=figures.network.name,
              week=week.number)
        + "</b>",
        t._("🗓️ {first} to {last}", first=t.short_date(week.monday),
            last=t.short_date(week.sunday)),
        t._("👋 New this week: {newcomers} and {buddies}",
            newcomers=t.ngettext("{n} newcomer", "{n} newcomers", len(figures.new_newcomers)),
            buddies=t.ngettext("{n} buddy", "{n} buddies", len(figures.new_buddies))),
        t._("🏃 Active this week: {people}", people=_people(t, figures.active_people)),
        t._("⏱️ Hours logged: {confirmed} confirmed, {pending} waiting, {disputed} disputed",
            confirmed=hours_text(t, logged.get("confirmed", 0)),
            pending=hours_text(t, logged.get("pending", 0)),
            disputed=hours_text(t, logged.get("disputed", 0))),
        t._("🏆 Reached the target: {n} this week ({total} in all)",
            n=_people(t, len(figures.reached)), total=figures.reached_total),
        t.ngettext("⚠️ At risk (no activity for {days} day): {people}",
                   "⚠️ At risk (no activity for {days} days): {people}",
                   AT_RISK_DAYS, days=AT_RISK_DAYS,
            people=_people(t, len(figures.at_risk))),
        t._("👋 Nudged this week: {people}", people=_people(t, len(figures.nudged))),
        t._("⚖️ Open disputes: {entries}",
            entries=t.ngettext("{n} entry", "{n} entries", figures.disputes_total)),
        t.ngettext("⏳ Waiting over {days} day for confirmation: {entries}",
                   "⏳ Waiting over {days} days for confirmation: {entries}",
                   WAITING_DAYS, days=WAITING_DAYS,
            entries=t.ngettext("{n} entry", "{n} entries", figures.waiting_total)),
        t.ngettext("📭 Deliveries failed: {failed}; not sent after {hours} hour: {stuck}",
                   "📭 Deliveries failed: {failed}; not sent after {hours} hours: {stuck}",
                   STUCK_HOURS,
            failed=t.ngettext("{n} message", "{n} messages", len(figures.failed)),
            hours=STUCK_HOURS,
            stuck=t.ngettext("{n} message", "{n} messages", len(figures.stuck))),
        t._("🤝 Active buddies: {people}", people=_people(t, len(figures.active_buddies))),
    ]  # fmt: skip


def _section(title: str, lines: list[str], empty: str, total: int | None = None) -> Reply:
    body = lines[:LIST_LIMIT] if lines else [empty]
    more = (total if total is not None else len(lines)) - len(body) if lines else 0
    if more > 0:
        body.append(f"… +{more}")
    return Reply(text="\n".join([f"<b>{title}</b>", *body]))


def _import_line(t: Translator, run: ImportRun, config: Config) -> str:
    """One import or sync: its figures, or that it failed and changed nothing."""
    when = f"• {_e(run.source)} — {_day(t, run.finished_at, config)}: "
    if run.outcome != "done":
        return when + t._("❌ failed, nothing changed ({error})", error=(run.error or "")[:80])
    return when + f"🆕 {run.new} · ✏️ {run.updated} · ⏹️ {run.deactivated} · 🚫 {len(run.rejected)}"


def _activity(t: Translator, item: dict[str, object]) -> str:
    kind = str(item.get("kind") or "other")
    return _e(item.get("activity_label") or item.get("provider_name")
              or t._(KINDS.get(kind, KINDS["other"])[1]))  # fmt: skip


def dispute_lines(figures: Figures, t: Translator) -> list[str]:
    """Who, what, both sides' words and how long it has waited, with the code to answer."""
    none = t._("(no words)")
    lines = []
    for d in figures.disputes:
        waited = (figures.week.end - d["disputed_at"]).days if d["disputed_at"] else 0
        lines.append(
            "• " + " — ".join([
                t._("🔢 code {code}", code="G" + str(d["id"])),
                _e(d["newcomer"] or "?"), _activity(t, d), _e(d["day"]),
                hours_text(t, d["minutes"]),
                t._("❌ {name}: “{words}”", name=d["confirmer"] or "?",
                    words=d["confirmer_note"] or none),
                t._("✍️ {name}: “{words}”", name=d["newcomer"] or "?",
                    words=d["logger_note"] or none),
                t.ngettext("⏳ {n} day waiting", "⏳ {n} days waiting", max(0, waited)),
            ])
        )  # fmt: skip
    return lines


def _waited(figures: Figures, created_at: str) -> int:
    created = parse(created_at)
    return (figures.week.end - created).days if created else 0


def _sections(figures: Figures, config: Config, t: Translator) -> list[Reply]:
    nothing = t._("➖ None this week")
    deliveries = [
        f"• {_e(f['name'])} — {_e(f['channel'])} — {_e(f['purpose'])} — " + (
            t._("❌ failed: {error}", error=f["error"][:80]) if state == "failed"
            else t._("⏳ not sent since {day}", day=_day(t, f["created_at"], config)))
        for state, f in [*(("failed", f) for f in figures.failed),
                         *(("stuck", f) for f in figures.stuck)][:LIST_LIMIT]
    ]  # fmt: skip
    delivery_total = len(figures.failed) + len(figures.stuck)
    return [
        _section(t._("⚖️ Disputed hours (answer in Telegram with /disputes)"),
                 dispute_lines(figures, t), nothing, figures.disputes_total),
        _section(t._("👋 New this week"),
                 [f"• {_e(p.name)} — {_e(p.municipality or p.place or '')} — "
                  f"{_e(', '.join(p.reach) or '–')}" for p in figures.new_newcomers]
                 + [f"• 🤝 {_e(name)}" for name in figures.new_buddies], nothing),
        _section(t._("🏆 Reached the target this week"),
                 [f"• {_e(p.name)} — {_e(p.municipality or p.place or '')}"
                  for p in figures.reached], nothing),
        _section(t.ngettext("⚠️ At risk: no activity for {days} day",
                            "⚠️ At risk: no activity for {days} days",
                            AT_RISK_DAYS, days=AT_RISK_DAYS),
                 ["• " + " — ".join([
                     t._("🔢 code {code}", code="P" + str(p.id)),
                     f"{_e(p.name)} ({_e(p.municipality or p.place or '')})",
                     t._("🕒 Last activity {day}", day=_day(t, p.last_activity, config)),
                     _e(", ".join(p.reach) or "–"),
                     *([t._("🤝 buddy {name}", name=p.buddy)] if p.buddy else []),
                 ]) for p in figures.at_risk], nothing),
        _section(t._("📥 Offer updates (🆕 new · ✏️ changed · ⏹️ ended · 🚫 refused)"),
                 [_import_line(t, run, config) for run in figures.imports], nothing),
        _section(t._("👋 Nudged this week"),
                 [f"• {_e(name)} — {_day(t, when, config)}" for name, when in figures.nudged],
                 nothing),
        _section(t.ngettext("⏳ Waiting over {days} day for confirmation",
                            "⏳ Waiting over {days} days for confirmation",
                            WAITING_DAYS, days=WAITING_DAYS),
                 ["• " + " — ".join([
                     _e(w["newcomer"] or "?"), _activity(t, w), _e(w["day"]),
                     hours_text(t, w["minutes"]),
                     t._("👤 {name}", name=w["confirmer"] or w["provider_name"] or "?"),
                     t.ngettext("⏳ {n} day waiting", "⏳ {n} days waiting",
                                _waited(figures, w["created_at"])),
                 ]) for w in figures.waiting], nothing, figures.waiting_total),
        _section(t.ngettext("📭 Deliveries failed or not sent after {hours} hour",
                            "📭 Deliveries failed or not sent after {hours} hours",
                            STUCK_HOURS, hours=STUCK_HOURS),
                 deliveries, nothing, delivery_total),
        _section(t._("🤝 Would like a buddy (propose one in Telegram with /matches)"),
                 [f"• {_e(name)}: " + ("; ".join(match_line(t, m) for m in found)
                                      or t._("➖ No buddy with room lives near enough."))
                  for name, found in figures.buddy_matches], nothing),
        _section(t._("⭐ Most chosen offers"),
                 [f"• {_e(title)} — " + t.ngettext("{n} sign-up", "{n} sign-ups", count)
                  for title, count in figures.top_offers], nothing),
        _section(t.ngettext("🕳️ Nothing on offer (last {weeks} week)",
                            "🕳️ Nothing on offer (last {weeks} weeks)",
                            UNMET_WEEKS, weeks=UNMET_WEEKS),
                 [f"• {_e(municipality)} — {INTERESTS.get(interest, ('', ''))[0]} "
                  f"{_e(t._(INTERESTS[interest][1]) if interest in INTERESTS else interest)}"
                  f" — " + t.ngettext("{n} question", "{n} questions", count)
                  for municipality, interest, count in figures.unmet], nothing),
        _section(t._("🤝 Active buddies"),
                 [f"• {_e(name)} — "
                  + t.ngettext("🤝 {n} meeting", "🤝 {n} meetings", meetings)
                  + f", {hours_text(t, minutes)}"
                  for name, meetings, minutes in figures.active_buddies], nothing),
    ]  # fmt: skip


def chart_attachment(figures: Figures, t: Translator) -> Attachment:
    return Attachment(
        filename=f"uren-{figures.week.label}.png",
        content=render_chart(figures.weekly, (t._("confirmed hours"), t._("waiting hours"))),
        mime="image/png",
    )


def digest_replies(figures: Figures, config: Config, t: Translator | None = None) -> list[Reply]:
    """The whole digest as replies: summary with the chart, sections, the CSV and its help."""
    t = t or translator(DIGEST_LOCALE)
    replies = [Reply(text="\n".join(summary_lines(figures, t)), image=chart_attachment(figures, t))]
    replies += _sections(figures, config, t)
    stem = f"meedoen-{_slug(figures.network.name)}-{figures.week.label}"
    replies.append(
        Reply(
            text=t._("📎 One row per newcomer, for Excel; the columns are explained in the "
                     "text file."),
            document=Attachment(filename=f"{stem}.csv", content=render_csv(figures, t),
                                mime="text/csv"),
        )
    )  # fmt: skip
    replies.append(
        Reply(
            text=t._("📎 What each column means"),
            document=Attachment(filename=f"{stem}-uitleg.txt",
                                content=render_csv_help(figures, t), mime="text/plain"),
        )
    )  # fmt: skip
    return replies


def short_replies(figures: Figures, t: Translator) -> list[Reply]:
    """The Telegram /digest: the summary with the chart."""
    return [Reply(text="\n".join(summary_lines(figures, t)), image=chart_attachment(figures, t))]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "netwerk"
