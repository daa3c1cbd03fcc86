// After a refused submission, move the focus to the error summary (or the login error), so
// that keyboard and screen reader users hear what went wrong and can follow its links.
// Loaded as a file: the Content-Security-Policy forbids inline scripts.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("#erreurs, #erreur-connexion");
  if (summary) {
    summary.focus();
  }
});
