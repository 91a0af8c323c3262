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
