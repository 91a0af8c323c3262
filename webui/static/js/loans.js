// The loan panel's chart: principal owed over time, as scheduled and as repaid.
// Each point is the balance at the end of that day, so the line holds it until the next
// (stepped). The figures come from the canvas's data-chart attribute (no inline scripts: the CSP).
(() => {
  const canvas = document.getElementById("loan-balance-chart");
  if (!canvas || !window.Chart) {
    return;
  }
  const data = JSON.parse(canvas.dataset.chart);
  // The legend's words, in the page's language (data-label-* of the canvas).
  const words = canvas.dataset;
  const yen = new Intl.NumberFormat("ja-JP", { style: "currency", currency: "JPY" });
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: words.labelPlanned || "As scheduled", data: data.planned, stepped: true,
          borderColor: "#6c757d", borderDash: [6, 4], pointRadius: 2 },
        { label: words.labelActual || "As repaid", data: data.actual, stepped: true,
          borderColor: "#0d6efd", pointRadius: 3 },
      ],
    },
    options: {
      animation: false,
      scales: {
        y: { beginAtZero: true, ticks: { callback: (value) => yen.format(value) } },
      },
      plugins: {
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${yen.format(item.parsed.y)}` } },
      },
    },
  });
})();
