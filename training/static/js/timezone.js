// Preselects the browser's time zone in a time zone field still showing the default (UTC).
(function () {
  var select = document.getElementById("time_zone");
  if (!select || select.value !== "UTC" || !window.Intl) { return; }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) { select.value = zone; return; }
  }
})();
