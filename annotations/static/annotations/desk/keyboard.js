// The keyboard map. Letters and digits act only outside text fields; Ctrl+Enter and Esc
// work everywhere.
import { addClaimFromSelection, tools } from "./editing.js";
import { choose, cycleCheckworthy } from "./form.js";
import { skipClaim, step, submitAndNext } from "./moving.js";
import { $, data } from "./state.js";

const STANCE_KEYS = Object.fromEntries(data.stances.map((s) => [s.shortcut, s.key]));

function isTyping(element) {
  if (!element || !element.tagName) return false;
  if (element.isContentEditable) return true;
  if (element.tagName === "TEXTAREA" || element.tagName === "SELECT") return true;
  if (element.tagName !== "INPUT") return false;
  return !["radio", "checkbox", "button", "submit", "reset"].includes(element.type);
}

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
