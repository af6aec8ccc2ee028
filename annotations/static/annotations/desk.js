// The annotation desk: the document with its claims, the annotation panel, the keyboard
// map, and autosave that keeps every edit in localStorage until the server has it.
// Each concern is a module under desk/; this one wires them together and starts.
import { flushAll, showSaveState } from "./desk/autosave.js";
import { showConflict } from "./desk/conflict.js";
import "./desk/editing.js";
import "./desk/form.js";
import "./desk/keyboard.js";
import { step, skipClaim, submitAndNext } from "./desk/moving.js";
import { afterSave, pickerText, showClaim, showClaimStatus } from "./desk/render.js";
import { $, claimIndex, claims, current, data, hooks, pendingIds, saved } from "./desk/state.js";

hooks.conflict = showConflict;
hooks.saved = afterSave;
hooks.changed = showClaimStatus;
hooks.showClaim = showClaim;

$("guidelines-open").addEventListener("click", () => $("guidelines").showModal());
$("help-open").addEventListener("click", () => $("help").showModal());
$("prev-claim").addEventListener("click", () => step(-1));
$("next-claim").addEventListener("click", () => step(1));
$("claim-picker").addEventListener("change", (event) => showClaim(Number(event.target.value), { focus: false }));
$("submit-next").addEventListener("click", submitAndNext);
$("skip").addEventListener("click", skipClaim);
$("doc-text").addEventListener("click", (event) => {
  const mark = event.target.closest("mark.claim");
  if (mark && window.getSelection().isCollapsed) showClaim(Number(mark.dataset.claimId), { focus: false });
});

function fillPicker() {
  $("claim-picker").replaceChildren();
  for (const claim of claims) {
    $("claim-picker").add(new Option(pickerText(claim, claim.status_label), claim.id));
  }
  for (const id of pendingIds()) showClaimStatus(id);
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
  Object.assign(data.returned, fresh.returned);
  fillPicker();
  $("claim-body").hidden = claims.length === 0;
  const keep = claimIndex.has(current.id) ? current.id : fresh.current;
  if (keep !== null) showClaim(keep, { focus: false });
});

fillPicker();
if (data.current !== null) showClaim(data.current, { focus: false });
showSaveState();
if (pendingIds().length) flushAll();
