// Live status: the desk and the project page follow the background jobs they show (claim
// extraction) by polling a small status endpoint, and update themselves when one finishes.
"use strict";

const POLL_MS = 2000;
const OFFLINE_POLL_MS = 10000;
const LABELS = { queued: "Waiting for a worker", running: "Running", done: "Done", failed: "Failed" };
const unfinished = (state) => state === "queued" || state === "running";

async function getJSON(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

// Poll `step` until it returns false; a failed request (offline, 503) waits longer.
function follow(step) {
  const tick = async () => {
    let delay = POLL_MS;
    try {
      if ((await step()) === false) return;
    } catch (error) {
      delay = OFFLINE_POLL_MS;
    }
    setTimeout(tick, delay);
  };
  setTimeout(tick, POLL_MS);
}

function showBadge(badge, state) {
  badge.className = `badge extraction-${state}`;
  badge.dataset.extractionStatus = state;
  badge.textContent = LABELS[state] || state;
}

function plural(n, word) {
  return `${n.toLocaleString()} ${word}${n === 1 ? "" : "s"}`;
}

// ---- The desk --------------------------------------------------------------------------

async function showExtractedClaims() {
  // The page as the server renders it now: its highlighted text and its desk data.
  const response = await fetch(location.href, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  document.getElementById("doc-text").replaceChildren(...fresh.getElementById("doc-text").childNodes);
  document.getElementById("claim-count").textContent = fresh.getElementById("claim-count").textContent;
  document.getElementById("no-claims").hidden = fresh.getElementById("no-claims").hidden;
  const data = JSON.parse(fresh.getElementById("desk-data").textContent);
  document.dispatchEvent(new CustomEvent("desk:claims", { detail: data }));
}

function followDesk(badge) {
  const pending = document.getElementById("extraction-pending");
  const error = document.getElementById("extraction-error");
  follow(async () => {
    const job = await getJSON(badge.dataset.statusUrl);
    if (job.state !== badge.dataset.extractionStatus) showBadge(badge, job.state);
    pending.hidden = !unfinished(job.state);
    pending.querySelector("span").textContent =
      job.state === "queued" ? "Waiting for a worker to extract the claims" : "Extracting the claims";
    error.hidden = job.state !== "failed";
    error.querySelector("span").textContent = job.error;
    if (job.state === "done") await showExtractedClaims();
    return unfinished(job.state);
  });
}

// ---- The project page --------------------------------------------------------------------

function describe(counts) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const parts = [`${counts.done.toLocaleString()} of ${plural(total, "document")} done`];
  if (counts.failed) parts.push(`${counts.failed.toLocaleString()} failed`);
  if (counts.running) parts.push(`${counts.running.toLocaleString()} running`);
  if (counts.queued) parts.push(`${counts.queued.toLocaleString()} waiting for a worker`);
  return parts.join(" · ");
}

function followProject(progress) {
  let finished = Number(progress.dataset.finished);
  follow(async () => {
    const rows = [...document.querySelectorAll("tr[data-document-id]")].filter((row) =>
      unfinished(row.dataset.state),
    );
    const url = new URL(progress.dataset.statusUrl, location.href);
    if (rows.length) url.searchParams.set("documents", rows.slice(0, 200).map((r) => r.dataset.documentId).join(","));
    url.searchParams.set("claims", "1");
    const body = await getJSON(url);
    const counts = body.jobs.extract;
    progress.querySelector(".progress-text").textContent = describe(counts);
    for (const document_ of body.documents || []) {
      const row = document.querySelector(`tr[data-document-id="${document_.id}"]`);
      row.dataset.state = document_.state;
      showBadge(row.querySelector(".badge"), document_.state);
      row.querySelector(".n-claims").textContent = document_.n_claims;
      const error = row.querySelector(".error-text");
      error.textContent = document_.state === "failed" ? document_.error : "";
      error.hidden = document_.state !== "failed";
    }
    if (counts.done + counts.failed !== finished) {
      finished = counts.done + counts.failed;
      for (const [status, n] of Object.entries(body.claims)) {
        const count = document.querySelector(`[data-claim-status="${status}"] strong`);
        if (count) count.textContent = n;
      }
    }
    return counts.queued + counts.running > 0;
  });
}

const badge = document.getElementById("extraction-state");
if (badge && badge.dataset.statusUrl && unfinished(badge.dataset.extractionStatus)) followDesk(badge);
const progress = document.getElementById("extraction-progress");
if (progress && Number(progress.dataset.unfinished) > 0) followProject(progress);
