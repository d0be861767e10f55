// Buttons marked data-print-page open the browser's print dialog (the
// recovery codes page). A static file: the Content-Security-Policy allows no
// inline script.
document.querySelectorAll("[data-print-page]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
