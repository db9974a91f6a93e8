// Progress bars take their width from data-progress (no inline styles under the CSP).
document.querySelectorAll("[data-progress]").forEach(function (bar) {
  var value = Math.max(0, Math.min(100, parseFloat(bar.dataset.progress) || 0));
  bar.style.width = value + "%";
});

// Wide tables scroll inside their own box, never the page: wrap any table that is not already
// in a .table-responsive, and make a box that scrolls keyboard-reachable and named for screen readers.
(function () {
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.closest(".table-responsive")) return;
    var box = document.createElement("div");
    box.className = "table-responsive";
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
  });
  function label(box) {
    var caption = box.querySelector("caption");
    var section = box.closest("section[aria-labelledby]");
    var heading = section && document.getElementById(section.getAttribute("aria-labelledby"));
    var text = (caption && caption.textContent) || (heading && heading.textContent) || "Table";
    return text.trim() + " (scrolls sideways)";
  }
  function update() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", label(box));
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  update();
  window.addEventListener("resize", update);
})();

// Times are sent in UTC; show them in the reader's own time zone.
document.querySelectorAll("time[data-local-time]").forEach(function (el) {
  var when = new Date(el.getAttribute("datetime"));
  if (!isNaN(when)) el.textContent = when.toLocaleString([], {dateStyle: "medium", timeStyle: "short"});
});

// A form sent back with errors: move focus to the first field in error, so a screen reader
// reads its label and the message tied to it (aria-describedby) at once.
(function () {
  var first = document.querySelector("main input[aria-invalid='true'], main select[aria-invalid='true'], " +
    "main textarea[aria-invalid='true'], main .is-invalid");
  if (first && typeof first.focus === "function") first.focus();
})();
