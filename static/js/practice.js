// Interview practice: the trainee records a spoken answer and listens back. The recording stays
// in this page's memory (a blob URL), never in a request: nothing is uploaded and nothing is
// kept after the page is left. Without a microphone or MediaRecorder the page keeps its
// questions and tips. Loaded only by the practice page.
(function () {
  "use strict";
  var list = document.querySelector(".practice");
  if (!list || !(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder)) return;
  var words = list.dataset;
  var LIMIT = 120000;  // two minutes: an answer is shorter
  var note = document.querySelector("[data-recorder-note]");
  if (note) note.hidden = false;

  list.querySelectorAll("[data-recorder]").forEach(function (box) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--primary record";
    button.textContent = "● " + words.wordsRecord;
    var player = document.createElement("audio");
    player.controls = true;
    player.hidden = true;
    var status = document.createElement("p");
    status.className = "error";
    status.setAttribute("role", "status");
    status.hidden = true;
    box.append(button, player, status);
    var recorder = null, url = null, timer = null;

    button.addEventListener("click", function () {
      if (recorder) { recorder.stop(); return; }
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var chunks = [];
        recorder = new MediaRecorder(stream);
        recorder.addEventListener("dataavailable", function (e) { if (e.data.size) chunks.push(e.data); });
        recorder.addEventListener("stop", function () {
          clearTimeout(timer);
          stream.getTracks().forEach(function (track) { track.stop(); });
          if (url) URL.revokeObjectURL(url);
          url = URL.createObjectURL(new Blob(chunks, { type: recorder.mimeType }));
          player.src = url;
          player.hidden = false;
          recorder = null;
          button.textContent = "● " + words.wordsAgain;
          button.setAttribute("aria-pressed", "false");
        });
        recorder.start();
        status.hidden = true;
        button.textContent = "■ " + words.wordsStop;
        button.setAttribute("aria-pressed", "true");
        timer = setTimeout(function () { if (recorder) recorder.stop(); }, LIMIT);
      }, function () {
        status.textContent = words.wordsDenied;
        status.hidden = false;
      });
    });
  });
})();
