// The desk's shared state: the page's data, the current claim and its form, and the edits
// kept in localStorage until the server has them. Other modules reach each other through
// `hooks`, set by desk.js, so no two modules import each other.

export const data = JSON.parse(document.getElementById("desk-data").textContent);
export const $ = (id) => document.getElementById(id);

export const claims = data.claims;
export const claimIndex = new Map(claims.map((claim, index) => [claim.id, index]));
// The server's copy of the user's own annotations, by claim id.
export const saved = new Map(Object.entries(data.annotations).map(([id, a]) => [Number(id), a]));
// Claims waiting for the person to resolve a conflict or an error.
export const blocked = new Set();
const STORE = `desk:${data.user}:`;

// What the panel shows; `current.form` is the form of the claim `current.id`.
export const current = { id: null, form: emptyForm() };

// Set by desk.js: conflict(id, current), saved(id), showClaim(id, options).
export const hooks = {};

export function currentClaim() {
  return claims[claimIndex.get(current.id)];
}

export function emptyForm() {
  return { stance: "", verdict: "", rationale: "", checkworthy: null, sources: [] };
}

export function formFrom(annotation) {
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

export function sameForm(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function serverVersion(id) {
  const annotation = saved.get(id);
  return annotation ? annotation.version : 0;
}

export function readPending(id) {
  const raw = localStorage.getItem(STORE + id);
  return raw ? JSON.parse(raw) : null;
}

export function writePending(id, pending) {
  localStorage.setItem(STORE + id, JSON.stringify(pending));
}

export function dropPending(id) {
  localStorage.removeItem(STORE + id);
}

export function pendingIds() {
  const ids = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key.startsWith(STORE)) ids.push(Number(key.slice(STORE.length)));
  }
  return ids;
}

export function waitingChanges() {
  return pendingIds().reduce((n, id) => {
    const pending = readPending(id);
    return n + Math.max(1, pending.fields.length) + (pending.submit ? 1 : 0);
  }, 0);
}

export function announce(message, important = false) {
  $("announce").textContent = message;
  if (important) $("form-error").textContent = message;
}

const csrfToken = document.querySelector("input[name=csrfmiddlewaretoken]").value;

export async function api(method, url, body) {
  return fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken, Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export function annotationUrl(id) {
  return `/api/claims/${id}/annotation/`;
}
