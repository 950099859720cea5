/* Aduan web UI: small keyboard helpers on top of htmx. No inline script anywhere (CSP). */
(function () {
  "use strict";

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    // Ctrl+Enter (or Cmd+Enter) in a text area sends its form, like Enter in a one-line field.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.tagName === "TEXTAREA") {
      var form = event.target.form;
      if (form) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    // "/" jumps to the page's search or look-up field, as in many web apps.
    if (event.key === "/" && !typing(event.target) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      var search = document.querySelector("[data-shortcut=search]");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    }
  });

  // Polling stops while the tab is hidden; htmx asks again at the next tick once it is seen.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (document.hidden && event.detail.elt.hasAttribute("data-poll")) {
      event.preventDefault();
    }
  });

  // After a refused form, put the keyboard on the first field that needs fixing (it wins
  // over the page's usual starting field).
  document.addEventListener("DOMContentLoaded", function () {
    var invalid = document.querySelector("[aria-invalid=true]");
    if (invalid) {
      invalid.focus();
    }
  });
})();
