// Moving on: the next or previous claim of the document, submitting, skipping, the queue.
import { flushAll, network } from "./autosave.js";
import { showClaim } from "./render.js";
import {
  $, announce, api, blocked, claimIndex, claims, current, data, readPending, saved, serverVersion,
  writePending,
} from "./state.js";

export function step(delta) {
  const index = claimIndex.get(current.id) + delta;
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

export async function submitAndNext() {
  if (current.id === null) return;
  const form = current.form;
  if (!form.stance || !form.verdict) {
    $("form-error").textContent = "Choose a stance and a verdict before submitting.";
    (document.querySelector("input[name=stance]") || $("rationale")).focus();
    return;
  }
  const previous = readPending(current.id);
  writePending(current.id, {
    form,
    base: previous ? previous.base : serverVersion(current.id),
    fields: previous ? previous.fields : [],
    submit: true,
  });
  blocked.delete(current.id);
  const id = current.id;
  await flushAll();
  if (!readPending(id) && saved.get(id) && saved.get(id).state === "submitted") {
    announce("Submitted.");
    await nextFromQueue();
  } else if (network.offline) {
    announce("Offline: the submission is kept and will be sent when the network returns.", true);
    step(1);
  }
}

export async function skipClaim() {
  if (current.id === null) return;
  const response = await api("POST", `/api/claims/${current.id}/skip/`, { reason: "" }).catch(() => null);
  if (!response || !response.ok) {
    announce(response ? "This claim cannot be skipped." : "Offline: cannot skip now.", true);
    return;
  }
  announce("Skipped.");
  await nextFromQueue();
}
