// A small self-hosted rich-text editor: a contenteditable area with a toolbar that writes its
// HTML back into the textarea on submit. Without JavaScript the textarea itself is the editor.
// The server sanitises whatever arrives (records/content.py), so this is about convenience.
(function () {
  "use strict";
  var COMMANDS = [
    ["bold", "加粗", "B"], ["italic", "斜体", "I"], ["formatBlock:h2", "设为二级标题", "H2"],
    ["formatBlock:h3", "设为三级标题", "H3"], ["formatBlock:p", "正文段落", "¶"],
    ["insertUnorderedList", "项目列表", "•"], ["insertOrderedList", "编号列表", "1."],
    ["createLink", "插入链接", "链接"], ["removeFormat", "清除格式", "清除"]
  ];
  document.querySelectorAll("textarea.rich-text").forEach(function (textarea) {
    var wrapper = document.createElement("div");
    wrapper.className = "rte";
    var toolbar = document.createElement("div");
    toolbar.className = "rte-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "正文编辑工具");
    var area = document.createElement("div");
    area.className = "rte-area";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      if (!label.id) label.id = textarea.id + "_label";
      area.setAttribute("aria-labelledby", label.id);
    }
    area.innerHTML = textarea.value;
    COMMANDS.forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = spec[2];
      button.title = spec[1];
      button.setAttribute("aria-label", spec[1]);
      button.addEventListener("click", function () {
        var parts = spec[0].split(":");
        var value = parts[1] || null;
        if (parts[0] === "createLink") {
          value = window.prompt("链接地址（https://…）");
          if (!value) return;
        }
        document.execCommand(parts[0], false, value);
        area.focus();
      });
      toolbar.appendChild(button);
    });
    wrapper.appendChild(toolbar);
    wrapper.appendChild(area);
    textarea.hidden = true;
    textarea.parentNode.insertBefore(wrapper, textarea);
    if (label) label.addEventListener("click", function () { area.focus(); });
    textarea.form.addEventListener("submit", function () { textarea.value = area.innerHTML; });
  });
})();
