/* specloom: copy a clause's link to the clipboard (generated, offline, no dependencies). */
document.addEventListener("click", function (event) {
  var link = event.target.closest ? event.target.closest("a.sl-copy, a.headerlink") : null;
  if (!link || !navigator.clipboard) { return; }
  var url = new URL(link.getAttribute("href"), window.location.href).href;
  navigator.clipboard.writeText(url).then(function () {
    link.classList.add("sl-copied");
    window.setTimeout(function () { link.classList.remove("sl-copied"); }, 1200);
  }, function () { /* clipboard refused: the link still navigates */ });
});
