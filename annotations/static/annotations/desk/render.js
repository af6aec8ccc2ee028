// Showing a claim: its text and status, the returned-claim note, "checked before?", and
// the annotation form with its sources.
import { network } from "./autosave.js";
import {
  $, annotationUrl, api, blocked, claimIndex, claims, current, currentClaim, data, dropPending,
  formFrom, hooks, readPending, sameForm, saved, serverVersion,
} from "./state.js";

export function showClaim(id, { focus = true } = {}) {
  if (!claimIndex.has(id)) return;
  current.id = id;
  const claim = currentClaim();
  const pending = readPending(id);
  const server = saved.get(id);
  current.form = formFrom(server);
  if (pending) {
    if (pending.base === serverVersion(id)) {
      current.form = pending.form;
    } else if (sameForm(pending.form, formFrom(server))) {
      dropPending(id);
    } else {
      blocked.add(id);
      current.form = pending.form;
      hooks.conflict(id, server);
    }
  }
  $("claim-position").textContent = `${claimIndex.get(id) + 1} of ${claims.length}`;
  $("claim-text").textContent = claim.text;
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
  showClaimStatus(id);
  pollFetches();
  if (focus) $("panel-h").focus({ preventScroll: true });
}

// The status a claim has for this annotator: an unstarted claim she has begun is in
// progress, even while her draft still waits in the browser.
function effectiveStatus(claim) {
  if (claim.status === "unstarted" && (readPending(claim.id) || saved.get(claim.id))) return "in_progress";
  return claim.status;
}

function myWork(claim) {
  const annotation = saved.get(claim.id);
  if (readPending(claim.id)) {
    return network.offline
      ? "your draft waits in this browser until the network returns"
      : "saving your changes";
  }
  if (!annotation) return "";
  return annotation.state === "submitted" ? "you submitted your annotation" : "your draft is saved";
}

// Everywhere a claim's status shows (its mark in the text, the picker, the panel), after
// it changed on the server or the annotator began it here.
export function showClaimStatus(id) {
  if (!claimIndex.has(id)) return;
  const claim = claims[claimIndex.get(id)];
  const status = effectiveStatus(claim);
  const label = data.statuses[status] || status;
  const mark = document.querySelector(`mark.claim[data-claim-id="${id}"]`);
  if (mark) {
    mark.classList.remove(...[...mark.classList].filter((name) => name.startsWith("status-")));
    mark.classList.add(`status-${status}`);
    mark.dataset.label = label;
  }
  const option = $("claim-picker").querySelector(`option[value="${id}"]`);
  if (option) option.textContent = pickerText(claim, label);
  if (id !== current.id) return;
  const work = myWork(claim);
  $("claim-status").textContent = work ? `${label} · ${work}` : label;
  $("claim-status").className = `badge status-${status}`;
  const meta = [];
  if (claim.origin !== "extracted") meta.push(`added ${claim.origin_label.toLowerCase()}`);
  if (claim.score !== null) meta.push(`check-worthiness ${claim.score.toFixed(2)}`);
  if (claim.speaker) meta.push(`speaker: ${claim.speaker}`);
  if (claim.rejection_reason) meta.push(`rejected: ${claim.rejection_reason}`);
  $("claim-meta").textContent = meta.join(" · ");
  showReturned(claim);
  showAnnotationState();
}

export function pickerText(claim, label) {
  const index = claimIndex.get(claim.id);
  const text = claim.text.length > 70 ? `${claim.text.slice(0, 69)}…` : claim.text;
  return `${index + 1}. [${label}] ${text}`;
}

// A claim an editor sent back: who, when and why, until the annotator submits again.
function showReturned(claim) {
  const returned = data.returned[claim.id];
  const note = $("returned-note");
  note.hidden = !returned;
  if (!returned) return;
  $("returned-by").textContent = `Returned to you by ${returned.by} on ${returned.at}`;
  $("returned-comment").textContent = returned.comment;
  $("returned-discussion").href = returned.discussion;
}

function renderMatches(matches) {
  const list = $("matches-list");
  list.replaceChildren();
  for (const match of matches) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.textContent = match.text;
    link.href = match.href;
    if (match.external) link.rel = "noopener noreferrer";
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.textContent = `Verdict: ${match.verdict} · similarity ${match.score.toFixed(2)} · ${match.where}`;
    if (match.published) {
      const published = document.createElement("a");
      published.href = match.published;
      published.rel = "noopener noreferrer";
      published.textContent = "published check";
      meta.append(" · ", published);
    }
    item.append(link, meta);
    list.append(item);
  }
  $("claim-matches").hidden = matches.length === 0;
}

function showAnnotationState() {
  const note = $("annotation-note");
  const claim = currentClaim();
  const annotation = saved.get(current.id);
  const closed = claim.status === "approved" || claim.status === "rejected";
  let text = "";
  if (closed) text = `This claim is ${claim.status_label.toLowerCase()}; it is closed to annotation.`;
  else if (annotation && annotation.state === "submitted" && !readPending(current.id)) {
    text = "You submitted this annotation. Changing it turns it back into a draft until you submit again.";
  }
  note.textContent = text;
  note.hidden = !text;
  for (const control of $("annotation-form").elements) control.disabled = closed;
}

// After the server saved a claim's annotation: its new status, and the form's sources.
export function afterSave(id) {
  const annotation = saved.get(id);
  const claim = claims[claimIndex.get(id)];
  if (annotation.claim_status && annotation.claim_status !== claim.status) {
    claim.status = annotation.claim_status;
    claim.status_label = data.statuses[claim.status] || claim.status;
  }
  if (annotation.state === "submitted") delete data.returned[id];
  showClaimStatus(id);
  if (id === current.id) {
    $("form-error").textContent = "";
    renderSourceStatus();
    pollFetches();
  }
}

export function renderForm() {
  const form = current.form;
  for (const input of document.querySelectorAll("input[name=stance]")) input.checked = input.value === form.stance;
  for (const input of document.querySelectorAll("input[name=verdict]")) input.checked = input.value === form.verdict;
  if ($("verdict-text")) $("verdict-text").value = form.verdict;
  const worthy = form.checkworthy === null ? "" : String(form.checkworthy);
  for (const input of document.querySelectorAll("input[name=checkworthy]")) input.checked = input.value === worthy;
  $("rationale").value = form.rationale;
  renderSources();
}

export function renderSources() {
  const list = $("sources");
  list.replaceChildren();
  current.form.sources.forEach((source, index) => {
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

const FETCH_LABELS = {
  queued: "waiting for a worker to archive it", running: "archiving…", done: "archived", failed: "not archived",
};

export function renderSourceStatus() {
  const annotation = saved.get(current.id);
  const fetched = new Map((annotation ? annotation.sources : []).map((s) => [s.url, s]));
  for (const item of $("sources").children) {
    const source = current.form.sources[Number(item.dataset.index)];
    const server = fetched.get(source.url);
    const status = item.querySelector(".fetch");
    const link = item.querySelector("a");
    if (!server) {
      status.textContent = "not saved yet";
      status.className = "fetch";
      continue;
    }
    link.textContent = source.title || server.title || source.url;
    let text = FETCH_LABELS[server.fetch_status] || server.fetch_status;
    if (server.fetch_status === "done") {
      const parts = [server.publisher, server.published_at ? server.published_at.slice(0, 10) : ""];
      text += parts.filter(Boolean).map((p) => ` · ${p}`).join("");
    }
    if (server.fetch_status === "failed") text += `: ${server.fetch_error}`;
    status.textContent = text;
    status.className = `fetch fetch-${server.fetch_status}`;
  }
}

let pollTimer = null;

// While a source is being archived, ask for its outcome now and then.
function pollFetches() {
  clearTimeout(pollTimer);
  const annotation = saved.get(current.id);
  if (!annotation || !annotation.sources.some((s) => s.fetch_status === "queued" || s.fetch_status === "running")) return;
  const id = current.id;
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
    if (id === current.id) {
      renderSourceStatus();
      pollFetches();
    }
  }, 2000);
}
