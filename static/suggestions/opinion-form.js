/* The resident's opinion form, sent with fetch() where the browser can. A plain post that loses
   the network leaves the resident on the browser's error page with everything typed gone; here
   the page says the opinion was not sent and keeps the fields (so it does when the server
   answers 429, too many posts: the message goes above the form, and when its security check
   fails: the form takes a fresh token and asks for one more tap), and a second tap while
   sending does nothing. Without script the form posts as usual (the server also drops a double tap). */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;
  var busy = false;
  var refreshed = false; // a fresh security token has been taken once already

  function say(form, message) {
    var status = form.querySelector(".send-status");
    status.textContent = message;
    status.hidden = !message;
  }

  function ready(form, message) {
    busy = false;
    form.querySelector("button[type=submit]").disabled = false;
    say(form, message);
  }

  function limited(form, message) {
    var box = document.querySelector(".limit-status");
    box.textContent = message;
    box.hidden = false;
    ready(form, "");
    box.scrollIntoView({ block: "center" });
  }

  // Listening on the document keeps working after a page with errors replaces the body.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-offline]")) return;
    event.preventDefault();
    if (busy) return;
    busy = true;
    form.querySelector("button[type=submit]").disabled = true;
    say(form, form.dataset.sending);
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        if (response.redirected) {
          // Sent: go where the server sends a plain post (the tracking page).
          location.assign(response.url);
          return;
        }
        if (response.status === 429) {
          // Too many posts: say so above the form and keep everything typed, to send later.
          return response.text().then(function (html) {
            var page = new DOMParser().parseFromString(html, "text/html");
            var told = page.querySelector("[data-limit-message]");
            limited(form, told ? told.textContent.trim() : form.dataset.limited);
          });
        }
        if (response.status === 403) {
          // The security check failed (the page stood open too long, or the browser dropped its
          // cookie): take a fresh token from the form page itself, which sets the cookie again,
          // and ask for one more tap; everything typed stays. Refused again with a fresh token,
          // the browser keeps no cookie: say what the server's page says (allow cookies).
          return response.text().then(function (html) {
            var told = new DOMParser().parseFromString(html, "text/html").querySelector("[data-csrf-message]");
            var advice = told ? (told.textContent + (told.nextElementSibling ? told.nextElementSibling.textContent : "")) : "";
            if (refreshed || !told) {
              limited(form, advice.trim() || form.dataset.limited);
              return;
            }
            refreshed = true;
            return fetch(form.action, { credentials: "same-origin" })
              .then(function (fresh) { return fresh.text(); })
              .then(function (page) {
                var token = new DOMParser().parseFromString(page, "text/html")
                  .querySelector("input[name=csrfmiddlewaretoken]");
                if (!token) throw new Error("no token");
                form.querySelector("input[name=csrfmiddlewaretoken]").value = token.value;
                limited(form, form.dataset.expired);
              })
              .catch(function () { limited(form, advice.trim()); });
          });
        }
        // Not stored (a field to correct): show the page the server wrote.
        return response.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          document.title = page.title;
          document.body.replaceWith(page.body);
          busy = false;
          window.scrollTo(0, 0);
        });
      })
      .catch(function () {
        ready(form, form.dataset.offline);
      });
  });

  // Back from the tracking page, a page restored from the cache must not stay "sending".
  window.addEventListener("pageshow", function (event) {
    var form = document.querySelector("form[data-offline]");
    if (event.persisted && form) ready(form, "");
  });
})();
