// `make bootstrap-css`: Bootstrap's CSS trimmed to the selectors whose classes the templates,
// the scripts and the Python code (forms' classes) name. The full file stays here, the source.
// (PurgeCSS's command line reads a configuration's named exports.)
export const css = ["webui/assets/bootstrap.full.min.css"];
export const content = [
  "webui/templates/**/*.html",
  "webui/static/app.js",
  "webui/static/js/*.js",
  "webui/**/*.py",
];
export const output = "webui/static/vendor/bootstrap/bootstrap.min.css";
export const safelist = {
  // Set by a script (shown menus and panels, their transitions, the navbar's menus placed
  // without Popper) or built from a word in a template (alert-{{ category }},
  // text-bg-{{ state }}): never written whole in a file.
  standard: ["show", "showing", "hiding", "collapsing", "fade", /^alert-/, /^text-bg-/],
  greedy: [/data-bs-popper/],
};
// Kept whatever their value: an input's type, which WTForms writes (a radio button's round
// look, [type=radio], is in no file of ours).
export const dynamicAttributes = ["type"];
