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

// File uploads (forms with data-upload): files over the size limit are refused before
// anything is sent, and a progress bar follows the sending. The server answers this
// request with JSON ({"location": …}) when it succeeds, and with its usual page (the form
// and its errors, or the 413 page) when it refuses: that page's content replaces this
// one's. Without JavaScript, the form is sent the ordinary way and works the same.
document.addEventListener("DOMContentLoaded", function () {
  function sizeError(form, message) {
    var input = form.querySelector("input[type=file]");
    var group = input.closest(".fr-upload-group");
    var messages = document.getElementById(input.id + "-messages");
    group.classList.add("fr-input-group--error");
    input.setAttribute("aria-invalid", "true");
    messages.innerHTML = "";
    var line = document.createElement("p");
    line.className = "fr-message fr-message--error";
    line.textContent = message;
    messages.appendChild(line);
    input.focus();
  }

  function showPage(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var main = page.querySelector("main");
    if (!main) {
      document.open();
      document.write(html);
      document.close();
      return;
    }
    document.title = page.title;
    document.querySelector("main").innerHTML = main.innerHTML;
    setUp();
    var focus = document.querySelector("#erreurs") || document.querySelector("main h1");
    if (focus) {
      focus.setAttribute("tabindex", "-1");
      focus.focus();
    }
  }

  function clearError(input) {
    input.closest(".fr-upload-group").classList.remove("fr-input-group--error");
    input.removeAttribute("aria-invalid");
    document.getElementById(input.id + "-messages").innerHTML = "";
  }

  function setUp() {
    document.querySelectorAll("form[data-upload]").forEach(function (form) {
      var picker = form.querySelector("input[type=file]");
      // A new choice of files starts afresh: the previous refusal no longer applies.
      picker.addEventListener("change", function () { clearError(picker); });
      form.addEventListener("submit", function (submitEvent) {
        var input = form.querySelector("input[type=file]");
        var maxBytes = Number(form.dataset.maxBytes);
        var maxFiles = Number(form.dataset.maxFiles);
        var files = Array.prototype.slice.call(input.files || []);
        if (files.length > maxFiles) {
          submitEvent.preventDefault();
          sizeError(form, "Envoyez au plus " + maxFiles + " fichiers à la fois.");
          return;
        }
        var tooLarge = files.filter(function (file) { return file.size > maxBytes; });
        if (tooLarge.length) {
          submitEvent.preventDefault();
          sizeError(
            form,
            "« " + tooLarge[0].name + " » dépasse la taille maximale de " +
              form.dataset.maxSize + " par fichier : rien n’a été envoyé."
          );
          return;
        }
        if (!window.XMLHttpRequest || !window.FormData) {
          return;
        }
        submitEvent.preventDefault();
        var progress = form.querySelector("progress");
        var status = form.querySelector("[data-upload-status]");
        var button = form.querySelector("button[type=submit]");
        form.querySelector(".upload-progress").hidden = false;
        button.disabled = true;
        var request = new XMLHttpRequest();
        request.open("POST", form.action);
        request.setRequestHeader("X-Upload-Progress", "1");
        var lastAnnounced = -1;
        request.upload.addEventListener("progress", function (progressEvent) {
          if (!progressEvent.lengthComputable) {
            return;
          }
          var percent = Math.floor((progressEvent.loaded / progressEvent.total) * 100);
          progress.value = percent;
          progress.textContent = percent + " %";
          // Screen readers hear every quarter, not every step.
          if (percent >= lastAnnounced + 25 || percent === 100) {
            lastAnnounced = percent;
            status.textContent = "Envoi en cours : " + percent + " %";
          }
        });
        request.addEventListener("load", function () {
          var type = request.getResponseHeader("Content-Type") || "";
          if (request.status === 200 && type.indexOf("application/json") === 0) {
            window.location.assign(JSON.parse(request.responseText).location);
          } else {
            showPage(request.responseText);
          }
        });
        request.addEventListener("error", function () {
          button.disabled = false;
          form.querySelector(".upload-progress").hidden = true;
          sizeError(form, "L’envoi a été interrompu (connexion perdue ?) : rien n’a été enregistré. Réessayez.");
        });
        request.send(new FormData(form));
      });
    });
  }

  setUp();
});
