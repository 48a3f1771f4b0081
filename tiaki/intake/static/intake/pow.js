/* Proof of work for the public reporting portal (see tiaki/intake/pow.py).
 * Finds a nonce so that SHA-256("<challenge>:<nonce>") starts with the required number of
 * zero bits, then sends the form. Without Web Crypto the form is sent as is and the server
 * accepts it once the page has been open long enough. */
(function () {
  "use strict";

  function zeroBits(buffer) {
    var bytes = new Uint8Array(buffer);
    var count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { count += 8; continue; }
      count += Math.clz32(bytes[i]) - 24;
      break;
    }
    return count;
  }

  async function solve(token, bits) {
    var encoder = new TextEncoder();
    for (var nonce = 0; ; nonce++) {
      var digest = await window.crypto.subtle.digest("SHA-256", encoder.encode(token + ":" + nonce));
      if (zeroBits(digest) >= bits) { return String(nonce); }
    }
  }

  function attach(form) {
    form.addEventListener("submit", function (event) {
      var nonce = form.querySelector("input[name=pow_nonce]");
      var token = form.querySelector("input[name=pow_token]");
      var canHash = window.crypto && window.crypto.subtle && window.TextEncoder;
      if (!nonce || !token || !canHash || nonce.value) { return; }
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      var status = form.querySelector("[data-pow-status]");
      if (button) { button.disabled = true; }
      if (status) { status.hidden = false; }
      solve(token.value, parseInt(form.getAttribute("data-pow-bits"), 10) || 0).then(
        function (value) { nonce.value = value; form.submit(); },
        function () { form.submit(); }
      );
    });
  }

  document.querySelectorAll("form[data-pow-bits]").forEach(attach);
}());
