// Question sets: a picture too large is said at once, beside its field, before a long upload
// that the server would refuse anyway (it says the same without JavaScript).
(function () {
  "use strict";
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var most = parseInt(input.dataset.maxBytes, 10);
    var message = document.createElement("p");
    message.className = "error";
    message.id = input.id + "-size";
    message.setAttribute("role", "alert");
    message.hidden = true;
    input.insertAdjacentElement("beforebegin", message);
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      var tooBig = Boolean(file && file.size > most);
      message.hidden = !tooBig;
      message.textContent = tooBig ? input.dataset.tooBig : "";
      if (tooBig) {
        input.value = "";
        input.setAttribute("aria-invalid", "true");
      } else {
        input.removeAttribute("aria-invalid");
      }
    });
  });
})();
