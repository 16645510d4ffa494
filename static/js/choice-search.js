// Typed search of the list filters (tracker.choices.SearchChoiceFilter): a national user
// types part of a convention's or an organisation's name, picks one of the suggestions
// (GET <data-suggest-url>?q=..., JSON [{id, label}]) and the form submits its id.
// Without this script the box submits the typed text, which the server matches too.
// An external file: the Content-Security-Policy forbids inline scripts. Texts come from
// the widget's data-* attributes (translated by the server).
(function () {
  "use strict";
  var DELAY = 250;
  var MIN_LENGTH = 2;

  function setup(input) {
    var url = input.getAttribute("data-suggest-url");
    if (!url || !input.name || !input.id) { return; }
    // The id travels in a hidden field of the same name; the box shows the label.
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = input.name;
    hidden.value = input.getAttribute("data-value") || input.value;
    input.removeAttribute("name");

    var wrap = document.createElement("div");
    wrap.className = "choice-search-wrap";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(hidden);

    var listId = input.id + "-suggestions";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "choice-search-list list-group shadow-sm";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var label = document.querySelector("label[for='" + input.id + "']");
    if (label) {
      if (!label.id) { label.id = input.id + "-label"; }
      list.setAttribute("aria-labelledby", label.id);
    }
    wrap.appendChild(list);

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var rows = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var shownFor = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      for (var i = 0; i < options.length; i++) {
        var on = i === index;
        options[i].setAttribute("aria-selected", on ? "true" : "false");
        options[i].classList.toggle("active", on);
      }
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function pick(index) {
      var row = rows[index];
      if (!row) { return; }
      input.value = row.label;
      hidden.value = String(row.id);
      shownFor = null;
      close();
    }

    function show(found, query) {
      rows = found;
      shownFor = query;
      list.textContent = "";
      active = -1;
      if (!found.length) {
        var empty = document.createElement("li");
        empty.className = "list-group-item text-body-secondary";
        empty.setAttribute("role", "presentation");
        empty.textContent = input.getAttribute("data-no-results") || "";
        list.appendChild(empty);
        status.textContent = empty.textContent;
      } else {
        found.forEach(function (row, index) {
          var option = document.createElement("li");
          option.id = listId + "-" + index;
          option.className = "list-group-item list-group-item-action";
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.setAttribute("dir", "auto");
          option.setAttribute("data-id", String(row.id));
          option.textContent = row.label;
          // mousedown, not click: the box keeps the focus (no blur closing the list first).
          option.addEventListener("mousedown", function (event) {
            event.preventDefault();
            pick(index);
          });
          list.appendChild(option);
        });
        status.textContent = found.length + " " + (input.getAttribute("data-results") || "");
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function suggest() {
      var query = input.value.trim();
      if (query.length < MIN_LENGTH) { close(); return; }
      if (query === shownFor) { list.hidden = false; input.setAttribute("aria-expanded", "true"); return; }
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" },
        signal: controller ? controller.signal : undefined
      })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (found) {
          if (input.value.trim() === query && document.activeElement === input) { show(found, query); }
        })
        .catch(function () { /* aborted or offline: the typed text is still submitted */ });
    }

    input.addEventListener("input", function () {
      hidden.value = input.value;  // typed text until a suggestion is picked
      shownFor = null;
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var count = list.hidden ? 0 : rows.length;
      if (event.key === "ArrowDown" || event.key === "Down") {
        event.preventDefault();
        if (list.hidden) { suggest(); return; }
        if (count) { highlight(active + 1 < count ? active + 1 : 0); }
      } else if (event.key === "ArrowUp" || event.key === "Up") {
        event.preventDefault();
        if (count) { highlight(active > 0 ? active - 1 : count - 1); }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();  // picks; a second Enter submits the form
          pick(active);
        }
      } else if (event.key === "Escape" || event.key === "Esc") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      }
    });

    input.addEventListener("blur", close);
  }

  var inputs = document.querySelectorAll("input[data-suggest-url]");
  for (var i = 0; i < inputs.length; i++) { setup(inputs[i]); }
})();
