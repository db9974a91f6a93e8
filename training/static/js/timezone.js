// Preselects the browser's time zone in a time zone field still showing the default (UTC),
// unless the form came back with errors (then the person's own choice stays).
(function () {
  var select = document.getElementById("time_zone");
  if (!select || select.value !== "UTC" || !window.Intl || document.querySelector(".is-invalid")) { return; }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) { select.value = zone; return; }
  }
})();
