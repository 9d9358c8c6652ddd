// Duban's small behaviours, bound without inline script (the CSP forbids it).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) {
      el.form.submit();
    }
    // 全选: a header checkbox ticks every checkbox of its name in the same form
    if (el.matches && el.matches("input[data-select-all]") && el.form) {
      var boxes = el.form.querySelectorAll(
        'input[type="checkbox"][name="' + el.getAttribute("data-select-all") + '"]');
      for (var i = 0; i < boxes.length; i++) { boxes[i].checked = el.checked; }
    }
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  // evidence previews load their file only when opened
  document.addEventListener("show.bs.collapse", function (event) {
    var frames = event.target.querySelectorAll
      ? event.target.querySelectorAll(".evidence-preview [data-src], .evidence-preview[data-src]")
      : [];
    if (event.target.classList && event.target.classList.contains("evidence-preview")) {
      frames = event.target.querySelectorAll("[data-src]");
    }
    for (var i = 0; i < frames.length; i++) {
      if (!frames[i].getAttribute("src")) {
        frames[i].setAttribute("src", frames[i].getAttribute("data-src"));
      }
    }
  });
  // the page comes back at the message about the evidence panel's last action (its #fragment);
  // focus it too, so that a screen reader reads it
  function showPanelMessage() {
    var message = document.querySelector("[data-evidence-message]");
    if (message) {
      message.focus({preventScroll: true});
    }
  }
  if (document.readyState === "complete") {
    showPanelMessage();
  } else {
    window.addEventListener("load", showPanelMessage);
  }
})();
