// Draws each trend's chart from the table under it (progressive enhancement: without this
// script, or without Chart.js, the table alone is the figure). Loaded with `defer` after
// Chart.js's UMD build, from our own origin: no inline script or style (the CSP forbids them);
// Chart.js sizes its canvas through the CSSOM, which the CSP allows.
//
// A canvas says what to draw in data attributes: data-imhs-chart ("bar", "stacked" or "line"),
// data-table (the table's id), data-columns (the table's columns to draw, by position) and
// data-dashed (those drawn as a dashed line: the standard). Each number is read from its
// cell's data-value, never from the formatted text.
(function () {
  "use strict";
  if (typeof window.Chart !== "function") {
    return;
  }
  // NHS.UK colours (nhsuk-frontend's palette): blue, dark grey, warm yellow, dark pink.
  var COLOURS = ["#005eb8", "#4c6272", "#ffb81c", "#7c2855", "#007f3b"];
  var charts = [];

  function numbers(text) {
    return text ? text.split(",").map(Number) : [];
  }

  function read(table, columns) {
    var headings = Array.prototype.map.call(table.tHead.rows[0].cells, function (cell) {
      return cell.textContent.trim();
    });
    var labels = [];
    var values = columns.map(function () {
      return [];
    });
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      labels.push(row.cells[0].textContent.trim());
      columns.forEach(function (column, index) {
        var raw = row.cells[column].getAttribute("data-value");
        values[index].push(raw === "" || raw === null ? null : Number(raw));
      });
    });
    return {
      labels: labels,
      series: columns.map(function (column, index) {
        return { label: headings[column], data: values[index] };
      }),
    };
  }

  function draw(canvas) {
    var table = document.getElementById(canvas.getAttribute("data-table"));
    if (!table) {
      return;
    }
    var kind = canvas.getAttribute("data-imhs-chart");
    var dashed = numbers(canvas.getAttribute("data-dashed"));
    var columns = numbers(canvas.getAttribute("data-columns"));
    var data = read(table, columns);
    var percent = kind === "line";
    canvas.parentElement.hidden = false;
    var chart = new window.Chart(canvas, {
      type: kind === "line" ? "line" : "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, index) {
          var colour = COLOURS[index % COLOURS.length];
          var isDashed = dashed.indexOf(columns[index]) !== -1;
          return {
            label: series.label,
            data: series.data,
            backgroundColor: colour,
            borderColor: isDashed ? "#d5281b" : colour,
            borderDash: isDashed ? [8, 4] : [],
            borderWidth: kind === "line" ? 3 : 0,
            pointRadius: isDashed ? 0 : 3,
            spanGaps: false,
          };
        }),
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        responsive: true,
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { stacked: kind === "stacked" },
          y: {
            stacked: kind === "stacked",
            beginAtZero: true,
            max: percent ? 100 : undefined,
            ticks: { precision: 0 },
            title: { display: true, text: { line: "Percentage", bar: "Referrals" }[kind] || "Children" },
          },
        },
      },
    });
    canvas.setAttribute("data-drawn", "true");
    charts.push(chart);
  }

  document.querySelectorAll("canvas[data-imhs-chart]").forEach(draw);

  // Printed at the print stylesheet's fixed width, then back to the screen's.
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (chart) {
      chart.resize(640, 320);
    });
  });
  window.addEventListener("afterprint", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
})();
