// Small enhancements on top of pages that already work without JavaScript.
(function () {
  "use strict";

  // The service worker keeps the app shell and the offline page (never personal pages).
  var sw = document.body && document.body.dataset.sw;
  if (sw && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(sw, { scope: "/" }).catch(function () {});
  }

  // Print buttons are hidden without JavaScript (the browser's own print menu still works).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // "Show" buttons beside passphrase fields, so people who type slowly can check what they typed.
  document.querySelectorAll('input[type="password"]').forEach(function (input) {
    var label = document.body.dataset.showLabel || "Show";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small reveal";
    button.textContent = label;
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-controls", input.id);
    button.addEventListener("click", function () {
      var shown = input.type === "text";
      input.type = shown ? "password" : "text";
      button.setAttribute("aria-pressed", shown ? "false" : "true");
    });
    input.insertAdjacentElement("afterend", button);
  });
})();
