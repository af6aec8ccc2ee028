// The annotation desk: the document with its claims, the annotation panel, the keyboard
// map, and autosave that keeps every edit in localStorage until the server has it.
"use strict";

const data = JSON.parse(document.getElementById("desk-data").textContent);
const csrfToken = document.querySelector("input[name=csrfmiddlewaretoken]").value;
const $ = (id) => document.getElementById(id);

const claims = data.claims;
const claimIndex = new Map(claims.map((claim, index) => [claim.id, index]));
// The server's copy of the user's own annotations, by claim id.
const saved = new Map(Object.entries(data.annotations).map(([id, a]) => [Number(id), a]));
const STORE = `desk:${data.user}:`;
const DEBOUNCE_MS = 700;

let currentId = null;
let form = emptyForm();
let saveTimer = null;
let retryTimer = null;
let retryDelay = 1000;
let flushing = false;
let offline = false;
let pollTimer = null;
const blocked = new Set(); // claims waiting for the person to resolve a conflict or an error

// ---- Forms and pending edits -------------------------------------------------------------

function emptyForm() {
  return { stance: "", verdict: "", rationale: "", checkworthy: null, sources: [] };
}

function formFrom(annotation) {
  if (!annotation) return emptyForm();
  return {
    stance: annotation.stance,
    verdict: annotation.verdict,
    rationale: annotation.rationale,
    checkworthy: annotation.checkworthy,
    sources: annotation.sources.map((s) => ({
      url: s.url, title: s.title, publisher: s.publisher, quote: s.quote, stance: s.stance,
    })),
  };
}

function sameForm(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function serverVersion(id) {
  const annotation = saved.get(id);
  return annotation ? annotation.version : 0;
}

function readPending(id) {
  const raw = localStorage.getItem(STORE + id);
  return raw ? JSON.parse(raw) : null;
}

function writePending(id, pending) {
  localStorage.setItem(STORE + id, JSON.stringify(pending));
}

function pendingIds() {
  const ids = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key.startsWith(STORE)) ids.push(Number(key.slice(STORE.length)));
  }
  return ids;
}

function waitingChanges() {
  return pendingIds().reduce((n, id) => {
    const pending = readPending(id);
    return n + Math.max(1, pending.fields.length) + (pending.submit ? 1 : 0);
  }, 0);
}

// Every edit lands in localStorage at once, then goes to the server after a pause.
// A change is one part of the annotation (stance, verdict, rationale, sources...) that
// differs from what the server has; typing on in the same field is the same change.
function edited(field) {
  const previous = readPending(currentId);
  const fields = new Set(previous ? previous.fields : []);
  fields.add(field);
  writePending(currentId, {
    form,
    base: previous ? previous.base : serverVersion(currentId),
    fields: [...fields],
    submit: false,
  });
  showSaveState();
  clearTimeout(saveTimer);
  saveTimer = setTimeout(flushAll, DEBOUNCE_MS);
}

// ---- Talking to the server ---------------------------------------------------------------

async function api(method, url, body) {
  return fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken, Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function annotationUrl(id) {
  return `/api/claims/${id}/annotation/`;
}

// Send one claim's pending edits. Returns "saved", "offline", "conflict" or "error".
async function flushOne(id) {
  const pending = readPending(id);
  if (!pending) return "saved";
  if (blocked.has(id)) return "conflict";
  const body = { ...pending.form, submit: Boolean(pending.submit), version: pending.base };
  let response;
  try {
    response = await api("PUT", annotationUrl(id), body);
  } catch (error) {
    return "offline";
  }
  if (response.status === 409) {
    const answer = await response.json();
    blocked.add(id);
    showConflict(id, answer.current);
    return "conflict";
  }
  if (response.status >= 500 || response.status === 0) return "offline";
  let answer = {};
  try {
    answer = await response.json();
  } catch (error) {
    return "offline"; // a proxy's error page, not our API
  }
  if (!response.ok) {
    // Kept in localStorage, not retried until the person changes something.
    const now = readPending(id);
    if (now && now.submit) {
      now.submit = false;
      writePending(id, now);
    }
    if (id === currentId) $("form-error").textContent = answer.detail || `Not saved (HTTP ${response.status}).`;
    blocked.add(id);
    return "error";
  }
  saved.set(id, answer);
  const now = readPending(id);
  if (now && sameForm(now.form, pending.form) && Boolean(now.submit) === Boolean(pending.submit)) {
    localStorage.removeItem(STORE + id);
  } else if (now) {
    // Edits made while this request was out are based on the version it created.
    now.base = answer.version;
    if (pending.submit) now.submit = false;
    writePending(id, now);
  }
  if (id === currentId) {
    $("form-error").textContent = "";
    showAnnotationState();
    renderSourceStatus();
    pollFetches();
  }
  return "saved";
}

async function flushAll() {
  clearTimeout(saveTimer);
  if (flushing) {
    saveTimer = setTimeout(flushAll, DEBOUNCE_MS);
    return true;
  }
  flushing = true;
  let allSaved = true;
  try {
    for (const id of pendingIds()) {
      const outcome = await flushOne(id);
      if (outcome === "offline") {
        offline = true;
        allSaved = false;
        scheduleRetry();
        break;
      }
      if (outcome !== "saved") allSaved = false;
      else offline = false;
    }
  } finally {
    flushing = false;
  }
  if (allSaved) {
    offline = false;
    retryDelay = 1000;
  }
  showSaveState();
  return allSaved;
}

function scheduleRetry() {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(flushAll, retryDelay);
  retryDelay = Math.min(retryDelay * 2, 5000);
}

window.addEventListener("online", () => {
  retryDelay = 1000;
  flushAll();
});

function showSaveState() {
  const state = $("save-state");
  const waiting = waitingChanges();
  state.classList.toggle("offline", offline && waiting > 0);
  state.classList.toggle("problem", !offline && blocked.size > 0);
  if (offline && waiting > 0) {
    state.textContent = `offline — ${waiting} change${waiting === 1 ? "" : "s"} waiting`;
  } else if (blocked.size) {
    state.textContent = "Not saved: see the message";
  } else if (waiting > 0) {
    state.textContent = "Saving…";
  } else {
    state.textContent = "All changes saved";
  }
}

// ---- Showing a claim ---------------------------------------------------------------------

function showClaim(id, { focus = true } = {}) {
  if (!claimIndex.has(id)) return;
  currentId = id;
  const claim = claims[claimIndex.get(id)];
  const pending = readPending(id);
  const server = saved.get(id);
  form = formFrom(server);
  if (pending) {
    if (pending.base === serverVersion(id)) {
      form = pending.form;
    } else if (sameForm(pending.form, formFrom(server))) {
      localStorage.removeItem(STORE + id);
    } else {
      blocked.add(id);
      form = pending.form;
      showConflict(id, server);
    }
  }
  $("claim-position").textContent = `${claimIndex.get(id) + 1} of ${claims.length}`;
  $("claim-text").textContent = claim.text;
  const meta = [`Status: ${claim.status_label}`];
  if (claim.origin !== "extracted") meta.push(`added ${claim.origin}`);
  if (claim.score !== null) meta.push(`check-worthiness ${claim.score.toFixed(2)}`);
  if (claim.speaker) meta.push(`speaker: ${claim.speaker}`);
  if (claim.rejection_reason) meta.push(`rejected: ${claim.rejection_reason}`);
  $("claim-meta").textContent = meta.join(" · ");
  renderMatches(claim.matches);
  $("claim-picker").value = String(id);
  $("form-error").textContent = "";
  document.querySelectorAll("mark.claim.current").forEach((m) => m.classList.remove("current"));
  const mark = document.querySelector(`mark.claim[data-claim-id="${id}"]`);
  if (mark) {
    mark.classList.add("current");
    mark.scrollIntoView({ block: "nearest" });
  }
  const url = new URL(location.href);
  url.searchParams.set("claim", id);
  history.replaceState(null, "", url);
  renderForm();
  showAnnotationState();
  pollFetches();
  if (focus) $("panel-h").focus({ preventScroll: true });
}

function renderMatches(matches) {
  const list = $("matches-list");
  list.replaceChildren();
  for (const match of matches) {
    const item = document.createElement("li");
    const text = document.createElement(match.url ? "a" : "span");
    text.textContent = match.text;
    if (match.url) {
      text.href = match.url;
      text.rel = "noopener noreferrer";
    }
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = `Verdict: ${match.verdict} · similarity ${match.score.toFixed(2)} · ${match.where}`;
    item.append(text, meta);
    list.append(item);
  }
  $("claim-matches").hidden = matches.length === 0;
}

function showAnnotationState() {
  const note = $("annotation-note");
  const claim = claims[claimIndex.get(currentId)];
  const annotation = saved.get(currentId);
  const closed = claim.status === "approved" || claim.status === "rejected";
  let text = "";
  if (closed) text = `This claim is ${claim.status_label.toLowerCase()}; it is closed to annotation.`;
  else if (annotation && annotation.state === "submitted" && !readPending(currentId)) {
    text = "You submitted this annotation. Changing it turns it back into a draft until you submit again.";
  }
  note.textContent = text;
  note.hidden = !text;
  for (const control of $("annotation-form").elements) control.disabled = closed;
}

function renderForm() {
  for (const input of document.querySelectorAll("input[name=stance]")) input.checked = input.value === form.stance;
  for (const input of document.querySelectorAll("input[name=verdict]")) input.checked = input.value === form.verdict;
  if ($("verdict-text")) $("verdict-text").value = form.verdict;
  const worthy = form.checkworthy === null ? "" : String(form.checkworthy);
  for (const input of document.querySelectorAll("input[name=checkworthy]")) input.checked = input.value === worthy;
  $("rationale").value = form.rationale;
  renderSources();
}

function renderSources() {
  const list = $("sources");
  list.replaceChildren();
  form.sources.forEach((source, index) => {
    const item = document.createElement("li");
    item.className = "source";
    item.dataset.index = index;
    const n = index + 1;
    item.innerHTML = `
      <div class="source-head"><a target="_blank" rel="noopener noreferrer"></a>
        <span class="fetch" aria-live="polite"></span></div>
      <div class="row-tight">
        <label for="src-${n}-stance">Stance<span class="visually-hidden"> of source ${n}</span></label>
        <select id="src-${n}-stance" data-field="stance"></select>
        <button type="button" data-move="-1" aria-label="Move source ${n} up">↑</button>
        <button type="button" data-move="1" aria-label="Move source ${n} down">↓</button>
        <button type="button" data-remove aria-label="Remove source ${n}">Remove</button>
      </div>
      <label for="src-${n}-quote">Quoted passage<span class="visually-hidden"> from source ${n}</span></label>
      <textarea id="src-${n}-quote" data-field="quote" rows="2"></textarea>`;
    const link = item.querySelector("a");
    link.href = source.url;
    link.textContent = source.title || source.url;
    const select = item.querySelector("select");
    for (const option of data.source_stances) select.add(new Option(option.label, option.key));
    select.value = source.stance;
    item.querySelector("textarea").value = source.quote;
    list.append(item);
  });
  renderSourceStatus();
}

function renderSourceStatus() {
  const annotation = saved.get(currentId);
  const fetched = new Map((annotation ? annotation.sources : []).map((s) => [s.url, s]));
  for (const item of $("sources").children) {
    const source = form.sources[Number(item.dataset.index)];
    const server = fetched.get(source.url);
    const status = item.querySelector(".fetch");
    const link = item.querySelector("a");
    if (!server) {
      status.textContent = "not saved yet";
      status.className = "fetch";
      continue;
    }
    link.textContent = source.title || server.title || source.url;
    const labels = { queued: "waiting for a worker to archive it", running: "archiving…", done: "archived", failed: "not archived" };
    let text = labels[server.fetch_status] || server.fetch_status;
    if (server.fetch_status === "done") {
      const parts = [server.publisher, server.published_at ? server.published_at.slice(0, 10) : ""];
      text += parts.filter(Boolean).map((p) => ` · ${p}`).join("");
    }
    if (server.fetch_status === "failed") text += `: ${server.fetch_error}`;
    status.textContent = text;
    status.className = `fetch fetch-${server.fetch_status}`;
  }
}

// While a source is being archived, ask for its outcome now and then.
function pollFetches() {
  clearTimeout(pollTimer);
  const annotation = saved.get(currentId);
  if (!annotation || !annotation.sources.some((s) => s.fetch_status === "queued" || s.fetch_status === "running")) return;
  const id = currentId;
  pollTimer = setTimeout(async () => {
    try {
      const response = await api("GET", annotationUrl(id));
      if (response.ok) {
        const fresh = await response.json();
        const mine = saved.get(id);
        if (mine && fresh.version === mine.version) saved.set(id, fresh);
      }
    } catch (error) {
      /* offline: try again later */
    }
    if (id === currentId) {
      renderSourceStatus();
      pollFetches();
    }
  }, 2000);
}

// ---- Reading the controls ----------------------------------------------------------------

const panelForm = $("annotation-form");
panelForm.addEventListener("submit", (event) => event.preventDefault());
panelForm.addEventListener("change", (event) => {
  const target = event.target;
  if (target.name === "stance") form.stance = target.value;
  else if (target.name === "verdict") form.verdict = target.value;
  else if (target.name === "checkworthy") form.checkworthy = target.value === "" ? null : target.value === "true";
  else if (target.dataset.field === "stance") form.sources[sourceIndex(target)].stance = target.value;
  else return;
  blocked.delete(currentId);
  edited(target.name || "sources");
});
panelForm.addEventListener("input", (event) => {
  const target = event.target;
  let field = "rationale";
  if (target.id === "rationale") form.rationale = target.value;
  else if (target.id === "verdict-text") [form.verdict, field] = [target.value, "verdict"];
  else if (target.dataset.field === "quote") [form.sources[sourceIndex(target)].quote, field] = [target.value, "sources"];
  else return;
  blocked.delete(currentId);
  edited(field);
});
$("sources").addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  const index = sourceIndex(button);
  if (button.dataset.move) {
    const to = index + Number(button.dataset.move);
    if (to < 0 || to >= form.sources.length) return;
    const [moved] = form.sources.splice(index, 1);
    form.sources.splice(to, 0, moved);
    renderSources();
    $("sources").children[to].querySelector(`[data-move="${button.dataset.move}"]`).focus();
    announce(`Source moved to position ${to + 1}`);
  } else if ("remove" in button.dataset) {
    form.sources.splice(index, 1);
    renderSources();
    $("new-source").focus();
    announce("Source removed");
  } else return;
  edited("sources");
});

function sourceIndex(element) {
  return Number(element.closest("li.source").dataset.index);
}

function addSource() {
  const input = $("new-source");
  const value = input.value.trim();
  let url;
  try {
    url = new URL(value);
  } catch (error) {
    url = null;
  }
  if (!url || !["http:", "https:"].includes(url.protocol)) {
    $("new-source-error").textContent = "Paste a full web address starting with http:// or https://.";
    return;
  }
  if (form.sources.some((s) => s.url === value)) {
    $("new-source-error").textContent = "This source is already listed.";
    return;
  }
  $("new-source-error").textContent = "";
  form.sources.push({ url: value, title: "", publisher: "", quote: "", stance: "neutral" });
  input.value = "";
  renderSources();
  edited("sources");
  announce("Source added; it is being archived");
}

$("add-source-button").addEventListener("click", addSource);
$("new-source").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    addSource();
  }
});
$("new-source").addEventListener("paste", () => setTimeout(() => {
  if (/^https?:\/\/\S+$/.test($("new-source").value.trim())) addSource();
}, 0));

// ---- Moving on ---------------------------------------------------------------------------

function step(delta) {
  const index = claimIndex.get(currentId) + delta;
  if (index >= 0 && index < claims.length) showClaim(claims[index].id);
}

async function nextFromQueue() {
  let response;
  try {
    response = await api("POST", data.urls.next);
  } catch (error) {
    announce("Offline: cannot ask for the next claim; moving to the next one in this document.", true);
    step(1);
    return;
  }
  if (response.status === 204) {
    announce("Your queue is empty: no claim in this project needs you now.", true);
    return;
  }
  if (!response.ok) {
    announce("Could not get the next claim.", true);
    return;
  }
  const answer = await response.json();
  if (claimIndex.has(answer.claim.id)) showClaim(answer.claim.id);
  else location.assign(answer.desk_url);
}

async function submitAndNext() {
  if (currentId === null) return;
  if (!form.stance || !form.verdict) {
    $("form-error").textContent = "Choose a stance and a verdict before submitting.";
    (document.querySelector("input[name=stance]") || $("rationale")).focus();
    return;
  }
  const previous = readPending(currentId);
  writePending(currentId, {
    form,
    base: previous ? previous.base : serverVersion(currentId),
    fields: previous ? previous.fields : [],
    submit: true,
  });
  blocked.delete(currentId);
  const id = currentId;
  await flushAll();
  if (!readPending(id) && saved.get(id) && saved.get(id).state === "submitted") {
    announce("Submitted.");
    await nextFromQueue();
  } else if (offline) {
    announce("Offline: the submission is kept and will be sent when the network returns.", true);
    step(1);
  }
}

async function skipClaim() {
  if (currentId === null) return;
  const response = await api("POST", `/api/claims/${currentId}/skip/`, { reason: "" }).catch(() => null);
  if (!response || !response.ok) {
    announce(response ? "This claim cannot be skipped." : "Offline: cannot skip now.", true);
    return;
  }
  announce("Skipped.");
  await nextFromQueue();
}

// ---- Conflicts: mine and theirs side by side ---------------------------------------------

let conflict = null;

function describe(values) {
  const list = document.createElement("dl");
  const add = (name, value) => {
    const dt = document.createElement("dt");
    dt.textContent = name;
    const dd = document.createElement("dd");
    dd.textContent = value || "—";
    list.append(dt, dd);
  };
  const stance = data.stances.find((s) => s.key === values.stance);
  const verdict = data.labels.find((l) => l.key === values.verdict);
  add("Stance", stance ? stance.label : values.stance);
  add("Verdict", verdict ? verdict.label : values.verdict);
  add("Check-worthy", values.checkworthy === null ? "" : values.checkworthy ? "Yes" : "No");
  add("Rationale", values.rationale);
  add("Sources", values.sources.map((s) => s.url).join("\n"));
  return list;
}

const MERGE_FIELDS = [["stance", "Stance"], ["verdict", "Verdict"], ["checkworthy", "Check-worthy"], ["rationale", "Rationale"]];

function showConflict(id, current) {
  const pending = readPending(id);
  const mine = pending ? pending.form : form;
  const theirs = formFrom(current);
  conflict = { id, mine, theirs, version: current ? current.version : 0, current };
  $("conflict-mine").replaceChildren(describe(mine));
  $("conflict-theirs").replaceChildren(describe(theirs));
  $("conflict-version").textContent = conflict.version;
  const rows = $("merge-rows");
  rows.replaceChildren();
  for (const [field, label] of MERGE_FIELDS) {
    const row = document.createElement("div");
    row.className = "merge-row";
    row.innerHTML = `<span>${label}</span>
      <label class="choice"><input type="radio" name="merge-${field}" value="mine" checked> mine</label>
      <label class="choice"><input type="radio" name="merge-${field}" value="theirs"> theirs</label>`;
    rows.append(row);
  }
  if (!$("conflict").open) $("conflict").showModal();
  showSaveState();
}

function resolve(values) {
  const { id, version, current } = conflict;
  saved.set(id, current || saved.get(id));
  if (current === null) saved.delete(id);
  blocked.delete(id);
  if (values === null) {
    localStorage.removeItem(STORE + id);
  } else {
    writePending(id, { form: values, base: version, fields: ["merged"], submit: false });
  }
  $("conflict").close();
  conflict = null;
  if (id === currentId) showClaim(id, { focus: false });
  flushAll();
}

$("keep-mine").addEventListener("click", () => resolve(conflict.mine));
$("take-theirs").addEventListener("click", () => resolve(null));
$("save-merged").addEventListener("click", () => {
  const merged = { ...conflict.mine };
  for (const [field] of MERGE_FIELDS) {
    const choice = document.querySelector(`input[name="merge-${field}"]:checked`).value;
    merged[field] = choice === "mine" ? conflict.mine[field] : conflict.theirs[field];
  }
  const urls = new Set(conflict.mine.sources.map((s) => s.url));
  merged.sources = [...conflict.mine.sources, ...conflict.theirs.sources.filter((s) => !urls.has(s.url))];
  resolve(merged);
});
// The conflict must be decided; Escape does not make it go away.
$("conflict").addEventListener("cancel", (event) => event.preventDefault());

// ---- Editing claims: add from a selection, adjust the span, reject, merge ----------------

const docText = $("doc-text");
const tools = $("selection-tools");

// The selection as offsets into the document's text, trimmed of surrounding whitespace.
function selectedSpan() {
  const selection = window.getSelection();
  if (!selection.rangeCount || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!docText.contains(range.startContainer) || !docText.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.setStart(docText, 0);
  before.setEnd(range.startContainer, range.startOffset);
  let start = before.toString().length;
  let text = range.toString();
  const lead = text.length - text.trimStart().length;
  text = text.trim();
  start += lead;
  if (!text) return null;
  return { start, end: start + text.length, text };
}

document.addEventListener("selectionchange", () => {
  const span = selectedSpan();
  tools.hidden = !span;
  if (span) {
    const rect = window.getSelection().getRangeAt(0).getBoundingClientRect();
    const box = docText.getBoundingClientRect();
    tools.style.top = `${rect.bottom - box.top + docText.offsetTop + 6}px`;
    tools.style.left = `${Math.max(0, rect.left - box.left)}px`;
  }
});

async function addClaimFromSelection() {
  const span = selectedSpan();
  if (!span) {
    announce("Select a passage in the text first.", true);
    return;
  }
  const response = await api("POST", data.urls.add_claim, span).catch(() => null);
  if (!response) return announce("Offline: the claim was not added.", true);
  const answer = await response.json();
  if (!response.ok) return announce(answer.detail || "The claim was not added.", true);
  await flushAll();
  location.assign(`?claim=${answer.id}`);
}

async function setSpanFromSelection() {
  const span = selectedSpan();
  const claim = claims[claimIndex.get(currentId)];
  if (!span || !claim) return;
  const response = await api("PATCH", `/api/claims/${claim.id}/`, {
    start: span.start, end: span.end, version: claim.version,
  }).catch(() => null);
  if (!response) return announce("Offline: the span was not changed.", true);
  const answer = await response.json();
  if (!response.ok) return announce(answer.detail || "The span was not changed.", true);
  await flushAll();
  location.reload();
}

$("add-claim").addEventListener("click", addClaimFromSelection);
$("set-span").addEventListener("click", setSpanFromSelection);
// Keep the selection when the mouse goes to the buttons.
tools.addEventListener("mousedown", (event) => event.preventDefault());

$("reject-open").addEventListener("click", () => {
  $("reject-error").textContent = "";
  $("reject").showModal();
});
$("reject-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const claim = claims[claimIndex.get(currentId)];
  const response = await api("POST", `/api/claims/${claim.id}/reject/`, {
    reason: $("reject-reason").value, version: claim.version,
  }).catch(() => null);
  if (!response) return ($("reject-error").textContent = "Offline: try again when the network is back.");
  const answer = await response.json();
  if (!response.ok) return ($("reject-error").textContent = answer.detail || "Not rejected.");
  await flushAll();
  location.reload();
});

$("merge-open").addEventListener("click", () => {
  const select = $("merge-duplicate");
  select.replaceChildren();
  for (const claim of claims) {
    if (claim.id === currentId || claim.status === "rejected" || claim.status === "approved") continue;
    select.add(new Option(`${claimIndex.get(claim.id) + 1}. ${claim.text.slice(0, 80)}`, claim.id));
  }
  $("merge-error").textContent = select.options.length ? "" : "No other open claim in this document.";
  $("merge").showModal();
});
$("merge-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const duplicate = Number($("merge-duplicate").value);
  if (!duplicate) return;
  const response = await api("POST", `/api/claims/${currentId}/merge/`, { duplicate }).catch(() => null);
  if (!response) return ($("merge-error").textContent = "Offline: try again when the network is back.");
  const answer = await response.json();
  if (!response.ok) return ($("merge-error").textContent = answer.detail || "Not merged.");
  await flushAll();
  location.reload();
});
for (const button of document.querySelectorAll("dialog [data-close]")) {
  button.addEventListener("click", () => button.closest("dialog").close());
}

// ---- Keyboard ----------------------------------------------------------------------------

function isTyping(element) {
  if (!element || !element.tagName) return false;
  if (element.isContentEditable) return true;
  if (element.tagName === "TEXTAREA" || element.tagName === "SELECT") return true;
  if (element.tagName !== "INPUT") return false;
  return !["radio", "checkbox", "button", "submit", "reset"].includes(element.type);
}

function announce(message, important = false) {
  $("announce").textContent = message;
  if (important) $("form-error").textContent = message;
}

function choose(name, value) {
  const input = document.querySelector(`input[name="${name}"][value="${CSS.escape(value)}"]`);
  if (!input || input.disabled) return;
  input.checked = true;
  input.dispatchEvent(new Event("change", { bubbles: true }));
  announce(`${name === "stance" ? "Stance" : "Verdict"}: ${input.parentElement.textContent.trim()}`);
}

const STANCE_KEYS = Object.fromEntries(data.stances.map((s) => [s.shortcut, s.key]));

document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
    event.preventDefault();
    if (!document.querySelector("dialog[open]")) submitAndNext();
    return;
  }
  if (event.key === "Escape") {
    if (document.querySelector("dialog[open]")) return; // the dialog closes itself
    tools.hidden = true;
    if (isTyping(document.activeElement)) {
      event.preventDefault();
      document.activeElement.blur();
      $("panel-h").focus({ preventScroll: true });
    }
    return;
  }
  if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
  if (document.querySelector("dialog[open]")) return;
  const key = event.key;
  let handled = true;
  if (key === "j") step(1);
  else if (key === "k") step(-1);
  else if (/^[1-9]$/.test(key) && !data.free_text) {
    const label = data.labels[Number(key) - 1];
    if (label) choose("verdict", label.key);
  } else if (key in STANCE_KEYS) choose("stance", STANCE_KEYS[key]);
  else if (key === "w") cycleCheckworthy();
  else if (key === "a") $("new-source").focus();
  else if (key === "r") $("rationale").focus();
  else if (key === "v" && $("verdict-text")) $("verdict-text").focus();
  else if (key === "s") skipClaim();
  else if (key === "n") addClaimFromSelection();
  else if (key === "g") $("guidelines").showModal();
  else if (key === "?") $("help").showModal();
  else handled = false;
  if (handled) event.preventDefault();
});

function cycleCheckworthy() {
  const next = form.checkworthy === null ? "true" : form.checkworthy ? "false" : "";
  const input = document.querySelector(`input[name=checkworthy][value="${next}"]`);
  input.checked = true;
  input.dispatchEvent(new Event("change", { bubbles: true }));
  announce(`Check-worthy: ${input.parentElement.textContent.trim()}`);
}

$("guidelines-open").addEventListener("click", () => $("guidelines").showModal());
$("help-open").addEventListener("click", () => $("help").showModal());
$("prev-claim").addEventListener("click", () => step(-1));
$("next-claim").addEventListener("click", () => step(1));
$("claim-picker").addEventListener("change", (event) => showClaim(Number(event.target.value), { focus: false }));
$("submit-next").addEventListener("click", submitAndNext);
$("skip").addEventListener("click", skipClaim);
docText.addEventListener("click", (event) => {
  const mark = event.target.closest("mark.claim");
  if (mark && window.getSelection().isCollapsed) showClaim(Number(mark.dataset.claimId), { focus: false });
});

// ---- Start -------------------------------------------------------------------------------

function fillPicker() {
  $("claim-picker").replaceChildren();
  for (const [index, claim] of claims.entries()) {
    const text = claim.text.length > 70 ? `${claim.text.slice(0, 69)}…` : claim.text;
    $("claim-picker").add(new Option(`${index + 1}. [${claim.status_label}] ${text}`, claim.id));
  }
}

// Claims extracted while the desk was open (live_status.js brings the new desk data): the
// new ones join the list; the annotations already here and any unsaved edits stay.
document.addEventListener("desk:claims", (event) => {
  const fresh = event.detail;
  claims.splice(0, claims.length, ...fresh.claims);
  claimIndex.clear();
  claims.forEach((claim, index) => claimIndex.set(claim.id, index));
  for (const [id, annotation] of Object.entries(fresh.annotations)) {
    if (!saved.has(Number(id))) saved.set(Number(id), annotation);
  }
  fillPicker();
  $("claim-body").hidden = claims.length === 0;
  const keep = claimIndex.has(currentId) ? currentId : fresh.current;
  if (keep !== null) showClaim(keep, { focus: false });
});

fillPicker();
if (data.current !== null) showClaim(data.current, { focus: false });
showSaveState();
if (pendingIds().length) flushAll();
