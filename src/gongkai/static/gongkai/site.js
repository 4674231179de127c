// Progressive enhancement for the reading aids: switch at once without a page load.
// Without JavaScript the same buttons post the form and the server sets the cookies.
(function () {
  "use strict";
  var form = document.querySelector(".pref-form");
  if (!form) return;
  var root = document.documentElement;
  function setCookie(name, value) {
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = name + "=" + value + "; Max-Age=31536000; Path=/; SameSite=Lax" + secure;
  }
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button || (button.name !== "font" && button.name !== "contrast")) return;
    event.preventDefault();
    if (button.name === "font") {
      root.classList.remove("font-s", "font-m", "font-l");
      root.classList.add("font-" + button.value);
      setCookie("gk_font", button.value);
      form.querySelectorAll(".font-btn").forEach(function (b) {
        b.setAttribute("aria-pressed", b === button ? "true" : "false");
      });
    } else if (button.name === "contrast") {
      var on = button.value === "1";
      root.classList.toggle("high-contrast", on);
      setCookie("gk_contrast", on ? "1" : "0");
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.value = on ? "0" : "1";
    }
  });
})();
