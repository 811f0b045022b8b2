// The check-in screen's camera scanner: where the browser has a BarcodeDetector (Chrome and
// Edge on Android, some desktops), "Scan with the camera" reads a ticket's QR code from the
// device's camera, types its code into the ticket field and submits the form. Elsewhere the
// button stays hidden and the field takes a keyboard-mode scanner or typing.
(function () {
  "use strict";
  var button = document.querySelector("[data-camera-start]");
  var video = document.querySelector("[data-camera-video]");
  var form = document.querySelector("[data-check-in-form]");
  if (!button || !video || !form || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      button.hidden = true;
      return video.play().then(function () {
        var look = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length) {
              stream.getTracks().forEach(function (track) { track.stop(); });
              form.querySelector("[name=token]").value = codes[0].rawValue;
              form.submit();
            } else {
              window.requestAnimationFrame(look);
            }
          }, function () { window.requestAnimationFrame(look); });
        };
        look();
      });
    }).catch(function () {
      button.hidden = true;  // no camera or no permission: the field still works
    });
  });
})();
