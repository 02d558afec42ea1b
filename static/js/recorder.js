// A teacher reads a text of their lesson into the browser's microphone. What is recorded goes
// into the form's file field and the form is sent as it would be without JavaScript (where the
// teacher picks a file from the phone's recorder instead). Loaded only by the "My voice" page.
(function () {
  "use strict";
  var list = document.querySelector(".voice-lines");
  if (!list) return;
  var LIMIT = 90000;  // the server refuses more than 90 seconds
  var canRecord = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  if (!canRecord) return;

  document.querySelectorAll("form[data-recorder]").forEach(function (form) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--primary record";
    button.textContent = "● " + list.dataset.wordsRecord;
    form.prepend(button);
    var recorder = null, stopAt = null;
    button.addEventListener("click", function () {
      if (recorder) { recorder.stop(); return; }
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var chunks = [];
        recorder = new MediaRecorder(stream, { audioBitsPerSecond: 32000 });
        recorder.addEventListener("dataavailable", function (e) { if (e.data.size) chunks.push(e.data); });
        recorder.addEventListener("stop", function () {
          clearTimeout(stopAt);
          stream.getTracks().forEach(function (track) { track.stop(); });
          var type = recorder.mimeType || "audio/webm";
          var file = new File(chunks, "voice." + (type.indexOf("mp4") >= 0 ? "m4a" : "webm"), { type: type });
          var files = new DataTransfer();
          files.items.add(file);
          form.querySelector("input[type=file]").files = files.files;
          recorder = null;
          form.submit();
        });
        recorder.start(1000);
        button.textContent = "■ " + list.dataset.wordsStop;
        button.classList.add("is-recording");
        stopAt = setTimeout(function () { if (recorder) recorder.stop(); }, LIMIT);
      }).catch(function () {
        button.hidden = true;
        var note = document.createElement("p");
        note.className = "error";
        note.textContent = list.dataset.wordsMic;
        form.prepend(note);
      });
    });
  });
})();
