// Reading the annotation form's controls into the current claim's form, and sources.
import { edited } from "./autosave.js";
import { renderSources } from "./render.js";
import { $, announce, blocked, current } from "./state.js";

const panelForm = $("annotation-form");
panelForm.addEventListener("submit", (event) => event.preventDefault());
panelForm.addEventListener("change", (event) => {
  const target = event.target;
  const form = current.form;
  if (target.name === "stance") form.stance = target.value;
  else if (target.name === "verdict") form.verdict = target.value;
  else if (target.name === "checkworthy") form.checkworthy = target.value === "" ? null : target.value === "true";
  else if (target.dataset.field === "stance") form.sources[sourceIndex(target)].stance = target.value;
  else return;
  blocked.delete(current.id);
  edited(target.name || "sources");
});
panelForm.addEventListener("input", (event) => {
  const target = event.target;
  const form = current.form;
  let field = "rationale";
  if (target.id === "rationale") form.rationale = target.value;
  else if (target.id === "verdict-text") [form.verdict, field] = [target.value, "verdict"];
  else if (target.dataset.field === "quote") [form.sources[sourceIndex(target)].quote, field] = [target.value, "sources"];
  else return;
  blocked.delete(current.id);
  edited(field);
});
$("sources").addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  const sources = current.form.sources;
  const index = sourceIndex(button);
  if (button.dataset.move) {
    const to = index + Number(button.dataset.move);
    if (to < 0 || to >= sources.length) return;
    const [moved] = sources.splice(index, 1);
    sources.splice(to, 0, moved);
    renderSources();
    $("sources").children[to].querySelector(`[data-move="${button.dataset.move}"]`).focus();
    announce(`Source moved to position ${to + 1}`);
  } else if ("remove" in button.dataset) {
    sources.splice(index, 1);
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
  if (current.form.sources.some((s) => s.url === value)) {
    $("new-source-error").textContent = "This source is already listed.";
    return;
  }
  $("new-source-error").textContent = "";
  current.form.sources.push({ url: value, title: "", publisher: "", quote: "", stance: "neutral" });
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

// Pick a stance or verdict as if clicked (the keyboard's way in).
export function choose(name, value) {
  const input = document.querySelector(`input[name="${name}"][value="${CSS.escape(value)}"]`);
  if (!input || input.disabled) return;
  input.checked = true;
  input.dispatchEvent(new Event("change", { bubbles: true }));
  announce(`${name === "stance" ? "Stance" : "Verdict"}: ${input.parentElement.textContent.trim()}`);
}

export function cycleCheckworthy() {
  const worthy = current.form.checkworthy;
  const next = worthy === null ? "true" : worthy ? "false" : "";
  const input = document.querySelector(`input[name=checkworthy][value="${next}"]`);
  input.checked = true;
  input.dispatchEvent(new Event("change", { bubbles: true }));
  announce(`Check-worthy: ${input.parentElement.textContent.trim()}`);
}
