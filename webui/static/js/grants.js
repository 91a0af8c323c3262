// Grant forms: "Add a budget line" / "Add a country" add an empty row in place instead of
// posting the form. Without JavaScript the same buttons post and the server adds the row.
(() => {
  const renumber = (row, list, index) => {
    const pattern = new RegExp(`^${list}-\\d+-`);
    row.querySelectorAll("[name], [id], label[for]").forEach((el) => {
      for (const attr of ["name", "id", "for"]) {
        const value = el.getAttribute(attr);
        if (value && pattern.test(value)) el.setAttribute(attr, value.replace(pattern, `${list}-${index}-`));
      }
    });
  };

  const clear = (row) => {
    row.querySelectorAll("input, select, textarea").forEach((el) => {
      el.classList.remove("is-invalid");
      if (el.type === "checkbox") el.checked = false;
      else if (el.tagName === "SELECT") el.value = el.querySelector("option[value='wnf']") ? "wnf" : el.options[0]?.value ?? "";
      else el.value = "";
    });
    row.querySelectorAll(".invalid-feedback, .form-text, .text-danger").forEach((el) => el.remove());
  };

  document.querySelectorAll("[data-add-row]").forEach((button) => {
    const list = button.dataset.addRow;
    const body = document.querySelector(`table[data-rows="${list}"] tbody`);
    if (!body) return;
    button.addEventListener("click", (event) => {
      const rows = body.querySelectorAll("tr[data-row]");
      const last = rows[rows.length - 1];
      if (!last) return; // nothing to copy: let the server add the row
      event.preventDefault();
      const row = last.cloneNode(true);
      renumber(row, list, rows.length);
      clear(row);
      body.appendChild(row);
      row.querySelector("input:not([type=hidden]), select")?.focus();
    });
  });
})();
