/* Exports: copy the calendar feed address to the clipboard. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy-target]") : null;
    if (!button) {
      return;
    }
    var field = document.querySelector(button.getAttribute("data-copy-target"));
    if (!field) {
      return;
    }
    field.select();
    var done = function () {
      button.textContent = button.getAttribute("data-copied-label") || button.textContent;
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  });
})();
