// apidiff dashboard: vanilla JS, no build step. All data goes into the page with textContent
// (never innerHTML), and the token lives in sessionStorage for this tab only.
"use strict";
(function () {
  const API = "/api/api-diff";
  const $ = (id) => document.getElementById(id);
  let me = null;
  let cursor = null;
  const modules = new Set();

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k instanceof Node ? k : String(k));
    return e;
  }

  function token() { return sessionStorage.getItem("apidiff-token") || ""; }

  async function call(path, opts) {
    const o = Object.assign({ headers: {} }, opts || {});
    o.headers = Object.assign({ Authorization: "Bearer " + token() }, o.headers);
    const r = await fetch(API + path, o);
    if (r.status === 401) { showLogin("Your token was refused: sign in again."); throw new Error("unauthorized"); }
    const ct = r.headers.get("content-type") || "";
    const body = ct.includes("json") ? await r.json() : await r.text();
    if (!r.ok) throw new Error((body && body.error) || r.statusText);
    return body;
  }

  function showLogin(msg) {
    $("app").hidden = true; $("whoami").hidden = true; $("login").hidden = false;
    $("login-error").textContent = msg || "";
    $("token").focus();
  }

  async function start() {
    try { me = await call("/me"); } catch (e) { if (e.message !== "unauthorized") showLogin(e.message); return; }
    $("login").hidden = true; $("app").hidden = false; $("whoami").hidden = false;
    $("who").textContent = me.subject + " (" + me.role + ")";
    document.body.dataset.role = me.role;
    await Promise.all([health(), alerts(), load(true)]);
    const frag = params();
    if (frag.expand) {
      const d = document.querySelector('details[data-id="' + CSS.escape(frag.expand) + '"]');
      if (d) { d.open = true; await expand(d); }
    }
    if (frag.preview && me.role === "admin") {
      const d = document.querySelector('details[data-id="' + CSS.escape(frag.preview) + '"]');
      if (d) { d.open = true; await expand(d); await preview(d, d._entry); }
    }
    document.body.dataset.ready = "true";
  }

  function params() {
    const p = new URLSearchParams(location.hash.replace(/^#/, ""));
    return { token: p.get("token"), expand: p.get("expand"), preview: p.get("preview") };
  }

  async function health() {
    if (me.role !== "admin") return;
    const b = $("banner");
    try {
      const h = await call("/health");
      if (h.healthy) { b.hidden = true; return; }
      b.replaceChildren(el("strong", {}, "The store at " + h.store + " is unhealthy:"), el("ul", {}, h.problems.map((p) => el("li", {}, p))));
      b.hidden = false;
    } catch (e) {
      b.replaceChildren(el("strong", {}, "Cannot check the store: " + e.message)); b.hidden = false;
    }
  }

  async function alerts() {
    const box = $("alerts");
    const a = await call("/alert");
    if (!a.items.length) { box.className = "alerts none"; box.replaceChildren("No open alerts."); return; }
    box.className = "alerts";
    box.replaceChildren(el("strong", {}, a.items.length + " open alert" + (a.items.length === 1 ? "" : "s") + ":"),
      el("ul", {}, a.items.map((x) => el("li", {},
        el("span", { class: "module" }, x.module), " ", x.spec, " — ",
        x.removed ? "spec removed" : x.breaking + " breaking", x.dependants.length ? " (reaches " + x.dependants.join(", ") + ")" : "", " ",
        me.role !== "viewer" ? el("button", { type: "button", onclick: async () => { await call("/alert/" + x.id + "/ack", { method: "POST" }); alerts(); } }, "Acknowledge") : null))));
  }

  async function load(reset) {
    if (reset) { cursor = null; $("timeline").replaceChildren(); }
    const q = new URLSearchParams({ limit: "50" });
    const m = $("f-module").value, s = $("f-severity").value;
    if (m) q.set("module", m);
    if (s) q.set("severity", s);
    if (cursor) q.set("cursor", cursor);
    $("status").textContent = "Loading…";
    const h = await call("/history?" + q);
    for (const e of h.items) { $("timeline").append(item(e)); addModule(e.module); }
    cursor = h.next_cursor;
    $("more").hidden = !cursor;
    $("status").textContent = $("timeline").children.length ? "" : "No archived entries match.";
  }

  function addModule(m) {
    if (modules.has(m)) return;
    modules.add(m);
    $("f-module").append(el("option", { value: m }, m));
  }

  function item(e) {
    const what = !e.snapshot ? "spec removed" : !e.previous ? "baseline" :
      e.counts.breaking + " breaking, " + e.counts.warning + " warning, " + e.counts.info + " info";
    const d = el("details", { class: "entry sev-" + e.severity, "data-id": e.id },
      el("summary", {},
        el("span", { class: "time" }, e.time.slice(0, 19).replace("T", " ")),
        el("span", { class: "badge " + e.severity }, e.severity === "none" ? "no change" : e.severity),
        el("span", { class: "module" }, e.module),
        el("span", {}, e.spec),
        el("span", { class: "meta" }, what),
        e.author ? el("span", { class: "meta" }, "by " + e.author) : null,
        e.deploy ? el("span", { class: "meta" }, "@ " + e.deploy.slice(0, 10)) : null),
      el("div", { class: "panel" }, "Loading…"));
    d._entry = e;
    d.addEventListener("toggle", () => { if (d.open && !d._loaded) expand(d); });
    return el("li", {}, d);
  }

  function codeSide(title, rows, side) {
    const pre = el("pre", { class: "code" });
    for (const r of rows) {
      const ln = side === "old" ? r.old_line : r.new_line;
      const cls = r.tag === "equal" ? "" : ln ? (side === "old" ? "del" : "ins") : "gap";
      pre.append(el("span", { class: cls }, el("span", { class: "ln" }, ln || ""), ln ? r.text : ""));
    }
    return el("div", { class: "side " + side }, el("h4", {}, title), pre);
  }

  async function expand(d) {
    d._loaded = true;
    const e = d._entry;
    const panel = d.querySelector(".panel");
    try {
      const [detail, diff] = await Promise.all([call("/entries/" + e.id), call("/entries/" + e.id + "/diff")]);
      const x = detail.entry;
      const kids = [];
      kids.push(el("h3", {}, "Changes"));
      kids.push(x.changes.length ? el("ul", { class: "changes" }, x.changes.map((c) => el("li", {},
        el("span", { class: "sev " + c.severity }, c.severity), " ", el("code", {}, c.id), " — ", c.message)))
        : el("p", { class: "meta" }, !x.previous ? "Baseline: the first archived version." : !x.snapshot ? "The spec was removed." : "No classified changes."));
      kids.push(el("h3", {}, "Impact on dependant modules"));
      kids.push(detail.impact.length ? el("ul", {}, detail.impact.map((i) => el("li", {}, el("span", { class: "module" }, i.module),
        i.touched ? " — reached by these changes" : " — not reached", i.uses.length ? " (uses " + i.uses.join(", ") + ")" : "")))
        : el("p", { class: "meta" }, "No module declares a dependency on " + x.module + "."));
      kids.push(el("h3", {}, "Commit"));
      kids.push(el("p", {}, "Deploy ", el("code", {}, x.deploy || "—"), " by ", x.author || "unknown", x.message ? el("span", { class: "meta" }, " — " + x.message.split("\n")[0]) : ""));
      kids.push(el("h3", {}, "Schemas"));
      const sides = el("div", { class: "sides" });
      for (const f of diff.files) {
        sides.append(codeSide("before: " + f.path, f.rows, "old"), codeSide("after: " + f.path, f.rows, "new"));
      }
      if (!diff.files.length) sides.append(el("p", { class: "meta" }, "No spec text."));
      kids.push(sides);
      kids.push(el("h3", {}, "Notes"));
      kids.push(x.notes.length ? el("ul", {}, x.notes.map((n) => el("li", {}, n.text, el("span", { class: "meta" }, " — " + (n.author || "?") + ", " + n.time.slice(0, 16).replace("T", " ")))))
        : el("p", { class: "meta" }, "No notes."));
      if (me.role !== "viewer") {
        const ta = el("textarea", { rows: "2", "aria-label": "New note" });
        kids.push(el("form", { onsubmit: async (ev) => { ev.preventDefault(); if (!ta.value.trim()) return; await call("/entries/" + x.id + "/notes", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: ta.value }) }); d._loaded = false; expand(d); } },
          ta, el("button", { type: "submit" }, "Add note")));
      }
      if (me.role === "admin") {
        const acts = el("div", { class: "actions" });
        if (x.snapshot) acts.append(el("button", { type: "button", class: "danger", onclick: () => preview(d, x) }, "Preview rollback to this version"));
        for (const f of ["json", "markdown", "html", "sarif", "junit"]) acts.append(el("button", { type: "button", onclick: () => download(x.id, f) }, "Export " + f));
        kids.push(el("h3", {}, "Admin"), acts, el("div", { class: "rollback" }));
      }
      panel.replaceChildren(...kids);
    } catch (err) {
      panel.replaceChildren(el("p", { class: "error" }, "Cannot load this entry: " + err.message));
    }
  }

  async function preview(d, x) {
    const box = d.querySelector(".rollback");
    box.replaceChildren("Computing the rollback preview…");
    try {
      const p = await call("/rollback", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to: x.snapshot, module: x.module }) });
      box.replaceChildren(
        el("h3", {}, "Rollback preview (now → snapshot " + p.to.slice(0, 12) + ")"),
        el("p", {}, p.report.summary.total + " change" + (p.report.summary.total === 1 ? "" : "s") + " (" + p.report.summary.breaking + " breaking) would be made."),
        el("ul", { class: "changes" }, p.report.changes.map((c) => el("li", {}, el("span", { class: "sev " + c.severity }, c.severity), " ", c.message))),
        el("pre", { class: "unified" }, p.diff),
        el("button", { type: "button", class: "danger", onclick: () => apply(box, x) }, "Apply rollback"));
    } catch (err) { box.replaceChildren(el("p", { class: "error" }, "Preview failed: " + err.message)); }
  }

  async function apply(box, x) {
    if (!confirm("Record a rollback of " + x.module + " to snapshot " + x.snapshot.slice(0, 12) + "?")) return;
    try {
      const r = await call("/rollback", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to: x.snapshot, module: x.module, apply: true }) });
      const files = Object.entries(r.files);
      box.append(el("p", {}, "Rollback recorded in the audit log. Restore these files:"),
        el("ul", {}, files.map(([p, t]) => el("li", {}, el("a", { href: URL.createObjectURL(new Blob([t], { type: "text/plain" })), download: p.split("/").pop() }, p)))));
    } catch (err) { box.append(el("p", { class: "error" }, "Rollback failed: " + err.message)); }
  }

  async function download(id, format) {
    const r = await fetch(API + "/report/" + id + "?format=" + format, { headers: { Authorization: "Bearer " + token() } });
    if (!r.ok) { alert("Export failed: " + r.status); return; }
    const name = (/filename="([^"]+)"/.exec(r.headers.get("content-disposition") || "") || [])[1] || "report";
    const a = el("a", { href: URL.createObjectURL(await r.blob()), download: name });
    document.body.append(a); a.click(); a.remove();
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("login-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      sessionStorage.setItem("apidiff-token", $("token").value.trim());
      $("token").value = "";
      start();
    });
    $("logout").addEventListener("click", () => { sessionStorage.removeItem("apidiff-token"); showLogin(""); });
    $("filters").addEventListener("submit", (ev) => { ev.preventDefault(); load(true); });
    $("more").addEventListener("click", () => load(false));
    const f = params();
    if (f.token) {
      sessionStorage.setItem("apidiff-token", f.token);
      // Keep the token out of the address bar and history; keep the other hints.
      const rest = new URLSearchParams(location.hash.replace(/^#/, "")); rest.delete("token");
      history.replaceState(null, "", location.pathname + (rest.toString() ? "#" + rest : ""));
    }
    if (token()) start(); else showLogin("");
  });
})();
