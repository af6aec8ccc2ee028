// Export page: follow background exports until they finish, updating their progress.
(function () {
  "use strict";
  const POLL_MS = 1000;
  const LABELS = { queued: "Waiting for a worker", running: "Running", done: "Done", failed: "Failed" };

  function render(row, data) {
    const bar = row.querySelector("progress");
    const text = row.querySelector(".progress-text");
    bar.max = data.rows_total || 1;
    bar.value = data.status === "done" ? bar.max : data.rows_done;
    const label = LABELS[data.status] || data.status;
    text.textContent =
      data.rows_total === null ? label : `${label} · ${data.rows_done} of ${data.rows_total} claims`;
    row.dataset.status = data.status;
    if (data.status === "failed") {
      const error = document.createElement("p");
      error.className = "error-text";
      error.textContent = data.error;
      text.after(error);
    }
    if (data.status === "done") {
      const cell = row.querySelector(".file");
      cell.textContent = "";
      const link = document.createElement("a");
      link.href = row.dataset.downloadUrl;
      link.textContent = "Download";
      const meta = document.createElement("div");
      meta.className = "meta";
      meta.textContent = `${data.row_count} records · sha256 ${data.sha256}`;
      cell.append(link, meta);
      if (data.expires_at) {
        const kept = document.createElement("div");
        kept.className = "meta";
        kept.textContent = `Kept until ${data.expires_at.slice(0, 16).replace("T", " ")} UTC`;
        cell.append(kept);
      }
    }
  }

  async function poll(row) {
    try {
      const response = await fetch(row.dataset.exportStatusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const data = await response.json();
      render(row, data);
      if (data.status === "queued" || data.status === "running") {
        setTimeout(() => poll(row), POLL_MS);
      }
    } catch (error) {
      setTimeout(() => poll(row), POLL_MS * 5);
    }
  }

  document.querySelectorAll("tr.export").forEach((row) => {
    if (row.dataset.status === "queued" || row.dataset.status === "running") poll(row);
  });
})();
