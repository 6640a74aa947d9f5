// apidiff dashboard, live-sources section (served as /admin/api-diff/live.js, kept apart from
// dashboard.js): every live source with its state, last successful fetch, last change and drift,
// from GET /api/api-diff/live. Text only (never innerHTML); the token is the dashboard's.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  function el(tag, cls, ...kids) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
    return e;
  }
  function token() { return sessionStorage.getItem("apidiff-token") || ""; }

  function row(s) {
    const change = s.last_change
      ? s.last_change.time + " (" + s.last_change.counts.breaking + " breaking, " + s.last_change.counts.warning + " warning, " + s.last_change.counts.info + " info)"
      : (s.baseline ? "none since the baseline " + s.baseline : "none recorded");
    const drift = s.drift.status + (s.drift.changes ? " (" + s.drift.changes + ")" : "");
    const state = el("td", s.state === "unreachable" ? "sev breaking" : null, s.state, s.cause ? el("div", "meta", s.cause) : null);
    const tr = el("tr", null, el("td", "module", s.module), el("td", null, el("code", null, s.locator)), state,
      el("td", "time", s.last_fetch || "never"), el("td", "time", change), el("td", s.drift.status === "drifted" ? "sev warning" : null, drift));
    tr.dataset.locator = s.locator;
    return tr;
  }

  async function render(box) {
    const r = await fetch("/api/api-diff/live", { headers: { Authorization: "Bearer " + token() } });
    if (!r.ok) return;
    const v = await r.json();
    const head = el("tr", null, ["Module", "Source", "State", "Last successful fetch", "Last change", "Drift"].map((h) => el("th", null, h)));
    const note = v.watching
      ? "Polled every " + v.interval_secs + " s" + (v.last_poll ? "; last poll " + v.last_poll : "; first poll running") + (v.error ? "; last poll failed: " + v.error : "")
      : "This server does not watch (start it with --watch); times come from the store.";
    box.replaceChildren(el("h2", null, "Live sources"), el("p", "meta", note),
      el("table", "live-table", el("thead", null, head), el("tbody", null, v.sources.map(row))));
    box.hidden = v.sources.length === 0;
    box.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", () => {
    const box = $("live");
    if (!box) return;
    let busy = false;
    const tick = async () => {
      if (busy || !token() || $("app").hidden) return;
      busy = true;
      try { await render(box); } catch (e) { /* the main dashboard reports errors */ } finally { busy = false; }
    };
    tick();
    setInterval(tick, 5000);
  });
})();
