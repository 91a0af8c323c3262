// Approved and disbursed yen per country (all fiscal years), as grouped bars.
(function () {
  const canvas = document.getElementById("money-chart");
  if (!canvas || !window.Chart) return;
  fetch(canvas.dataset.url, { credentials: "same-origin" })
    .then((response) => response.json())
    .then((rows) => {
      const totals = new Map();
      rows.forEach((r) => {
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
            { label: "Approved (¥)", data: labels.map((c) => totals.get(c).approved), backgroundColor: "#0d6efd" },
            { label: "Disbursed (¥)", data: labels.map((c) => totals.get(c).disbursed), backgroundColor: "#198754" },
          ],
        },
        options: { animation: false, scales: { y: { ticks: { callback: (v) => "¥" + Number(v).toLocaleString("en") } } } },
      });
    });
})();
