// After a refused submission, move the focus to the error summary (or the login error), so
// that keyboard and screen reader users hear what went wrong and can follow its links.
// Loaded as a file: the Content-Security-Policy forbids inline scripts.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("#erreurs, #erreur-connexion");
  if (summary) {
    summary.focus();
  }
});

// "Copier l'adresse" beside a calendar's address: shown only where the browser can copy
// (the Clipboard API needs HTTPS or localhost); elsewhere people select the text themselves.
document.addEventListener("DOMContentLoaded", function () {
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.copyStatus);
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(
        function () {
          status.className = "fr-message fr-message--valid fr-mt-1w";
          status.textContent = "Adresse copiée. Collez-la dans votre application d’agenda.";
        },
        function () {
          input.select();
          status.className = "fr-message fr-message--info fr-mt-1w";
          status.textContent = "La copie n’a pas fonctionné : l’adresse est sélectionnée, copiez-la avec Ctrl+C (ou Cmd+C).";
        }
      );
    });
  });
});
