using System.Net;

namespace ePost.Node.Dashboard;

/// <summary>
/// The dashboard's pages, script and style. The page is a shell; the script fills it from <c>/api/status</c> and keeps it
/// current from <c>/api/events</c>, writing every value as text (never as markup), so nothing a peer or a mail can
/// make the node say runs in the browser. The Content-Security-Policy allows only these same-origin files.
/// </summary>
public static class DashboardPage
{
    /// <summary>The login form, with an error line when a login failed.</summary>
    public static string Login(string? error) => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>ePost node: log in</title><link rel="stylesheet" href="/app.css"></head>
        <body class="login">
        <form method="post" action="/login" id="login">
          <h1>ePost node</h1>
          <p>Log in with your mail address and mail password.</p>
          {{(error is null ? "" : $"<p class=\"error\" id=\"login-error\">{WebUtility.HtmlEncode(error)}</p>")}}
          <label>Address <input name="address" id="address" type="email" autocomplete="username" required></label>
          <label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
          <button type="submit" id="sign-in">Log in</button>
        </form>
        </body></html>
        """;

    /// <summary>The dashboard shell.</summary>
    public const string Dashboard = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>ePost node</title><link rel="stylesheet" href="/app.css"><script src="/app.js" defer></script></head>
        <body>
        <header><h1>ePost node <span id="node-id"></span></h1><span id="live" class="badge">connecting</span>
          <form method="post" action="/logout"><button type="submit">Log out</button></form></header>
        <main>
          <section id="ring-panel"><h2>Ring</h2>
            <svg id="ring" viewBox="-165 -135 330 270" role="img" aria-label="The ring with this node's leaf set"></svg>
            <p class="legend"><span class="dot self"></span> this node <span class="dot alive"></span> answering <span class="dot suspected"></span> suspected, dashed amber: through a relay</p>
            <dl><dt>Address</dt><dd id="node-address"></dd><dt>State</dt><dd id="node-state"></dd>
              <dt>Routing table</dt><dd id="routing"></dd><dt>Partition healer</dt><dd id="healer"></dd>
              <dt>Traffic</dt><dd id="traffic"></dd></dl>
            <h3>Leaf set</h3>
            <table><thead><tr><th>Node</th><th>Side</th><th>State</th><th>RTT</th><th>Route</th><th>Address</th></tr></thead>
              <tbody id="leafset"></tbody></table>
          </section>
          <section id="storage-panel"><h2>Storage</h2><dl id="storage"></dl></section>
          <section id="glacier-panel"><h2>Glacier</h2><dl id="glacier"></dl></section>
          <section id="mail-panel"><h2>Mail for <span id="mail-user"></span></h2><dl id="mail"></dl>
            <table><thead><tr><th>Folder</th><th>Messages</th><th>Unseen</th><th>Size</th></tr></thead>
              <tbody id="folders"></tbody></table>
          </section>
        </main>
        <footer id="unavailable"></footer>
        </body></html>
        """;

    /// <summary>The page's script: renders a status and subscribes to updates.</summary>
    public const string Script = """
        "use strict";
        const svgNs = "http://www.w3.org/2000/svg";
        const $ = id => document.getElementById(id);
        function text(el, value) { el.textContent = value === null || value === undefined ? "n/a" : String(value); }
        function bytes(n) {
          if (n === null || n === undefined) return "n/a";
          const units = ["B", "KB", "MB", "GB", "TB"]; let i = 0;
          while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
          return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
        }
        function pairs(dl, entries) {
          dl.replaceChildren();
          for (const [k, v] of entries) {
            const dt = document.createElement("dt"); dt.textContent = k;
            const dd = document.createElement("dd"); text(dd, v);
            dl.append(dt, dd);
          }
        }
        function row(tbody, cells, attrs) {
          const tr = document.createElement("tr");
          for (const [k, v] of Object.entries(attrs)) tr.setAttribute(k, v);
          for (const [cls, v] of cells) { const td = document.createElement("td"); td.className = cls; text(td, v); tr.append(td); }
          tbody.append(tr);
        }
        function point(position, radius) {
          const a = position * 2 * Math.PI - Math.PI / 2;
          return [Math.cos(a) * radius, Math.sin(a) * radius];
        }
        function svg(name, attrs, title) {
          const el = document.createElementNS(svgNs, name);
          for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
          if (title) { const t = document.createElementNS(svgNs, "title"); t.textContent = title; el.append(t); }
          return el;
        }
        function label(root, position, value, cls, radius) {
          const [x, y] = point(position, radius);
          const t = svg("text", { x: x, y: y, class: cls, "text-anchor": x < -5 ? "end" : x > 5 ? "start" : "middle", "dominant-baseline": "middle" });
          t.textContent = value;
          root.append(t);
        }
        function drawRing(ring) {
          const root = $("ring"); root.replaceChildren();
          root.append(svg("circle", { cx: 0, cy: 0, r: 90, class: "orbit" }));
          const [sx, sy] = point(ring.position, 90);
          const byShort = new Map(ring.leaf_set.map(n => [n.short_id, n]));
          for (const n of ring.leaf_set) {
            const [x, y] = point(n.position, 90);
            if (n.relay && byShort.has(n.relay)) {
              const [rx, ry] = point(byShort.get(n.relay).position, 90);
              root.append(svg("polyline", { points: `${sx},${sy} ${rx},${ry} ${x},${y}`, class: "route relayed" }));
            } else {
              root.append(svg("line", { x1: sx, y1: sy, x2: x, y2: y, class: "route" + (n.alive ? "" : " dead") }));
            }
          }
          for (const n of ring.leaf_set) {
            const [x, y] = point(n.position, 90);
            root.append(svg("circle", { cx: x, cy: y, r: 5, class: "node " + (n.alive ? "alive" : "suspected"), "data-id": n.short_id },
              `${n.short_id} ${n.address}${n.rtt_ms === null ? "" : " " + n.rtt_ms + " ms"}`));
            label(root, n.position, n.short_id, "label", 104 + 12 * (ring.leaf_set.indexOf(n) % 2));
          }
          root.append(svg("circle", { cx: sx, cy: sy, r: 7, class: "node self", "data-id": ring.short_id }, `${ring.short_id} (this node)`));
          label(root, ring.position, ring.short_id, "label self", 116);
        }
        function ago(seconds) {
          const s = Math.abs(seconds), unit = s < 120 ? [s, "s"] : s < 7200 ? [s / 60, "min"] : s < 172800 ? [s / 3600, "h"] : [s / 86400, "days"];
          const amount = `${Math.round(unit[0])} ${unit[1]}`;
          return seconds >= 0 ? amount + " ago" : "in " + amount;
        }
        function archive(a) {
          if (!a) return "n/a";
          if (a.containers === 0) return "not archived yet";
          if (a.counted === null) return `${a.containers} containers, counting fragments`;
          return `${a.containers} containers; ${a.fragments_held} of ${a.fragments_total} fragments held, ` +
            (a.weakest_spare >= 0 ? `the weakest can lose ${a.weakest_spare} more` : `one cannot be rebuilt (${-a.weakest_spare} short)`) +
            ` (counted ${ago(a.counted_ago_s)})`;
        }
        function render(v) {
          const ring = v.ring;
          if (ring) {
            text($("node-id"), ring.short_id); text($("node-address"), ring.address);
            text($("node-state"), (ring.ready ? "in the ring" : "joining") + ", epoch " + ring.epoch);
            text($("routing"), `${ring.routing_table_entries} entries in ${ring.routing_table_rows} rows`);
            text($("healer"), ring.healing ? "healing a partition" : `idle, ${ring.recently_dead} recently dead remembered`);
            text($("traffic"), `sent ${ring.messages_sent}, received ${ring.messages_received}, dropped ${ring.dropped}` +
              (ring.refused_handshakes === null ? "" : `, refused handshakes ${ring.refused_handshakes}`));
            const leaf = $("leafset"); leaf.replaceChildren();
            for (const n of ring.leaf_set)
              row(leaf, [["id", n.short_id], ["side", n.side], ["state", n.alive ? "alive" : "suspected"],
                ["rtt", n.rtt_ms === null ? "" : n.rtt_ms + " ms"], ["route", n.relay ? "via " + n.relay : "direct"], ["address", n.address]],
                { "data-id": n.id });
            drawRing(ring);
          }
          const s = v.storage;
          if (s) pairs($("storage"), [["Objects", s.objects], ["Stored", bytes(s.bytes)], ["Budget", bytes(s.budget_bytes)],
            ["Refused", s.refused], ["Expired and collected", s.expired_collected], ["Repair fetches", s.repair_fetches], ["Replies refused", s.replies_refused],
            [`Leases ending within ${s.leases_due_window_days} days`, s.leases_due_objects === null ? "n/a" : `${s.leases_due_objects} objects, ${bytes(s.leases_due_bytes)}`],
            ["Next lease end", s.next_lease_end_s === null ? "none due" : ago(-s.next_lease_end_s)]]);
          const g = v.glacier;
          if (g) pairs($("glacier"), [["Fragments held", g.fragments], ["Fragment bytes", bytes(g.bytes)], ["Rebuilt", g.rebuilt],
            ["Rebuilds failed", g.rebuilds_failed], ["Maintenance", g.maintenance_running ? "running" : "idle"],
            ["Your archived objects", g.archived_objects], ["Your archive runs", g.archive_runs],
            ["Last rebuild", g.last_rebuild_ago_s === null ? "none since start" : ago(g.last_rebuild_ago_s)],
            ["Your archive", archive(g.archive)]]);
          const m = v.mail;
          text($("mail-user"), m.user);
          pairs($("mail"), [["Mailbox", m.mailbox_ready === null ? "n/a" : (m.mailbox_ready ? "loaded" : "loading")], ["Spool", m.spool_pending + " waiting"],
            ["Delivered since start", m.delivered], ["Retrying", m.retrying], ["Bounced", m.bounced], ["Filed", m.filed],
            ["Missing blocks", m.missing_blocks], ["Degraded folders", (m.degraded_folders || []).join(", ") || "none"]]);
          const folders = $("folders"); folders.replaceChildren();
          for (const f of m.folders || [])
            row(folders, [["name", f.name], ["messages", f.messages], ["unseen", f.unseen], ["size", bytes(f.bytes)]], { "data-folder": f.name });
          text($("unavailable"), v.unavailable.length ? "Not answering in time: " + v.unavailable.join(", ") : "");
          document.body.dataset.updates = String(Number(document.body.dataset.updates || "0") + 1);
        }
        async function start() {
          const first = await fetch("/api/status", { credentials: "same-origin" });
          if (first.status === 401) { location.href = "/login"; return; }
          render(await first.json());
          const events = new EventSource("/api/events");
          events.onopen = () => { text($("live"), "live"); $("live").className = "badge live"; };
          events.onerror = () => { text($("live"), "reconnecting"); $("live").className = "badge"; };
          events.onmessage = e => render(JSON.parse(e.data));
        }
        start();
        """;

    /// <summary>The page's style.</summary>
    public const string Style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f4f6fa; }
        header { display: flex; align-items: center; gap: 1em; padding: .6em 1.2em; background: #1d2330; color: #fff; }
        header h1 { font-size: 1.2em; margin: 0; flex: 1; } header form { margin: 0; }
        main { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 1em; padding: 1em; }
        section { background: #fff; border-radius: 8px; padding: .8em 1.2em; box-shadow: 0 1px 3px #0002; }
        #ring-panel { grid-row: span 2; } h2 { font-size: 1.1em; margin: .2em 0 .6em; } h3 { font-size: 1em; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; margin: 0; } dt { color: #5a6275; } dd { margin: 0; }
        table { border-collapse: collapse; width: 100%; font-size: .92em; } th, td { text-align: left; padding: .2em .5em; border-bottom: 1px solid #e3e6ee; }
        td.address { font-family: ui-monospace, monospace; font-size: .85em; word-break: break-all; }
        svg#ring { width: 100%; max-width: 420px; display: block; margin: 0 auto; }
        .orbit { fill: none; stroke: #c9cfdc; stroke-width: 1.5; }
        .route { stroke: #4a7bd0; stroke-width: 1; fill: none; } .route.dead { stroke: #d04a4a; stroke-dasharray: 3 3; }
        .route.relayed { stroke: #d09a4a; stroke-dasharray: 4 2; }
        .label { font-size: 8px; fill: #5a6275; font-family: ui-monospace, monospace; } .label.self { fill: #1d2330; font-weight: 600; }
        .legend { font-size: .85em; color: #5a6275; text-align: center; } .dot { display: inline-block; width: .7em; height: .7em; border-radius: 50%; }
        .dot.self { background: #1d2330; } .dot.alive { background: #3a9d5d; } .dot.suspected { background: #d04a4a; }
        .node.alive { fill: #3a9d5d; } .node.suspected { fill: #d04a4a; } .node.self { fill: #1d2330; }
        .badge { padding: .1em .6em; border-radius: 1em; background: #777; font-size: .85em; } .badge.live { background: #3a9d5d; }
        footer { padding: 0 1.2em 1em; color: #a33; }
        body.login { display: grid; place-items: center; min-height: 100vh; }
        #login { background: #fff; padding: 1.5em 2em; border-radius: 8px; box-shadow: 0 1px 3px #0002; display: grid; gap: .8em; min-width: 300px; }
        #login label { display: grid; gap: .2em; } .error { color: #a33; }
        """;
}
