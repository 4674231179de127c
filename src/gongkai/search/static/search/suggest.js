// Suggestions as you type for every search box with data-suggest-url (progressive enhancement:
// without JavaScript the form simply submits). The list is made of ordinary links inside an
// aria-live region; ArrowDown moves into it, ArrowUp/ArrowDown move within, Escape closes.
(function () {
  "use strict";
  var DELAY = 150;

  function setup(input) {
    var box = document.getElementById(input.getAttribute("aria-controls"));
    if (!box || input.dataset.suggestReady) return;
    input.dataset.suggestReady = "1";
    var timer = null;
    var last = "";
    var controller = null;

    function links() {
      return Array.prototype.slice.call(box.querySelectorAll("a"));
    }

    function clear() {
      box.textContent = "";
      box.classList.remove("open");
    }

    function render(items) {
      box.textContent = "";
      if (!items.length) {
        box.classList.remove("open");
        return;
      }
      var status = document.createElement("p");
      status.className = "visually-hidden";
      status.textContent = "有 " + items.length + " 条建议，按向下键浏览。";
      var list = document.createElement("ul");
      list.className = "suggest-list";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = item.url || ("?q=" + encodeURIComponent(item.title));
        a.textContent = item.title;
        li.appendChild(a);
        list.appendChild(li);
      });
      box.appendChild(status);
      box.appendChild(list);
      box.classList.add("open");
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q === last) return;
      last = q;
      if (!q) {
        clear();
        return;
      }
      if (controller) controller.abort();
      controller = typeof AbortController === "function" ? new AbortController() : null;
      var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(q);
      fetch(url, { headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === q) render(data.suggestions || []); })
        .catch(function () { /* offline or aborted: the form still works */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && links().length) {
        event.preventDefault();
        links()[0].focus();
      } else if (event.key === "Escape") {
        clear();
      }
    });
    box.addEventListener("keydown", function (event) {
      var items = links();
      var index = items.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && index < items.length - 1) {
        event.preventDefault();
        items[index + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (index > 0 ? items[index - 1] : input).focus();
      } else if (event.key === "Escape") {
        clear();
        input.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!box.contains(event.target) && event.target !== input) clear();
    });
  }

  function init() {
    document.querySelectorAll("input[data-suggest-url]").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
