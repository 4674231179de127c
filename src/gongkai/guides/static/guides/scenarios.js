// The result page's print button: shown only when JavaScript runs (the browser's own print
// works without it).
document.querySelectorAll(".js-print").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
