// The fund chart: cash, committed and available over time, from the ledger history.
(function () {
  const canvas = document.getElementById("fund-chart");
  if (!canvas || !window.Chart) return;
  fetch(canvas.dataset.historyUrl, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((points) => {
      const series = (key) => points.map((p) => p[key]);
      // The legend's words, in the page's language (data-label-* of the canvas).
      const words = canvas.dataset;
      new window.Chart(canvas, {
        type: "line",
        data: {
          labels: points.map((p) => p.day),
          datasets: [
            { label: words.labelCash || "Cash", data: series("cash"), borderColor: "#0d6efd", stepped: true },
            { label: words.labelCommitted || "Committed", data: series("committed"), borderColor: "#fd7e14", stepped: true },
            { label: words.labelAvailable || "Available", data: series("available"), borderColor: "#198754", stepped: true },
          ],
        },
        options: {
          animation: false,
          interaction: { mode: "index", intersect: false },
          scales: { y: { ticks: { callback: (v) => "¥" + Number(v).toLocaleString("en") } } },
        },
      });
    });
})();
