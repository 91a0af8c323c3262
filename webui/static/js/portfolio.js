// Approved and disbursed yen per country (all fiscal years), as grouped bars: one chart for
// the grants, one for the loans (by investment country), from the same JSON. The legend's
// words come translated in the canvas's data attributes.
(function () {
  const canvases = document.querySelectorAll("canvas.money-chart");
  if (!canvases.length || !window.Chart) return;
  fetch(canvases[0].dataset.url, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((rows) => {
      canvases.forEach((canvas) => {
        const totals = new Map();
        rows.filter((r) => r.kind === canvas.dataset.kind).forEach((r) => {
          const t = totals.get(r.country_name) || { approved: 0, disbursed: 0 };
          t.approved += r.approved_yen;
          t.disbursed += r.disbursed_yen;
          totals.set(r.country_name, t);
        });
        const labels = Array.from(totals.keys());
        new window.Chart(canvas, {
          type: "bar",
          data: {
            labels,
            datasets: [
              { label: canvas.dataset.approved, data: labels.map((c) => totals.get(c).approved), backgroundColor: "#0d6efd" },
              { label: canvas.dataset.disbursed, data: labels.map((c) => totals.get(c).disbursed), backgroundColor: "#198754" },
            ],
          },
          options: { animation: false, scales: { y: { ticks: { callback: (v) => "¥" + Number(v).toLocaleString("en") } } } },
        });
      });
    });
})();
