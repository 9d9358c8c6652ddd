// Import preview (templates/plans/import_preview.html): show a row's task fields only for
// tasks, and grey out rows that will not be imported. Bound without inline script (CSP).
(function () {
  "use strict";
  function rowOf(el) {
    return el.closest ? el.closest("[data-import-row]") : null;
  }
  document.addEventListener("change", function (event) {
    var el = event.target;
    var row = rowOf(el);
    if (!row) {
      return;
    }
    if (el.matches("select[data-import-kind]")) {
      row.classList.toggle("import-section-row", el.value === "section");
      row.classList.toggle("import-task-row", el.value === "task");
    }
    if (el.matches("input[data-import-include]")) {
      row.classList.toggle("import-dropped", !el.checked);
    }
  });
})();
