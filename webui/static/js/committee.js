// Keeps every live ballot tally on the page ([data-tally-url]) up to date: it asks the
// tally's JSON endpoint every few seconds and fills the [data-tally] elements inside.
(() => {
  const REFRESH_MS = 5000;

  function show(box, tally) {
    for (const el of box.querySelectorAll("[data-tally]")) {
      const key = el.dataset.tally;
      if (key === "quorum_met") {
        // The words come with the page, in its language (data-met, data-not-met).
        el.textContent = tally.quorum_met ? (el.dataset.met || "met")
          : (el.dataset.notMet || "not met");
      } else if (key === "tie") {
        el.hidden = !(tally.tie && tally.quorum_met);
      } else if (key === "closed") {
        el.hidden = tally.state === "open";
      } else if (key in tally) {
        el.textContent = String(tally[key]);
      }
    }
  }

  async function refresh(box) {
    try {
      const response = await fetch(box.dataset.tallyUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const tally = await response.json();
      show(box, tally);
      if (tally.state !== "open") delete box.dataset.tallyUrl; // closed: nothing more to follow
    } catch (error) {
      // A missed refresh (network, server restart) is retried at the next tick.
    }
  }

  function tick() {
    document.querySelectorAll("[data-tally-url]").forEach(refresh);
  }

  if (document.querySelector("[data-tally-url]")) {
    window.setInterval(tick, REFRESH_MS);
  }
})();
