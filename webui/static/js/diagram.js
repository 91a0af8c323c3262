// Draws every <pre class="mermaid"> on the page with the vendored Mermaid.
window.mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" });
window.mermaid.run({ querySelector: "pre.mermaid" });
