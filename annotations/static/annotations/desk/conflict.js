// A stale save (another tab saved first): mine and theirs side by side, the parts that
// differ marked, and keep mine, take theirs or merge part by part.
import { flushAll, showSaveState } from "./autosave.js";
import {
  $, blocked, current, data, dropPending, formFrom, hooks, readPending, saved, writePending,
} from "./state.js";

const FIELDS = [
  ["stance", "Stance"],
  ["verdict", "Verdict"],
  ["checkworthy", "Check-worthy"],
  ["rationale", "Rationale"],
  ["sources", "Sources"],
];
// Sources are combined from both sides, so the merge offers a choice for the rest.
const MERGE_FIELDS = FIELDS.filter(([field]) => field !== "sources");

let conflict = null;

function shown(values, field) {
  if (field === "stance") {
    const stance = data.stances.find((s) => s.key === values.stance);
    return stance ? stance.label : values.stance;
  }
  if (field === "verdict") {
    const verdict = data.labels.find((l) => l.key === values.verdict);
    return verdict ? verdict.label : values.verdict;
  }
  if (field === "checkworthy") return values.checkworthy === null ? "" : values.checkworthy ? "Yes" : "No";
  if (field === "sources") return values.sources.map((s) => s.url).join("\n");
  return values[field];
}

function differs(field) {
  return shown(conflict.mine, field) !== shown(conflict.theirs, field);
}

function describe(values) {
  const list = document.createElement("dl");
  for (const [field, name] of FIELDS) {
    const dt = document.createElement("dt");
    dt.textContent = name;
    const dd = document.createElement("dd");
    dd.textContent = shown(values, field) || "—";
    if (differs(field)) {
      dd.classList.add("differs");
      const mark = document.createElement("span");
      mark.className = "differs-mark";
      mark.textContent = " (differs)";
      dt.append(mark);
    }
    list.append(dt, dd);
  }
  return list;
}

export function showConflict(id, server) {
  const pending = readPending(id);
  const mine = pending ? pending.form : current.form;
  const theirs = formFrom(server);
  conflict = { id, mine, theirs, version: server ? server.version : 0, server };
  $("conflict-mine").replaceChildren(describe(mine));
  $("conflict-theirs").replaceChildren(describe(theirs));
  $("conflict-version").textContent = conflict.version;
  const changed = FIELDS.filter(([field]) => differs(field)).map(([, name]) => name.toLowerCase());
  $("conflict-summary").textContent = changed.length
    ? `They differ in: ${changed.join(", ")}.`
    : "They hold the same values.";
  const rows = $("merge-rows");
  rows.replaceChildren();
  for (const [field, label] of MERGE_FIELDS) {
    const row = document.createElement("div");
    row.className = "merge-row";
    if (!differs(field)) {
      row.innerHTML = `<span>${label}</span> <span class="muted">the same in both</span>
        <input type="hidden" name="merge-${field}" value="mine">`;
    } else {
      row.classList.add("differs");
      row.innerHTML = `<span>${label} <span class="differs-mark">(differs)</span></span>
        <label class="choice"><input type="radio" name="merge-${field}" value="mine" checked> mine</label>
        <label class="choice"><input type="radio" name="merge-${field}" value="theirs"> theirs</label>`;
    }
    rows.append(row);
  }
  if (!$("conflict").open) $("conflict").showModal();
  showSaveState();
}

function resolve(values) {
  const { id, version, server } = conflict;
  saved.set(id, server || saved.get(id));
  if (server === null) saved.delete(id);
  blocked.delete(id);
  if (values === null) {
    dropPending(id);
  } else {
    writePending(id, { form: values, base: version, fields: ["merged"], submit: false });
  }
  $("conflict").close();
  conflict = null;
  if (id === current.id) hooks.showClaim(id, { focus: false });
  flushAll();
}

$("keep-mine").addEventListener("click", () => resolve(conflict.mine));
$("take-theirs").addEventListener("click", () => resolve(null));
$("save-merged").addEventListener("click", () => {
  const merged = { ...conflict.mine };
  for (const [field] of MERGE_FIELDS) {
    const choice = document.querySelector(`[name="merge-${field}"]:checked, input[type=hidden][name="merge-${field}"]`).value;
    merged[field] = choice === "mine" ? conflict.mine[field] : conflict.theirs[field];
  }
  const urls = new Set(conflict.mine.sources.map((s) => s.url));
  merged.sources = [...conflict.mine.sources, ...conflict.theirs.sources.filter((s) => !urls.has(s.url))];
  resolve(merged);
});
// The conflict must be decided; Escape does not make it go away.
$("conflict").addEventListener("cancel", (event) => event.preventDefault());
