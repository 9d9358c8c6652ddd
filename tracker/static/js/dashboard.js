// The dashboard's charts (Chart.js) from the JSON blocks the page carries, drill-down on click,
// and printing. Bound without inline script: the CSP forbids it; JSON data blocks are not run.
(function () {
  "use strict";
  var charts = [];

  function readSpec(canvas) {
    var block = document.getElementById(canvas.getAttribute("data-chart"));
    if (!block) { return null; }
    try { return JSON.parse(block.textContent); } catch (error) { return null; }
  }

  function linkAt(spec, element) {
    var dataset = spec.datasets[element.datasetIndex];
    if (dataset && dataset.links) { return dataset.links[element.index]; }
    return spec.links || null;
  }

  function build(canvas) {
    var spec = readSpec(canvas);
    if (!spec || typeof window.Chart === "undefined") { return; }
    var line = spec.kind === "line";
    var horizontal = !!spec.horizontal;
    var datasets = spec.datasets.map(function (d) {
      var set = { label: d.label, data: d.data, backgroundColor: d.color, borderColor: d.color };
      if (line) {
        set.fill = false;
        set.tension = 0.2;
        set.pointRadius = d.dashed ? 0 : 3;
        set.borderWidth = d.dashed ? 1.5 : 2.5;
        if (d.dashed) { set.borderDash = [6, 4]; }
      }
      return set;
    });
    if (horizontal) {
      // one bar per unit: the box grows with the units (CSSOM, allowed by the CSP)
      canvas.parentNode.style.height = Math.max(220, spec.labels.length * 28 + 90) + "px";
    }
    var valueAxis = { beginAtZero: true, stacked: !!spec.stacked, ticks: { precision: 0 } };
    if (spec.percent) {
      valueAxis.max = 100;
      valueAxis.ticks = { callback: function (value) { return value + "%"; } };
    }
    var categoryAxis = { stacked: !!spec.stacked, ticks: { autoSkip: false } };
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      devicePixelRatio: Math.max(window.devicePixelRatio || 1, 2),
      indexAxis: horizontal ? "y" : "x",
      scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: { legend: { position: "bottom" } },
      onHover: function (event, elements) {
        var target = event.native && event.native.target;
        if (target) { target.style.cursor = elements.length && linkAt(spec, elements[0]) ? "pointer" : "default"; }
      },
      onClick: function (event, elements) {
        if (!elements.length) { return; }
        var url = linkAt(spec, elements[0]);
        if (url) { window.location.href = url; }
      }
    };
    if (line) { options.interaction = { mode: "index", intersect: false }; }
    charts.push(new window.Chart(canvas, {
      type: line ? "line" : "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: options
    }));
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), build);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }

  // Charts are redrawn at the paper's width before printing, and back afterwards.
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
  window.addEventListener("afterprint", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) {
      event.preventDefault();
      window.print();
    }
  });

  // Changing the year leaves the plan and section of the old year behind.
  var year = document.getElementById("d-year");
  if (year) {
    year.addEventListener("change", function () {
      ["d-plan", "d-section"].forEach(function (id) {
        var select = document.getElementById(id);
        if (select) { select.value = ""; }
      });
    });
  }
})();
