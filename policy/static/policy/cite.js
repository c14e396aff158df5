// Cite by selecting, and "use the source's words" (policy/admin_curation.py).
//
// A source's text is drawn as pieces, each a <span data-start data-length>: a line, or a line break
// (data-break: lf, crlf or cr, since the HTML parser reads every break as LF). Offsets are the stored
// text's code points, as Python counts them: inside a line, the UTF-16 units before the selection's
// edge are counted as code points (an astral character is two units, one code point).
(function () {
  "use strict";
  var BREAKS = { lf: "\n", crlf: "\r\n", cr: "\r" };

  function codePoints(text) {
    return Array.from(text).length;
  }

  // The text offset of one edge of a range (container, offset) inside the text's root element.
  function edge(root, container, offset) {
    if (container === root) {
      var pieces = root.children;
      return offset < pieces.length ? Number(pieces[offset].dataset.start) : Number(root.dataset.length);
    }
    var text = container.nodeType === Node.TEXT_NODE;
    var piece = text ? container.parentNode : container;
    var start = Number(piece.dataset.start);
    if (!text || piece.dataset.break) {
      return offset > 0 ? start + Number(piece.dataset.length) : start;
    }
    return start + codePoints(container.data.slice(0, offset));
  }

  // The stored text between two offsets, rebuilt from the pieces (line breaks as stored).
  function between(root, start, end) {
    var words = [];
    Array.prototype.forEach.call(root.children, function (piece) {
      var from = Number(piece.dataset.start), to = from + Number(piece.dataset.length);
      if (to <= start || from >= end) return;
      if (piece.dataset.break) {
        words.push(BREAKS[piece.dataset.break]);
      } else {
        words.push(Array.from(piece.textContent).slice(Math.max(start - from, 0), end - from).join(""));
      }
    });
    return words.join("");
  }

  // The selection inside the text, its ends trimmed of whitespace: {start, end, excerpt} or null.
  function selected(root, range) {
    if (!range || range.collapsed || !range.intersectsNode(root)) return null;
    var start = root.contains(range.startContainer) ? edge(root, range.startContainer, range.startOffset) : 0;
    var end = root.contains(range.endContainer)
      ? edge(root, range.endContainer, range.endOffset)
      : Number(root.dataset.length);
    var excerpt = between(root, start, end);
    var lead = codePoints(excerpt) - codePoints(excerpt.replace(/^\s+/, ""));
    var trail = codePoints(excerpt) - codePoints(excerpt.replace(/\s+$/, ""));
    excerpt = excerpt.trim();
    if (!excerpt) return null;
    return { start: start + lead, end: end - trail, excerpt: excerpt };
  }

  function setUpCiting(box) {
    var root = box.querySelector(".cite-text");
    var status = box.querySelector(".cite-status");
    var last = null;
    document.addEventListener("selectionchange", function () {
      var selection = window.getSelection();
      if (selection.rangeCount && selection.getRangeAt(0).intersectsNode(root)) {
        last = selection.getRangeAt(0).cloneRange();
      }
    });
    box.querySelectorAll("button.cite-as").forEach(function (button) {
      button.addEventListener("click", function () {
        var span = selected(root, last);
        if (!span) {
          status.textContent = "Select words of the text first.";
          return;
        }
        var query = new URLSearchParams({
          source: box.dataset.source,
          excerpt: span.excerpt,
          excerpt_start: span.start,
          excerpt_end: span.end,
        });
        window.location.href = button.dataset.add + "?" + query.toString();
      });
    });
  }

  function setUpClosest(box) {
    var data = JSON.parse(box.querySelector("#excerpt-closest").textContent);
    box.querySelector("button.excerpt-use-source").addEventListener("click", function () {
      document.getElementById(box.dataset.for).value = data.closest;
      document.getElementById("id_excerpt_start").value = data.start;
      document.getElementById("id_excerpt_end").value = data.end;
      box.hidden = true;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".cite-by-selecting").forEach(setUpCiting);
    document.querySelectorAll(".excerpt-closest").forEach(setUpClosest);
  });
})();
