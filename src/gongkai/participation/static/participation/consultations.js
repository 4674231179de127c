// 征求意见: choosing a passage by selecting it. Without this script the person picks the
// paragraph from the list and copies the words into 引用原文; with it, selecting words in the
// chosen paragraph fills 引用原文 and the character range (start, end) of the selection.
(function () {
  "use strict";
  var source = document.querySelector(".quote-source");
  var form = document.getElementById("comment-form");
  if (!source || !form) return;
  var hint = document.querySelector(".js-only");
  if (hint) hint.hidden = false;
  var quote = form.querySelector("[name=quote]");
  var start = form.querySelector("[name=start]");
  var end = form.querySelector("[name=end]");
  var paragraph = form.querySelector("[name=paragraph]");
  function offset(node, nodeOffset) {
    var range = document.createRange();
    range.selectNodeContents(source);
    range.setEnd(node, nodeOffset);
    return range.toString().length;
  }
  function take() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    var range = selection.getRangeAt(0);
    if (!source.contains(range.startContainer) || !source.contains(range.endContainer)) return;
    var a = offset(range.startContainer, range.startOffset);
    var b = offset(range.endContainer, range.endOffset);
    if (b <= a) return;
    quote.value = source.textContent.slice(a, b);
    start.value = String(a);
    end.value = String(b);
    if (paragraph) paragraph.value = source.getAttribute("data-paragraph");
  }
  source.addEventListener("mouseup", take);
  source.addEventListener("keyup", take);
  source.addEventListener("touchend", take);
  // typing a quote by hand drops the range: the server finds the words in the paragraph
  quote.addEventListener("input", function () {
    start.value = "";
    end.value = "";
  });
  if (paragraph) {
    paragraph.addEventListener("change", function () {
      start.value = "";
      end.value = "";
    });
  }
})();
