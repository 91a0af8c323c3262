// Behaviour shared by every page; no inline scripts anywhere (the CSP forbids them).
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  // A second click on the same form sends nothing more: the first one is on its way.
  if (form.dataset.submitted === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "1";
});

// The menu bar's panel and menus and the messages' close buttons, in place of Bootstrap's
// 80 KB script: the markup keeps Bootstrap's data-bs-* attributes and its CSS draws the
// classes set here (show, aria-expanded) as before. Keyboard: arrows walk a menu, Escape
// closes it, and leaving it with Tab or a click elsewhere closes it too.
(function () {
  const DROPDOWN = '[data-bs-toggle="dropdown"]';
  const menuOf = (toggle) => toggle.parentElement.querySelector(".dropdown-menu");
  const isOpen = (toggle) => toggle.getAttribute("aria-expanded") === "true";

  function setOpen(toggle, open) {
    const menu = menuOf(toggle);
    if (!menu) return;
    toggle.classList.toggle("show", open);
    menu.classList.toggle("show", open);
    menu.setAttribute("data-bs-popper", "static"); // placed by the navbar's CSS, not a script
    toggle.setAttribute("aria-expanded", String(open));
  }

  function closeMenus(except) {
    document.querySelectorAll(DROPDOWN).forEach((t) => t !== except && isOpen(t) && setOpen(t, false));
  }

  document.addEventListener("click", (event) => {
    const dismiss = event.target.closest('[data-bs-dismiss="alert"]');
    if (dismiss) {
      dismiss.closest(".alert").remove();
      return;
    }
    const collapse = event.target.closest('[data-bs-toggle="collapse"]');
    if (collapse) {
      const panel = document.querySelector(collapse.dataset.bsTarget);
      const open = !panel.classList.contains("show");
      panel.classList.toggle("show", open);
      collapse.setAttribute("aria-expanded", String(open));
      return;
    }
    const toggle = event.target.closest(DROPDOWN);
    if (toggle) event.preventDefault(); // its href is "#"
    closeMenus(toggle);
    if (toggle) setOpen(toggle, !isOpen(toggle));
  });

  document.addEventListener("keydown", (event) => {
    const open = [...document.querySelectorAll(DROPDOWN)].find(isOpen);
    if (event.key === "Escape" && open) {
      setOpen(open, false);
      open.focus();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const toggle = event.target.closest(DROPDOWN) ||
      (open && menuOf(open).contains(event.target) ? open : null);
    if (!toggle) return;
    event.preventDefault();
    if (!isOpen(toggle)) {
      closeMenus(toggle);
      setOpen(toggle, true);
    }
    const items = [...menuOf(toggle).querySelectorAll("a.dropdown-item, button.dropdown-item")];
    const at = items.indexOf(document.activeElement);
    const next = event.key === "ArrowDown" ? Math.min(at + 1, items.length - 1) : Math.max(at - 1, 0);
    if (items[next]) items[next].focus();
  });

  document.addEventListener("focusin", (event) => {
    document.querySelectorAll(DROPDOWN).forEach((t) => {
      if (isOpen(t) && !t.parentElement.contains(event.target)) setOpen(t, false);
    });
  });
})();

// A form sent back with errors: its summary takes the focus, so a screen reader reads it
// first; a link in it puts the cursor in the field it names (GOV.UK's error summary).
(function () {
  const summary = document.querySelector(".error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.scrollIntoView({block: "center"});
  });
})();
