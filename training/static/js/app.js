// Progress bars take their width from data-progress (no inline styles under the CSP).
document.querySelectorAll("[data-progress]").forEach(function (bar) {
  var value = Math.max(0, Math.min(100, parseFloat(bar.dataset.progress) || 0));
  bar.style.width = value + "%";
});
