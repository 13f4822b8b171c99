// "Print this letter": the button is hidden until this module runs, then opens the browser's
// Print dialog. Loaded as a module from the page (no inline script, so the CSP allows it).
for (const button of document.querySelectorAll("[data-imhs-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
