// apidiff dashboard: vanilla JS, no build step. All data goes into the page with textContent
// (never innerHTML), and the token lives in sessionStorage for this tab only.
"use strict";
(function () {
  const API = "/api/api-diff";
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  let me = null;
  let cursor = null;
  const modules = new Set();

  // The sections of the page after the alerts. Each loads itself from the API; `filtered`
  // sections reload when the filters change. To add a section, add its <section> to
  // dashboard.html and a loader here.
  const SECTIONS = [
    { name: "alerts", load: (who) => alerts(who), filtered: false },
    { name: "trend", load: () => trend(), filtered: true },
    { name: "deploys", load: () => load(true), filtered: true },
    { name: "usage", load: () => usage(), filtered: true },
  ];
  // Settles when the first page of deploys is drawn (the usage section lists its modules).
  let firstPage = null;

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
    const frag = params();
    for (const [k, id] of [["module", "f-module"], ["severity", "f-severity"], ["rule", "f-rule"], ["q", "f-q"]]) {
      if (!frag[k]) continue;
      if (k === "module") addModule(frag[k]);
      $(id).value = frag[k];
    }
    // Who the caller is and the sections' data are asked for at once (one round trip, not two);
    // nothing role-dependent is drawn before the answer to /me.
    const who = call("/me");
    const loads = Promise.all([health(who), ...SECTIONS.map((x) => x.load(who))]);
    try { me = await who; } catch (e) { loads.catch(() => {}); if (e.message !== "unauthorized") showLogin(e.message); return; }
    $("login").hidden = true; $("app").hidden = false; $("whoami").hidden = false;
    $("who").textContent = me.subject + " (" + me.role + ")";
    document.body.dataset.role = me.role;
    await loads;
    if (frag.expand) {
      const d = document.querySelector('details[data-id="' + CSS.escape(frag.expand) + '"]');
      if (d) { d.open = true; await expand(d); }
    }
    if (frag.preview && me.role === "admin") {
      const d = document.querySelector('details[data-id="' + CSS.escape(frag.preview) + '"]');
      if (d) { d.open = true; await expand(d); await preview(d, d._entry); }
    }
    document.body.dataset.readyMs = String(Math.round(performance.now()));
    document.body.dataset.ready = "true";
  }

  function params() {
    const p = new URLSearchParams(location.hash.replace(/^#/, ""));
    return { token: p.get("token"), expand: p.get("expand"), preview: p.get("preview"), usage: p.get("usage"),
      module: p.get("module"), severity: p.get("severity"), rule: p.get("rule"), q: p.get("q") };
  }

  async function health(who) {
    if ((await who).role !== "admin") return;
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

  async function alerts(who) {
    const box = $("alerts");
    const a = await call("/alert?limit=20");
    const role = (await (who || Promise.resolve(me))).role;
    if (!a.items.length) { box.className = "alerts none"; box.replaceChildren("No open alerts."); return; }
    box.className = "alerts";
    box.replaceChildren(el("strong", {}, a.total + " open alert" + (a.total === 1 ? "" : "s") + (a.total > a.items.length ? " (the newest " + a.items.length + ")" : "") + ":"),
      el("ul", {}, a.items.map((x) => el("li", {},
        el("span", { class: "module" }, x.module), " ", x.spec, " — ",
        x.removed ? "spec removed" : x.breaking + " breaking", x.dependants.length ? " (reaches " + x.dependants.join(", ") + ")" : "", " ",
        role !== "viewer" ? el("button", { type: "button", onclick: async () => { await call("/alert/" + x.id + "/ack", { method: "POST" }); alerts(); } }, "Acknowledge") : null))));
  }

  // The filter values as query parameters: the API filters, the page only draws.
  function filters() {
    const q = new URLSearchParams();
    for (const [k, id] of [["module", "f-module"], ["severity", "f-severity"], ["rule", "f-rule"], ["q", "f-q"]]) {
      const v = $(id).value.trim();
      if (v) q.set(k, v);
    }
    return q;
  }

  async function trend() {
    const box = $("trend");
    const t = await call("/trend?" + filters());
    if (!t.days.length) { box.replaceChildren(el("p", { class: "meta" }, "No entries match.")); return; }
    box.replaceChildren(chart(t.days), el("div", { class: "legend" },
      ["breaking", "warning", "info"].map((k) => el("span", {}, el("span", { class: "sw " + k }), k))));
  }

  function svg(tag, attrs, ...kids) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    for (const k of kids) e.append(k);
    return e;
  }

  // Stacked columns per day (breaking at the bottom), drawn as inline SVG.
  function chart(days) {
    const W = 900, H = 180, L = 40, B = 22, T = 8;
    const max = Math.max(1, ...days.map((d) => d.breaking + d.warning + d.info));
    const step = (W - L) / days.length, bw = Math.max(1, step * 0.8);
    const y = (v) => (H - B - T) * v / max;
    const total = days.reduce((a, d) => [a[0] + d.breaking, a[1] + d.warning, a[2] + d.info], [0, 0, 0]);
    const root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "Changes per day from " + days[0].date + " to " +
      days[days.length - 1].date + ": " + total[0] + " breaking, " + total[1] + " warning, " + total[2] + " info" });
    root.append(svg("line", { class: "axis", x1: L, y1: H - B, x2: W, y2: H - B }), svg("line", { class: "axis", x1: L, y1: T, x2: L, y2: H - B }));
    root.append(svg("text", { x: L - 4, y: T + 10, "text-anchor": "end" }, String(max)), svg("text", { x: L - 4, y: H - B, "text-anchor": "end" }, "0"));
    root.append(svg("text", { x: L, y: H - 6 }, days[0].date), svg("text", { x: W, y: H - 6, "text-anchor": "end" }, days[days.length - 1].date));
    days.forEach((d, i) => {
      if (!(d.breaking + d.warning + d.info)) return;
      const g = svg("g", {}, svg("title", {}, d.date + ": " + d.breaking + " breaking, " + d.warning + " warning, " + d.info + " info (" + d.entries + " entries)"));
      let base = H - B;
      for (const k of ["breaking", "warning", "info"]) {
        if (!d[k]) continue;
        const h = y(d[k]);
        base -= h;
        g.append(svg("rect", { class: "bar-" + k, x: (L + i * step + (step - bw) / 2).toFixed(1), y: base.toFixed(1), width: bw.toFixed(1), height: Math.max(h, 0.5).toFixed(1) }));
      }
      root.append(g);
    });
    return root;
  }

  function load(reset) {
    const p = page(reset);
    if (reset) firstPage = p;
    return p;
  }

  async function page(reset) {
    if (reset) { cursor = null; $("timeline").replaceChildren(); }
    const q = filters();
    q.set("limit", "25");
    if (cursor) q.set("cursor", cursor);
    $("status").textContent = "Loading…";
    const h = await call("/deploys?" + q);
    for (const d of h.items) { $("timeline").append(deploy(d)); for (const e of d.modules) addModule(e.module); }
    cursor = h.next_cursor;
    $("more").hidden = !cursor;
    $("status").textContent = $("timeline").children.length ? "" : "No deploys match.";
  }

  function addModule(m) {
    if (modules.has(m)) return;
    modules.add(m);
    $("f-module").append(el("option", { value: m }, m));
  }

  function link(url, text) {
    return url && /^https?:\/\//.test(url) ? el("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, text) : el("code", {}, text);
  }

  function countsText(c) {
    return c.breaking + " breaking, " + c.warning + " warning, " + c.info + " info";
  }

  // One deploy: its commit, author and message, a chip per module, and each module's entry.
  function deploy(d) {
    const list = el("ol", { class: "entries" });
    const chips = el("div", { class: "chips" });
    for (const e of d.modules) {
      e.commit_url = d.commit_url;
      const it = item(e);
      list.append(it);
      const det = it.querySelector("details");
      const c = e.matched || e.counts;
      const what = !e.snapshot ? "removed" : !e.previous ? "baseline" : c.breaking ? c.breaking + " breaking" : c.warning ? c.warning + " warning" : c.info ? c.info + " info" : "no change";
      chips.append(el("button", { type: "button", class: "chip " + e.severity, title: e.spec + ": " + countsText(c),
        onclick: () => { det.open = true; det.scrollIntoView({ block: "nearest" }); } }, e.module, " ", el("small", {}, what)));
    }
    return el("li", { class: "deploy sev-" + d.severity, "data-deploy": d.deploy || d.run },
      el("div", { class: "deploy-head" },
        el("span", { class: "time" }, d.time.slice(0, 19).replace("T", " ")),
        d.deploy ? el("span", {}, "deploy ", link(d.commit_url, d.deploy.slice(0, 10))) : el("span", { class: "meta" }, "no deploy id"),
        d.author ? el("span", { class: "meta" }, "by " + d.author) : null,
        d.message ? el("span", {}, d.message.split("\n")[0]) : null,
        el("span", { class: "meta" }, countsText(d.counts))),
      chips, list);
  }

  function item(e) {
    const what = !e.snapshot ? "spec removed" : !e.previous ? "baseline" : countsText(e.counts);
    const d = el("details", { class: "entry sev-" + e.severity, "data-id": e.id },
      el("summary", {},
        el("span", { class: "time" }, e.time.slice(0, 19).replace("T", " ")),
        el("span", { class: "badge " + e.severity }, e.severity === "none" ? "no change" : e.severity),
        el("span", { class: "module" }, e.module),
        el("span", {}, e.spec),
        el("span", { class: "meta" }, what),
        e.matched ? el("span", { class: "meta" }, "matching: " + countsText(e.matched)) : null),
      el("div", { class: "panel" }, "Loading…"));
    d._entry = e;
    d.addEventListener("toggle", () => { if (d.open && !d._loaded) expand(d); });
    return el("li", {}, d);
  }

  function codeSide(title, rows, side) {
    const pre = el("pre", { class: "code" });
    for (const r of rows) {
      if (r.tag === "skip") { pre.append(el("span", { class: "skip" }, el("span", { class: "ln" }, "⋯"), r.text)); continue; }
      const ln = side === "old" ? r.old_line : r.new_line;
      const cls = r.tag === "equal" ? "" : ln ? (side === "old" ? "del" : "ins") : "gap";
      pre.append(el("span", { class: cls }, el("span", { class: "ln" }, ln || ""), ln ? r.text : ""));
    }
    return el("div", { class: "side " + side }, el("h4", {}, title), pre);
  }

  // The evidence of a breaking change, folded: what was checked, where, and how each side judged it.
  function witness(w) {
    if (!w) return "";
    if (w.kind === "none") return el("details", { class: "witness none" }, el("summary", {}, "no witness"), el("p", { class: "meta" }, w.reason || ""));
    const verdict = (name, v) => v ? el("li", {}, name + ": " + (v.accepts ? "accepts" : "rejects") + " at ", el("code", {}, v.file + "#" + v.pointer), v.error ? " — " + v.error : "") : "";
    const h = w.http;
    const req = h ? h.method + " " + h.path + (Object.keys(h.query || {}).length ? "?" + Object.entries(h.query).map(([k, v]) => k + "=" + v).join("&") : "") + (h.now ? " (now " + h.now + ")" : "") : "";
    return el("details", { class: "witness" }, el("summary", {}, "witness (" + w.kind + ")"),
      el("p", {}, w.summary),
      req ? el("p", {}, el("code", {}, req)) : "",
      w.instance !== undefined ? el("pre", { class: "instance" }, JSON.stringify(w.instance, null, 2)) : "",
      el("ul", {}, verdict("base", w.base), verdict("revision", w.revision)));
  }

  async function expand(d) {
    d._loaded = true;
    const e = d._entry;
    const panel = d.querySelector(".panel");
    try {
      const [detail, diff, approvals] = await Promise.all([call("/entries/" + e.id), call("/entries/" + e.id + "/diff?context=3"),
        call("/approvals?module=" + encodeURIComponent(e.module))]);
      const x = detail.entry;
      const kids = [];
      kids.push(el("h3", {}, "Changes"));
      kids.push(x.changes.length ? el("ul", { class: "changes" }, x.changes.map((c, i) => el("li", { "data-fingerprint": c.fingerprint },
        el("span", { class: "sev " + c.severity }, c.severity), " ", el("code", {}, c.id), " — ", c.message,
        usageCell(c, detail.usage_now ? detail.usage_now[i] : null), witness(c.witness),
        c.severity === "breaking" ? approval(c, x, approvals.items) : null)))
        : el("p", { class: "meta" }, !x.previous ? "Baseline: the first archived version." : !x.snapshot ? "The spec was removed." : "No classified changes."));
      kids.push(el("h3", {}, "Impact on dependant modules"));
      kids.push(detail.impact.length ? el("ul", {}, detail.impact.map((i) => el("li", {}, el("span", { class: "module" }, i.module),
        i.touched ? " — reached by these changes" : " — not reached", i.uses.length ? " (uses " + i.uses.join(", ") + ")" : "")))
        : el("p", { class: "meta" }, "No module declares a dependency on " + x.module + "."));
      kids.push(el("h3", {}, "Commit"));
      kids.push(el("p", {}, "Deploy ", x.deploy ? link(e.commit_url, x.deploy) : el("code", {}, "—"), " by ", x.author || "unknown", x.message ? el("span", { class: "meta" }, " — " + x.message.split("\n")[0]) : ""));
      kids.push(el("h3", {}, "Schemas: the changed region"));
      const sides = el("div", { class: "sides" });
      for (const f of diff.files) {
        sides.append(codeSide("before: " + f.path, f.rows, "old"), codeSide("after: " + f.path, f.rows, "new"));
      }
      if (!diff.files.length) sides.append(el("p", { class: "meta" }, "The spec files are identical."));
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

  // 1234 -> "1.2 k", as the reports write counts.
  function human(n) {
    if (n >= 1e6) return (n / 1e6).toFixed(1).replace(/\.0$/, "") + " M";
    if (n >= 1e4) return (n / 1e3).toFixed(1).replace(/\.0$/, "") + " k";
    return String(n);
  }

  // One usage figure: requests, clients, last seen and the busiest clients, or "unknown" when
  // the module had no evidence (never shown as unused).
  function usageText(u) {
    if (!u.known) return "unknown (no usage evidence)";
    const top = (u.top_clients || []).map((t) => t.client + " (" + human(t.requests) + ")").join(", ");
    return human(u.requests) + " requests, " + u.clients + " client" + (u.clients === 1 ? "" : "s") +
      (u.last_seen ? ", last " + u.last_seen.slice(0, 16).replace("T", " ") : "") + (top ? " — " + top : "") + " in " + u.window;
  }

  // A change's usage column: the usage its verdict was made with (recorded with the entry), why
  // the policy re-levelled it, and today's figure when the evidence has moved on (nothing when
  // the store has no usage at all).
  function usageCell(c, now) {
    if (!c.usage && !now) return null;
    const kids = [];
    if (c.usage) kids.push(el("span", { class: "usage-rec" + (c.usage.known ? "" : " unknown") }, "usage: " + usageText(c.usage)));
    else kids.push(el("span", { class: "usage-rec none" }, "usage: not recorded"));
    if (c.usage_note) kids.push(el("span", { class: "usage-note" }, c.usage_note));
    if (now && (!c.usage || usageText(now) !== usageText(c.usage))) kids.push(el("span", { class: "usage-now" }, "now: " + usageText(now)));
    return el("div", { class: "usage-col" }, kids);
  }

  // The usage section: with a module filter, that module's usage; else one fold per module of
  // the first page of deploys, loaded when opened (`#usage=M` opens one).
  async function usage() {
    const box = $("usage");
    const m = $("f-module").value;
    if (m) { box.replaceChildren(await moduleUsage(m)); return; }
    await firstPage;
    const names = [...modules].sort();
    if (!names.length) { box.replaceChildren(el("p", { class: "meta" }, "No modules recorded yet.")); return; }
    const folds = names.map((name) => {
      const d = el("details", { class: "usage-module", "data-module": name }, el("summary", {}, el("span", { class: "module" }, name)), el("div", { class: "usage-panel" }, "Loading…"));
      d.addEventListener("toggle", () => { if (d.open && !d._loaded) openUsage(d); });
      return d;
    });
    box.replaceChildren(...folds);
    const want = params().usage;
    const d = want && folds.find((f) => f.dataset.module === want);
    if (d) { d.open = true; await openUsage(d); }
  }

  async function openUsage(d) {
    d._loaded = true;
    d.querySelector(".usage-panel").replaceChildren(await moduleUsage(d.dataset.module));
  }

  function table(cls, head, rows) {
    return el("table", { class: cls }, el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows.map((r) => el("tr", {}, r.map((v, i) => i ? el("td", {}, v) : el("th", { scope: "row" }, v))))));
  }

  async function moduleUsage(m) {
    let u;
    try { u = await call("/usage?module=" + encodeURIComponent(m)); }
    catch (e) { return el("p", { class: "error" }, "Cannot load the usage of " + m + ": " + e.message); }
    const box = el("div", { class: "module-usage", "data-module": m, "data-known": String(u.known) });
    if (!u.known) {
      box.append(el("p", { class: "meta no-evidence" }, "No usage evidence for " + m + " in the last " + u.window +
        ": nothing is called unused (ingest access logs, HAR files or OTLP traces to add evidence)."));
    } else {
      box.append(el("p", {}, el("strong", {}, human(u.requests) + " requests"), " to " + m + " in the last " + u.window + " from " +
        u.clients.length + " client" + (u.clients.length === 1 ? "" : "s") + "."));
      box.append(el("h3", {}, "Most-used operations"));
      box.append(u.used.length ? table("used", ["Operation", "Requests", "Clients", "Last seen"],
        u.used.slice(0, 20).map((o) => [el("code", {}, o.operation), human(o.requests), String(o.clients), o.last_seen ? o.last_seen.slice(0, 16).replace("T", " ") : "—"]))
        : el("p", { class: "meta" }, "No operation was called."));
      if (u.used.length > 20) box.append(el("p", { class: "meta" }, "and " + (u.used.length - 20) + " more."));
      box.append(el("h3", {}, "Clients"));
      box.append(table("clients", ["Client", "Requests"], u.clients.slice(0, 20).map((c) => [c.client, human(c.requests)])));
      box.append(el("h3", {}, "Not used in the last " + u.window + " (safe to remove)"));
      box.append(u.unused.length ? el("ul", { class: "unused" }, u.unused.map((o) => el("li", {}, el("code", {}, o))))
        : el("p", { class: "meta" }, "Every described operation was called."));
    }
    box.append(el("h3", {}, "Responses that differ from the description (drift)"));
    box.append(u.conformance.length ? el("ul", { class: "conformance" }, u.conformance.map((f) => el("li", { "data-problem": f.problem },
      el("span", { class: "sev warning" }, "drift"), " ", f.message)))
      : el("p", { class: "meta" }, u.known ? "The sampled responses match the description." : "No sampled responses."));
    return box;
  }

  // A breaking change's approval: who approved it (recorded with the change, or an active
  // approval of its fingerprint), else, for developers and admins, "Approve this break" with a
  // reason, POSTed to /approvals with the user's token (the server applies the owner rules).
  function approval(c, x, list) {
    const active = list.find((a) => a.standing.state === "active" && a.approves.kind === "fingerprint" && a.approves.fingerprint === c.fingerprint);
    if (c.approval) return approved(c.approval.by, c.approval.on, c.approval.reason);
    if (active) return approved(active.by, active.time.slice(0, 10), active.reason);
    if (me.role === "viewer") return el("span", { class: "meta" }, " (pending approval)");
    const reason = el("input", { type: "text", class: "reason", "aria-label": "Reason for approving this break", placeholder: "why this break is acceptable" });
    const err = el("span", { class: "error" });
    const form = el("form", { class: "approve", onsubmit: async (ev) => {
      ev.preventDefault();
      err.textContent = "";
      if (!reason.value.trim()) { err.textContent = "Give a reason."; return; }
      try {
        const a = await call("/approvals", { method: "POST", headers: { "content-type": "application/json" },
          body: JSON.stringify({ fingerprint: c.fingerprint, module: c.module || x.module, reason: reason.value }) });
        form.replaceWith(approved(a.by, a.time.slice(0, 10), a.reason));
      } catch (e2) { err.textContent = "Cannot approve: " + e2.message; }
    } }, reason, el("button", { type: "submit" }, "Approve this break"), err);
    return form;
  }

  function approved(by, on, reason) {
    return el("div", { class: "approved" }, "✅ approved by " + (by || "?") + " on " + on + ": " + reason);
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
    $("filters").addEventListener("submit", (ev) => {
      ev.preventDefault();
      Promise.all(SECTIONS.filter((x) => x.filtered).map((x) => x.load())).catch((e) => { $("status").textContent = e.message; });
    });
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
