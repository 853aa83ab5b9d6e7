// The Plexus dashboard page: plain ES module, no build step, nothing fetched but this dashboard's own API.
const STATUSES = ["Queued", "Running", "Retrying", "Succeeded", "Failed", "Cancelled", "TimedOut", "Expired"];
const FINAL = new Set(["Succeeded", "Failed", "Cancelled", "TimedOut", "Expired"]);
const PAGE_SIZE = 25;
const $ = (selector, root = document) => root.querySelector(selector);

const state = { session: null, filters: {}, cursors: [null], page: 0, rows: new Map(), selected: null, feed: null, detailEvents: null, countsTimer: null };

// Every call sends the request header that marks it as the page's own (the API refuses cookie-authenticated writes without it).
async function api(path, options = {}) {
  const response = await fetch(path, {
    credentials: "same-origin",
    ...options,
    headers: { "X-Plexus-Request": "1", ...(options.body ? { "Content-Type": "application/json" } : {}), ...options.headers },
  });
  const type = response.headers.get("Content-Type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (response.status === 401) showLogin(body?.detail);
  return { ok: response.ok, status: response.status, body };
}

// ---------- session ----------
async function start() {
  const me = await api("/api/session");
  if (me.ok) enter(me.body);
}

function showLogin(message) {
  $("#app").hidden = true;
  $("#login").hidden = false;
  $("#logout").hidden = true;
  $("#who").textContent = "";
  $("#login-error").textContent = message && state.session ? message : "";
  state.session = null;
  state.feed?.close();
}

$("#login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = await api("/api/session", { method: "POST", body: JSON.stringify({ key: $("#login-key").value }) });
  $("#login-key").value = "";
  if (result.ok) enter(result.body);
  else $("#login-error").textContent = result.body?.detail || "Login failed.";
});

$("#logout").addEventListener("click", async () => {
  await api("/api/session", { method: "DELETE" });
  showLogin();
});

function enter(session) {
  state.session = session;
  $("#login").hidden = true;
  $("#app").hidden = false;
  $("#logout").hidden = session.localAdmin;
  $("#who").textContent = `${session.name} (${session.role})`;
  $("#dispatch").hidden = !session.canDispatch;
  loadPage();
  connectFeed();
}

// ---------- formatting ----------
function badge(status) {
  const span = document.createElement("span");
  span.className = `badge ${status}`;
  span.textContent = status;
  return span;
}

function time(value) {
  return value ? new Date(value).toLocaleString() : "–";
}

function span(ms) {
  if (ms == null || ms < 0) return "–";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

function duration(item) {
  if (!item.startedAt) return "–";
  const end = item.finishedAt ? new Date(item.finishedAt) : new Date();
  return span(end - new Date(item.startedAt));
}

// A bar with one segment per reported stage (as the original dashboard draws them): finished stages full, the
// current one at its percent; the label gives the stage, its percent and the ETA.
function progress(item) {
  const wrap = document.createElement("div");
  wrap.className = "progress";
  const bar = document.createElement("div");
  bar.className = "bar";
  const stages = item.stages?.length ? item.stages : [{ name: "", status: FINAL.has(item.status) ? "Completed" : "Running" }];
  stages.forEach((stage, i) => {
    const segment = document.createElement("div");
    segment.className = `segment ${stage.status}`;
    segment.title = stage.name;
    const fill = document.createElement("span");
    const last = i === stages.length - 1;
    let percent = stage.status === "Completed" ? 100 : last ? (item.percent ?? 0) : 100;
    if (item.status === "Succeeded") percent = 100;
    if (item.status === "Queued" || item.status === "Retrying") percent = 0;
    if (stage.status === "Failed" || (FINAL.has(item.status) && item.status !== "Succeeded" && last)) segment.classList.add("Failed");
    fill.style.width = `${percent}%`;
    segment.append(fill);
    bar.append(segment);
  });
  const label = document.createElement("span");
  label.className = "label";
  const current = item.stage ?? item.stages?.at(-1)?.name;
  const pieces = [];
  if (current) pieces.push(current);
  if (item.percent != null && !FINAL.has(item.status)) pieces.push(`${Math.round(item.percent)}%`);
  if (item.estimatedCompletion && !FINAL.has(item.status)) pieces.push(`ETA ${span(new Date(item.estimatedCompletion) - new Date())}`);
  if (item.status === "Succeeded") pieces.push("100%");
  label.textContent = pieces.join(" · ");
  wrap.dataset.percent = item.status === "Succeeded" ? "100" : String(Math.round(item.percent ?? 0));
  wrap.append(bar, label);
  return wrap;
}

// ---------- table ----------
function readFilters() {
  const form = $("#filters");
  const filters = {};
  for (const name of ["status", "command", "submitter", "since"]) {
    const value = form.elements[name].value.trim();
    if (value) filters[name] = value;
  }
  return filters;
}

async function loadPage() {
  const query = new URLSearchParams({ ...state.filters, limit: String(PAGE_SIZE) });
  const cursor = state.cursors[state.page];
  if (cursor) query.set("cursor", cursor);
  const result = await api(`/api/actions?${query}`);
  $('[data-for="filters"]').textContent = result.ok ? "" : result.body?.detail ?? "";
  if (!result.ok) return;
  state.rows.clear();
  $("#table tbody").replaceChildren();
  for (const item of result.body.items) upsertRow(item, false);
  state.cursors[state.page + 1] = result.body.next;
  $("#next").disabled = !result.body.next;
  $("#prev").disabled = state.page === 0;
  renderCounts(result.body.counts);

  // A listing has no stages; a running row gets them from its document until the feed brings changes.
  for (const item of result.body.items.filter((i) => i.status === "Running")) {
    api(`/api/actions/${item.id}`).then((r) => r.ok && upsertRow(r.body, false));
  }
}

function renderCounts(counts) {
  const bar = $("#counts");
  bar.replaceChildren();
  for (const status of STATUSES) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.status = status;
    button.className = state.filters.status === status ? "active" : "";
    button.append(badge(status), ` ${counts?.[status] ?? 0}`);
    button.addEventListener("click", () => {
      $("#filters").elements.status.value = state.filters.status === status ? "" : status;
      applyFilters();
    });
    bar.append(button);
  }
}

function matches(item) {
  const f = state.filters;
  if (f.status && item.status !== f.status) return false;
  if (f.command && !item.command.startsWith(f.command)) return false;
  if (f.submitter && item.submitter !== f.submitter) return false;
  return true;
}

function upsertRow(item, isNew) {
  const known = state.rows.get(item.id);
  if (known && known.version > item.version) return;
  const merged = { ...known, ...item };
  if (!item.stages && known?.stages) merged.stages = known.stages;
  state.rows.set(item.id, merged);
  let row = $(`#table tbody tr[data-id="${item.id}"]`);
  if (!row) {
    if (!isNew && known) return;
    row = document.createElement("tr");
    row.dataset.id = item.id;
    row.addEventListener("click", () => openDetail(item.id));
    const body = $("#table tbody");
    if (isNew) body.prepend(row); else body.append(row);
  }
  row.dataset.status = merged.status;
  // Remembers that the bar was drawn part-way, so a test (or a person) can tell progress moved after it finished.
  if (merged.status === "Running" && merged.percent > 0 && merged.percent < 100) row.dataset.progressSeen = "true";
  row.classList.toggle("selected", state.selected === item.id);
  const cells = [badge(merged.status), merged.command, merged.submitter, time(merged.startedAt), duration(merged), progress(merged)];
  row.replaceChildren(...cells.map((content, i) => {
    const td = document.createElement("td");
    if (i === 1) td.className = "command";
    td.append(content);
    return td;
  }));
}

function applyFilters() {
  state.filters = readFilters();
  state.cursors = [null];
  state.page = 0;
  loadPage();
}

$("#filters").elements.status.append(...STATUSES.map((s) => new Option(s, s)));
$("#filters").addEventListener("submit", (event) => { event.preventDefault(); applyFilters(); });
$("#next").addEventListener("click", () => { state.page++; loadPage(); });
$("#prev").addEventListener("click", () => { state.page = Math.max(0, state.page - 1); loadPage(); });
setInterval(() => { for (const item of state.rows.values()) if (item.status === "Running") upsertRow(item, false); }, 1000);

// ---------- live feed ----------
function connectFeed() {
  state.feed?.close();
  const feed = new EventSource("/api/events");
  state.feed = feed;
  feed.addEventListener("ready", () => { $("#live").textContent = "live"; $("#live").classList.add("on"); });
  feed.addEventListener("change", (event) => {
    const change = JSON.parse(event.data);
    const onFirstPage = state.page === 0 && matches(change);
    if (state.rows.has(change.id) || onFirstPage) upsertRow(change, !state.rows.has(change.id));
    scheduleCounts();
  });
  feed.onerror = () => {
    $("#live").textContent = "reconnecting";
    $("#live").classList.remove("on");
    if (!state.session) feed.close();
  };
}

// Counts follow the changes, a second after the last of a burst.
function scheduleCounts() {
  clearTimeout(state.countsTimer);
  state.countsTimer = setTimeout(async () => {
    const query = new URLSearchParams({ ...state.filters, limit: "1" });
    const result = await api(`/api/actions?${query}`);
    if (result.ok) renderCounts(result.body.counts);
  }, 1000);
}

// ---------- dispatch ----------
$("#dispatch-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const body = {};
  const number = (name) => (form.elements[name].value.trim() === "" ? undefined : Number(form.elements[name].value));
  body.command = form.elements.command.value;
  for (const name of ["timeout", "expires", "maxAttempts"]) if (number(name) !== undefined) body[name] = number(name);
  const codes = form.elements.retryExitCodes.value.trim();
  if (codes) body.retryExitCodes = codes.split(/[\s,]+/).filter(Boolean).map(Number);
  if (form.elements.retryOnTimeout.value) body.retryOnTimeout = form.elements.retryOnTimeout.value === "true";
  for (const name of ["idempotencyKey", "queue"]) if (form.elements[name].value.trim()) body[name] = form.elements[name].value.trim();

  form.querySelectorAll(".error").forEach((e) => { e.textContent = ""; });
  form.querySelectorAll(".invalid").forEach((e) => e.classList.remove("invalid"));
  const result = await api("/api/actions", { method: "POST", body: JSON.stringify(body) });
  if (result.ok) {
    upsertRow(result.body, true);
    openDetail(result.body.id);
    return;
  }
  const errors = result.body?.errors ?? {};
  for (const [field, messages] of Object.entries(errors)) {
    const slot = form.querySelector(`[data-for="${field}"]`) ?? form.querySelector('[data-for="form"]');
    slot.textContent = messages.join(" ");
    form.elements[field]?.classList.add("invalid");
  }
  if (!Object.keys(errors).length) form.querySelector('[data-for="form"]').textContent = result.body?.detail ?? `Refused (${result.status}).`;
});

// ---------- detail ----------
function openDetail(id) {
  state.selected = id;
  state.detailEvents?.close();
  document.querySelectorAll("#table tbody tr").forEach((r) => r.classList.toggle("selected", r.dataset.id === id));
  $("#detail").hidden = false;
  $("#detail-id").textContent = id;
  $("#output").textContent = "";
  $("#cancel-message").textContent = "";
  const events = new EventSource(`/api/actions/${id}/events`);
  state.detailEvents = events;
  events.addEventListener("state", (event) => renderDetail(JSON.parse(event.data)));
  events.addEventListener("output", (event) => appendOutput(JSON.parse(event.data)));
  events.addEventListener("end", async () => {
    events.close();
    const [stdout, stderr] = await Promise.all([
      api(`/api/actions/${id}/output?stream=stdout&tail=200`),
      api(`/api/actions/${id}/output?stream=stderr&tail=50`),
    ]);
    if (state.selected === id && stdout.ok) $("#output").textContent = stdout.body + (stderr.ok && stderr.body ? `\n--- stderr ---\n${stderr.body}` : "");
  });
  events.addEventListener("error", (event) => { if (event.data) { $("#cancel-message").textContent = JSON.parse(event.data).detail; events.close(); } });
}

function appendOutput(chunk) {
  const pre = $("#output");
  const lines = (pre.textContent + chunk.text).split("\n");
  pre.textContent = lines.slice(-200).join("\n");
  pre.scrollTop = pre.scrollHeight;
}

function facts(target, pairs) {
  target.replaceChildren(...pairs.filter(([, v]) => v !== undefined && v !== null && v !== "").flatMap(([k, v]) => {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.append(v);
    return [dt, dd];
  }));
}

function rows(target, items, cells) {
  target.replaceChildren(...items.map((item) => {
    const tr = document.createElement("tr");
    tr.replaceChildren(...cells(item).map((c) => { const td = document.createElement("td"); td.append(c ?? "–"); return td; }));
    return tr;
  }));
}

function renderDetail(action) {
  if (action.id !== state.selected) return;
  upsertRow({ ...action, stage: action.stages?.at(-1)?.name }, false);
  facts($("#detail-facts"), [
    ["Status", badge(action.status)], ["Command", action.command], ["Submitter", action.submitter], ["Queue", action.queue],
    ["Attempt", `${action.attempt} of ${action.retry?.maxAttempts ?? "?"}`], ["Queued", time(action.queuedAt)],
    ["Started", time(action.startedAt)], ["Finished", action.finishedAt ? time(action.finishedAt) : null],
    ["Cancel requested by", action.cancelRequestedBy],
  ]);
  $("#detail-progress").replaceChildren(progress({ ...action, stage: action.stages?.at(-1)?.name }));
  rows($("#stages tbody"), action.stages ?? [], (s) => [
    s.name, s.status, s.total ? `${s.processed ?? 0}/${s.total}` : "", time(s.startedAt),
    s.completedAt ? span(new Date(s.completedAt) - new Date(s.startedAt)) : "", s.message ?? "",
  ]);
  rows($("#attempts tbody"), action.attempts ?? [], (a) => [
    a.number, a.outcome, a.exitCode ?? "", a.worker?.silo ?? "", time(a.startedAt),
    a.finishedAt ? span(new Date(a.finishedAt) - new Date(a.startedAt)) : "", a.error ?? "",
  ]);
  const r = action.result;
  facts($("#result"), r ? [["Status", r.status], ["Exit code", r.exitCode], ["Error", r.error], ["Took", span(new Date(r.finishedAt) - new Date(r.startedAt))]] : [["Status", "no result yet"]]);
  rows($("#audit tbody"), action.audit ?? [], (e) => [time(e.at), e.actor, e.operation, e.outcome, e.detail]);
  $("#cancel").hidden = !state.session?.canDispatch || FINAL.has(action.status);
}

$("#cancel").addEventListener("click", async () => {
  const id = state.selected;
  const result = await api(`/api/actions/${id}/cancel`, { method: "POST" });
  $("#cancel-message").textContent = result.ok ? result.body.message : result.body?.detail ?? `Refused (${result.status}).`;
});

$("#close-detail").addEventListener("click", () => {
  state.detailEvents?.close();
  state.selected = null;
  $("#detail").hidden = true;
});

start();
