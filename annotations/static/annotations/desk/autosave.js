// Autosave: every edit lands in localStorage at once and goes to the server after a pause;
// offline, it waits and is sent when the network returns.
import {
  $, annotationUrl, api, blocked, current, dropPending, hooks, pendingIds, readPending, sameForm,
  saved, serverVersion, waitingChanges, writePending,
} from "./state.js";

const DEBOUNCE_MS = 700;

let saveTimer = null;
let retryTimer = null;
let retryDelay = 1000;
let flushing = false;
export const network = { offline: false };

// A change is one part of the annotation (stance, verdict, rationale, sources...) that
// differs from what the server has; typing on in the same field is the same change.
export function edited(field) {
  const previous = readPending(current.id);
  const fields = new Set(previous ? previous.fields : []);
  fields.add(field);
  writePending(current.id, {
    form: current.form,
    base: previous ? previous.base : serverVersion(current.id),
    fields: [...fields],
    submit: false,
  });
  showSaveState();
  hooks.changed(current.id);
  clearTimeout(saveTimer);
  saveTimer = setTimeout(flushAll, DEBOUNCE_MS);
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
    hooks.conflict(id, answer.current);
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
    if (id === current.id) $("form-error").textContent = answer.detail || `Not saved (HTTP ${response.status}).`;
    blocked.add(id);
    return "error";
  }
  saved.set(id, answer);
  const now = readPending(id);
  if (now && sameForm(now.form, pending.form) && Boolean(now.submit) === Boolean(pending.submit)) {
    dropPending(id);
  } else if (now) {
    // Edits made while this request was out are based on the version it created.
    now.base = answer.version;
    if (pending.submit) now.submit = false;
    writePending(id, now);
  }
  hooks.saved(id);
  return "saved";
}

export async function flushAll() {
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
        network.offline = true;
        allSaved = false;
        scheduleRetry();
        break;
      }
      if (outcome !== "saved") allSaved = false;
      else network.offline = false;
    }
  } finally {
    flushing = false;
  }
  if (allSaved) {
    network.offline = false;
    retryDelay = 1000;
  }
  showSaveState();
  hooks.changed(current.id);
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

export function showSaveState() {
  const state = $("save-state");
  const waiting = waitingChanges();
  const offline = network.offline && waiting > 0;
  state.classList.toggle("offline", offline);
  state.classList.toggle("problem", !offline && blocked.size > 0);
  if (offline) {
    state.textContent = `offline — ${waiting} change${waiting === 1 ? "" : "s"} waiting`;
  } else if (blocked.size) {
    state.textContent = "Not saved: see the message";
  } else if (waiting > 0) {
    state.textContent = "Saving…";
  } else {
    state.textContent = "All changes saved";
  }
}
