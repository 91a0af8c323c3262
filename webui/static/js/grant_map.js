// The world map of WNF grants: each country coloured by the yen disbursed to its societies'
// grants, its tooltip with the persons trained too. The map (world-atlas TopoJSON) and the
// figures are both served by the app: nothing is fetched from elsewhere. Its words come
// translated in the canvas's data attributes; a country with figures is named as the app
// names it (in the reader's language), any other as the atlas does.
(function () {
  const canvas = document.getElementById("grant-map");
  if (!canvas || !window.Chart || !window.ChartGeo) return;
  const yen = (v) => "¥" + Number(v).toLocaleString("en");
  Promise.all([
    fetch(canvas.dataset.atlas, { credentials: "same-origin" }).then((r) => r.json()),
    fetch(canvas.dataset.url, { credentials: "same-origin" }).then((r) => r.json()),
  ]).then(([atlas, rows]) => {
    const byNumeric = new Map(rows.map((r) => [r.numeric, r]));
    const countries = window.ChartGeo.topojson
      .feature(atlas, atlas.objects.countries).features
      .filter((f) => f.properties.name !== "Antarctica");
    const figures = (f) => byNumeric.get(f.id) || { disbursed_yen: 0, trained: 0 };
    const name = (f) => (byNumeric.get(f.id) || {}).name || f.properties.name;
    const chart = new window.Chart(canvas, {
      type: "choropleth",
      data: {
        labels: countries.map(name),
        datasets: [{
          label: canvas.dataset.label,
          outline: countries,
          data: countries.map((f) => ({ feature: f, value: figures(f).disbursed_yen })),
        }],
      },
      options: {
        animation: false,
        showOutline: true,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item) => {
                const f = figures(item.raw.feature);
                return canvas.dataset.tooltip
                  .replace("{country}", name(item.raw.feature))
                  .replace("{disbursed}", yen(f.disbursed_yen))
                  .replace("{trained}", Number(f.trained).toLocaleString("en"));
              },
            },
          },
        },
        scales: {
          projection: { axis: "x", projection: "equalEarth" },
          color: { axis: "x", quantize: 5, legend: { position: "bottom-right" },
                   ticks: { callback: (v) => yen(v) } },
        },
      },
    });
    canvas.dataset.countries = String(rows.length);
    canvas.dataset.ready = chart ? "yes" : "no";
  });
})();
