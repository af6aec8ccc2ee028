// Editing claims: add one from a selection, adjust a claim's span, reject, merge.
import { flushAll } from "./autosave.js";
import { $, announce, api, claimIndex, claims, current, currentClaim, data } from "./state.js";

const docText = $("doc-text");
export const tools = $("selection-tools");

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

export async function addClaimFromSelection() {
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
  const claim = currentClaim();
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
  const claim = currentClaim();
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
    if (claim.id === current.id || claim.status === "rejected" || claim.status === "approved") continue;
    select.add(new Option(`${claimIndex.get(claim.id) + 1}. ${claim.text.slice(0, 80)}`, claim.id));
  }
  $("merge-error").textContent = select.options.length ? "" : "No other open claim in this document.";
  $("merge").showModal();
});
$("merge-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const duplicate = Number($("merge-duplicate").value);
  if (!duplicate) return;
  const response = await api("POST", `/api/claims/${current.id}/merge/`, { duplicate }).catch(() => null);
  if (!response) return ($("merge-error").textContent = "Offline: try again when the network is back.");
  const answer = await response.json();
  if (!response.ok) return ($("merge-error").textContent = answer.detail || "Not merged.");
  await flushAll();
  location.reload();
});
for (const button of document.querySelectorAll("dialog [data-close]")) {
  button.addEventListener("click", () => button.closest("dialog").close());
}
