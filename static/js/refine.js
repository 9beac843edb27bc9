// Where the screen is wide enough for a sidebar, the folded filters start open; on a phone
// they stay folded under the results' heading until the reader opens them.
(function () {
  var refine = document.getElementById("refine");
  if (refine && window.matchMedia("(min-width: 48rem)").matches) {
    refine.open = true;
  }
})();
