// chainward's one script. Pages work without it; it only adds conveniences:
// - upload forms (data-progress) show a progress bar while the file is sent;
// - buttons with data-confirm ask before submitting.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  document.querySelectorAll("form[data-progress]").forEach(function (form) {
    var bar = document.getElementById(form.getAttribute("data-progress"));
    if (!bar || !window.XMLHttpRequest || !window.FormData) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open(form.method, form.action);
      bar.hidden = false;
      bar.value = 0;
      var status = document.getElementById(form.getAttribute("data-progress") + "-text");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.max = e.total; bar.value = e.loaded;
          if (status) { status.textContent = "Sending: " + Math.round(100 * e.loaded / e.total) + " %"; }
        }
      });
      xhr.upload.addEventListener("load", function () {
        if (status) { status.textContent = form.getAttribute("data-progress-sent") || "Sent; checking and importing the rows…"; }
        bar.removeAttribute("value");
      });
      xhr.addEventListener("load", function () {
        // Show the server's answer (the report, or the page it redirected to) as the new page.
        document.open(); document.write(xhr.responseText); document.close();
        history.pushState(null, "", xhr.responseURL || form.action);
      });
      xhr.addEventListener("error", function () {
        if (status) { status.textContent = "The upload failed; check the connection and try again."; }
        bar.hidden = true;
      });
      xhr.send(new FormData(form));
    });
  });
});
