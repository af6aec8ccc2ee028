// The annotation form: add source rows from the template, and save with Ctrl+Enter.
(function () {
  "use strict";
  const form = document.getElementById("annotation-form");
  if (!form) return;
  const sources = document.getElementById("sources");
  const template = document.getElementById("source-template");
  const total = form.querySelector("input[name='sources-TOTAL_FORMS']");

  function addSource() {
    const index = Number(total.value);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    sources.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    sources.lastElementChild.querySelector("input").focus();
  }

  document.getElementById("add-source").addEventListener("click", addSource);
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      form.querySelector("button[name='submit']").click();
    }
  });
})();
