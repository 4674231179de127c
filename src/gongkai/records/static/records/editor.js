// A small self-hosted rich-text editor: a contenteditable area with a toolbar that writes its
// HTML back into the textarea. Without JavaScript the textarea itself is the editor and every
// form field is shown. The server sanitises and restructures whatever arrives (core/html.py:
// div lines and double breaks become paragraphs, Word styling is dropped), and a paste is
// cleaned by the same code before it appears, so what the editor sees is what is stored.
(function () {
  "use strict";

  // [command, visible Chinese label, longer description, toggle?]
  var COMMANDS = [
    ["bold", "加粗", "加粗（Ctrl+B）", true],
    ["italic", "斜体", "斜体（Ctrl+I）", true],
    ["formatBlock:h2", "二级标题", "设为二级标题；再按一次恢复为正文", true],
    ["formatBlock:h3", "三级标题", "设为三级标题；再按一次恢复为正文", true],
    ["formatBlock:p", "正文段落", "设为正文段落", false],
    ["insertUnorderedList", "项目列表", "项目符号列表", true],
    ["insertOrderedList", "编号列表", "编号列表", true],
    ["link", "链接", "插入链接（http、https、mailto 或站内地址）", false],
    ["unlink", "取消链接", "取消所选文字的链接", false],
    ["table", "表格", "插入表格（首行为表头）", false],
    ["image", "图片", "插入图片（须填写替代文本）", false],
    ["removeFormat", "清除格式", "清除所选文字的加粗、斜体等格式", false]
  ];

  function hasScheme(url) { return /^[a-z][a-z0-9+.\-]*:/i.test(url); }

  function allowedUrl(url) {
    // the sanitiser keeps http, https, mailto and relative addresses in links
    return !hasScheme(url) || /^(https?|mailto):/i.test(url);
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function csrfToken(form) {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function setUpKindFields(form) {
    // Fields marked data-kinds apply to some kinds only (records/workflow.py KIND_FIELDS).
    var kind = form.querySelector('select[name="kind"]');
    if (!kind) return;
    function apply() {
      form.querySelectorAll("[data-kinds]").forEach(function (input) {
        var wrapper = input.closest(".field");
        if (!wrapper) return;
        var kinds = input.getAttribute("data-kinds").split(" ");
        wrapper.hidden = kinds.indexOf(kind.value) === -1;
      });
    }
    kind.addEventListener("change", apply);
    apply();
  }

  function setUpEditor(textarea) {
    var form = textarea.form;
    var wrapper = document.createElement("div");
    wrapper.className = "rte";
    var toolbar = document.createElement("div");
    toolbar.className = "rte-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "正文编辑工具");
    toolbar.setAttribute("aria-controls", textarea.id + "_editor");
    var area = document.createElement("div");
    area.className = "rte-area";
    area.id = textarea.id + "_editor";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    var status = document.createElement("p");
    status.className = "rte-status";
    status.setAttribute("role", "status");
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      if (!label.id) label.id = textarea.id + "_label";
      area.setAttribute("aria-labelledby", label.id);
    }
    var help = document.getElementById(textarea.id + "_help");
    if (help) area.setAttribute("aria-describedby", help.id);
    area.innerHTML = textarea.value.trim() ? textarea.value : "<p><br></p>";
    var images = [];
    var imagesData = document.getElementById("editor-images");
    if (imagesData) {
      try { images = JSON.parse(imagesData.textContent) || []; } catch (e) { images = []; }
    }

    var saved = null;
    function remember() {
      var selection = window.getSelection();
      if (selection.rangeCount && area.contains(selection.getRangeAt(0).commonAncestorContainer)) {
        saved = selection.getRangeAt(0).cloneRange();
      }
    }
    function restore() {
      area.focus();
      if (saved) {
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(saved);
      }
    }
    function sync() { textarea.value = area.innerHTML; }

    // Chromium nests a list (or pasted blocks) inside the paragraph the caret was in; lift
    // such blocks out so the editor shows the structure the server will store.
    var BLOCK = /^(UL|OL|TABLE|H2|H3|H4|BLOCKQUOTE|P|DIV|HR)$/;
    function liftBlocks() {
      var selection = window.getSelection();
      var caret = selection.rangeCount ? selection.getRangeAt(0) : null;
      var node = caret && caret.startContainer, offset = caret && caret.startOffset;
      var changed = false;
      area.querySelectorAll("p").forEach(function (paragraph) {
        if (!Array.prototype.some.call(paragraph.childNodes, function (c) { return BLOCK.test(c.nodeName); })) return;
        var parent = paragraph.parentNode, run = null;
        Array.prototype.slice.call(paragraph.childNodes).forEach(function (child) {
          if (BLOCK.test(child.nodeName)) {
            run = null;
            parent.insertBefore(child, paragraph);
          } else {
            if (!run) { run = document.createElement("p"); parent.insertBefore(run, paragraph); }
            run.appendChild(child);
          }
        });
        parent.removeChild(paragraph);
        changed = true;
      });
      if (changed && node && area.contains(node)) {
        var range = document.createRange();
        range.setStart(node, Math.min(offset, node.nodeType === 3 ? node.length : node.childNodes.length));
        range.collapse(true);
        selection.removeAllRanges();
        selection.addRange(range);
      }
    }
    function say(message) { status.textContent = message; }

    var buttons = [];
    function refresh() {
      var block = (document.queryCommandValue("formatBlock") || "").toLowerCase();
      buttons.forEach(function (button) {
        var command = button.getAttribute("data-command");
        if (!button.hasAttribute("aria-pressed")) return;
        var pressed = false;
        try {
          if (command.indexOf("formatBlock:") === 0) pressed = block === command.split(":")[1];
          else pressed = document.queryCommandState(command);
        } catch (e) { pressed = false; }
        button.setAttribute("aria-pressed", pressed ? "true" : "false");
      });
    }

    function insertLink() {
      var url = window.prompt("链接地址（https://…、mailto:… 或站内地址 /…）", "https://");
      if (url === null) return;
      url = url.trim();
      if (!url || url === "https://") return;
      if (!allowedUrl(url)) {
        window.alert("只能链接 http、https、mailto 或站内地址。");
        return;
      }
      restore();
      var selection = window.getSelection();
      if (selection.isCollapsed) {
        var text = window.prompt("链接文字", url);
        if (text === null) return;
        restore();
        document.execCommand("insertHTML", false,
          '<a href="' + escapeHtml(url) + '">' + escapeHtml(text.trim() || url) + "</a>");
      } else {
        document.execCommand("createLink", false, url);
      }
    }

    function insertTable() {
      var rows = parseInt(window.prompt("表格行数（含表头行，2–30）", "3"), 10);
      if (!rows) return;
      var cols = parseInt(window.prompt("表格列数（1–10）", "2"), 10);
      if (!cols) return;
      rows = Math.min(Math.max(rows, 2), 30);
      cols = Math.min(Math.max(cols, 1), 10);
      var html = "<table><thead><tr>";
      for (var c = 0; c < cols; c++) html += '<th scope="col">表头' + (c + 1) + "</th>";
      html += "</tr></thead><tbody>";
      for (var r = 1; r < rows; r++) {
        html += "<tr>";
        for (var k = 0; k < cols; k++) html += "<td><br></td>";
        html += "</tr>";
      }
      html += "</tbody></table><p><br></p>";
      restore();
      document.execCommand("insertHTML", false, html);
    }

    function insertImage() {
      var question = "图片地址（https://… 或站内地址）";
      if (images.length) {
        question = "输入本信息已上传图片的编号，或图片地址：\n" + images.map(function (image, i) {
          return (i + 1) + ". " + image.name;
        }).join("\n");
      }
      var answer = window.prompt(question, "");
      if (answer === null || !answer.trim()) return;
      answer = answer.trim();
      var src = answer, alt = "";
      var chosen = /^\d+$/.test(answer) ? images[parseInt(answer, 10) - 1] : null;
      if (chosen) { src = chosen.url; alt = chosen.alt || ""; }
      if (!chosen && hasScheme(src) && !/^https?:/i.test(src)) {
        window.alert("图片地址须以 http:// 或 https:// 开头，或为站内地址。");
        return;
      }
      alt = window.prompt("图片的替代文本（必填：为视障读者描述图片内容）", alt);
      if (alt === null) return;
      alt = alt.trim();
      if (!alt) {
        window.alert("未插入图片：替代文本为必填项。");
        return;
      }
      restore();
      document.execCommand("insertHTML", false,
        '<img src="' + escapeHtml(src) + '" alt="' + escapeHtml(alt) + '">');
    }

    function run(spec) {
      var name = spec[0];
      if (name === "link") insertLink();
      else if (name === "table") insertTable();
      else if (name === "image") insertImage();
      else {
        restore();
        var parts = name.split(":");
        var value = parts[1] || null;
        if (parts[0] === "formatBlock" && document.queryCommandValue("formatBlock") === value) {
          value = "p"; // pressing a heading button again makes the line body text again
        }
        document.execCommand(parts[0], false, value);
      }
      liftBlocks();
      remember();
      sync();
      refresh();
    }

    COMMANDS.forEach(function (spec, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = spec[1];
      button.title = spec[2];
      button.setAttribute("data-command", spec[0]);
      button.tabIndex = index === 0 ? 0 : -1;
      if (spec[3]) button.setAttribute("aria-pressed", "false");
      // keep the caret in the text when the button is clicked with the mouse
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () { run(spec); });
      toolbar.appendChild(button);
      buttons.push(button);
    });
    // one tab stop for the toolbar; arrow keys, Home and End move between its buttons
    toolbar.addEventListener("keydown", function (event) {
      var current = buttons.indexOf(document.activeElement);
      if (current === -1) return;
      var next = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      next = (next + buttons.length) % buttons.length;
      buttons[current].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    });

    area.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (!data) return;
      var html = data.getData("text/html");
      if (!html) return; // plain text: the browser inserts it; the server makes paragraphs
      var text = data.getData("text/plain");
      event.preventDefault();
      remember();
      var body = new FormData();
      body.append("html", html);
      say("正在清理粘贴内容的格式……");
      fetch(textarea.getAttribute("data-clean-url"), {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form) }
      }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      }).then(function (result) {
        restore();
        document.execCommand("insertHTML", false, result.html);
        liftBlocks();
        say("已粘贴：保留了标题、段落、列表、表格和加粗斜体，去除了原文档的字体和样式。");
        sync();
      }).catch(function () {
        restore();
        document.execCommand("insertText", false, text);
        say("粘贴内容的格式未能清理，已按纯文本粘贴。");
        sync();
      });
    });
    area.addEventListener("input", sync);
    area.addEventListener("keyup", function () { remember(); refresh(); });
    area.addEventListener("mouseup", function () { remember(); refresh(); });
    area.addEventListener("focus", function () {
      // Enter makes a <p>, not Chromium's default <div> (the server converts either way)
      document.execCommand("defaultParagraphSeparator", false, "p");
    });
    document.addEventListener("selectionchange", function () {
      if (document.activeElement === area) { remember(); refresh(); }
    });

    wrapper.appendChild(toolbar);
    wrapper.appendChild(area);
    wrapper.appendChild(status);
    textarea.hidden = true;
    textarea.parentNode.insertBefore(wrapper, textarea);
    if (label) label.addEventListener("click", function () { area.focus(); });
    form.addEventListener("submit", sync);
  }

  document.querySelectorAll("form.record-form").forEach(setUpKindFields);
  document.querySelectorAll("textarea.rich-text").forEach(setUpEditor);
})();
