// A "Copy" button beside each citation, where the browser can write to the clipboard.
// Without JavaScript (or without the Clipboard API) the citations stay as text to select.
(function () {
  "use strict";
  if (!navigator.clipboard || !navigator.clipboard.writeText) {
    return;
  }
  var blocks = document.querySelectorAll("[data-citation]");
  Array.prototype.forEach.call(blocks, function (block) {
    var heading = block.querySelector("h3");
    var text = block.querySelector("pre");
    if (!heading || !text) {
      return;
    }
    var bar = document.createElement("div");
    bar.className = "citation-actions";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    // The visible word, and which citation, for those who hear the button out of context.
    button.appendChild(document.createTextNode("Copy"));
    var which = document.createElement("span");
    which.className = "visually-hidden";
    which.textContent = " " + heading.textContent + " citation";
    button.appendChild(which);
    // Present (empty) from the start, so that screen readers announce what is put in it.
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var timer = null;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(text.textContent).then(
        function () {
          status.textContent = "Copied";
        },
        function () {
          status.textContent = "Could not copy: select the text instead";
        }
      );
      clearTimeout(timer);
      timer = setTimeout(function () {
        status.textContent = "";
      }, 4000);
    });
    bar.appendChild(button);
    bar.appendChild(status);
    heading.insertAdjacentElement("afterend", bar);
  });
})();
