// The report page's only script: filters the embedded documents and builds the list.
// Every text from the corpus is set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var TITLE = 0, NAME = 1, DATE = 2, FACETS = 3, SUMMARY = 4, STRIP = 5, THEMES = 6, PARAGRAPHS = 7, FOLDER = 8;
  var PAGE = 50;  // documents added per "Show more": the DOM stays small for 100,000 documents
  var docs = data.docs, themes = data.themes;
  var letters = "abcdefghijklmnopqrstuvwxyz";
  var haystacks = null;  // lower-cased searchable text, built on the first search
  var matches = [], shown = 0;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function colour(letter) {
    var i = letters.indexOf(letter);
    return i >= 0 && i < themes.length ? data.colours[i] : data.otherColour;
  }

  var inputs = {
    search: document.getElementById("search"), theme: document.getElementById("theme"),
    from: document.getElementById("from"), to: document.getElementById("to")
  };
  var facetSelects = [];
  var facetBox = document.getElementById("facet-filters");
  data.facetColumns.forEach(function (column, c) {
    var names = data.facetValues[c], counts = names.map(function () { return 0; });
    docs.forEach(function (d) { if (d[FACETS][c] >= 0) counts[d[FACETS][c]]++; });
    if (names.length < 2) return;
    var order = names.map(function (_, v) { return v; }).sort(function (a, b) { return counts[b] - counts[a]; });
    var label = el("label", null, column + " ");
    var select = el("select");
    select.appendChild(el("option", null, "any")).value = "";
    order.forEach(function (v) { select.appendChild(el("option", null, names[v] + " (" + counts[v] + ")")).value = String(v); });
    select.dataset.column = c;
    label.appendChild(select);
    facetBox.appendChild(label);
    facetSelects.push(select);
    select.addEventListener("change", update);
  });
  function file(d) { return (data.folders[d[FOLDER]] ? data.folders[d[FOLDER]] + "/" : "") + d[NAME]; }

  function searchable(i) {
    var d = docs[i], parts = [d[TITLE], file(d), d[SUMMARY]];
    if (d[PARAGRAPHS]) d[PARAGRAPHS].forEach(function (p) { parts.push(p[0]); });
    return parts.join("\n").toLowerCase();
  }

  function update() {
    var words = inputs.search.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length && !haystacks) haystacks = docs.map(function (_, i) { return searchable(i); });
    var theme = inputs.theme.value === "" ? null : letters[+inputs.theme.value];
    var from = inputs.from.value, to = inputs.to.value;
    var facets = facetSelects.filter(function (s) { return s.value !== ""; });
    var counts = themes.map(function () { return 0; });
    matches = [];
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i];
      if (theme && d[THEMES].indexOf(theme) < 0) continue;
      if ((from || to) && (!d[DATE] || (from && d[DATE] < from) || (to && d[DATE] > to))) continue;
      var ok = true;
      for (var f = 0; f < facets.length && ok; f++) ok = d[FACETS][+facets[f].dataset.column] === +facets[f].value;
      for (var w = 0; w < words.length && ok; w++) ok = haystacks[i].indexOf(words[w]) >= 0;
      if (!ok) continue;
      matches.push(i);
      for (var t = 0; t < d[THEMES].length; t++) counts[letters.indexOf(d[THEMES][t])]++;
    }
    document.getElementById("count").textContent = matches.length.toLocaleString() + " of " + docs.length.toLocaleString() + " documents";
    var box = document.getElementById("theme-counts");
    box.textContent = "";
    themes.forEach(function (name, t) {
      var chip = el("span", "chip", name);
      chip.style.background = data.colours[t];
      chip.appendChild(el("b", null, String(counts[t])));
      box.appendChild(chip);
    });
    document.getElementById("doclist").textContent = "";
    shown = 0;
    showMore();
  }

  function item(i) {
    var d = docs[i];
    var li = el("li");
    li.id = "doc-" + i;
    var title = el("button", "doctitle", d[TITLE]);
    title.type = "button";
    li.appendChild(title);
    li.appendChild(el("div", "docmeta", (d[DATE] || "no date") + " · " + file(d)));
    var strip = el("div", "strip");
    for (var k = 0; k < d[STRIP].length; k++) {
      var part = el("span");
      part.style.background = colour(d[STRIP][k]);
      part.title = "paragraph " + (k + 1) + ": " + (letters.indexOf(d[STRIP][k]) >= 0 ? themes[letters.indexOf(d[STRIP][k])] : "other");
      strip.appendChild(part);
    }
    li.appendChild(strip);
    li.appendChild(el("p", "summary", d[SUMMARY]));
    title.addEventListener("click", function () { toggle(li, i); });
    return li;
  }

  function toggle(li, i) {
    var open = li.querySelector(".paragraphs");
    if (open) { li.removeChild(open); return; }
    var box = el("div", "paragraphs");
    var paragraphs = docs[i][PARAGRAPHS];
    if (!paragraphs) {
      box.appendChild(el("p", "note", "Full text not embedded for this document (beyond the cap; build with --full-text). File: " + file(docs[i])));
    } else {
      paragraphs.forEach(function (p) {
        var para = el("p", null, p[0]);
        para.style.borderLeftColor = colour(p[1].charAt(0) || "-");
        var names = p[1] ? p[1].split("").map(function (l) { return themes[letters.indexOf(l)]; }) : ["other"];
        names.slice().reverse().forEach(function (name) {  // each chip goes first: reversed, the best label leads
          var chip = el("span", name === "other" ? "chip other" : "chip", name);
          if (name !== "other") chip.style.background = data.colours[themes.indexOf(name)];
          para.insertBefore(chip, para.firstChild);
        });
        box.appendChild(para);
      });
    }
    li.appendChild(box);
  }

  function showMore() {
    var list = document.getElementById("doclist");
    var end = Math.min(matches.length, shown + PAGE);
    for (; shown < end; shown++) list.appendChild(item(matches[shown]));
    document.getElementById("more").hidden = shown >= matches.length;
  }

  function openDocument(i) {
    inputs.search.value = ""; inputs.theme.value = ""; inputs.from.value = ""; inputs.to.value = "";
    facetSelects.forEach(function (s) { s.value = ""; });
    update();
    var li = document.getElementById("doc-" + i);
    if (!li) {  // further down the list: shown first, rather than building every item before it
      li = item(i);
      var list = document.getElementById("doclist");
      list.insertBefore(li, list.firstChild);
    }
    if (li) { if (!li.querySelector(".paragraphs")) toggle(li, i); li.scrollIntoView(); }
  }

  var timer = null;
  inputs.search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 150); });
  [inputs.theme, inputs.from, inputs.to].forEach(function (input) { input.addEventListener("change", update); });
  document.getElementById("filters").addEventListener("submit", function (event) { event.preventDefault(); update(); });
  document.getElementById("more").addEventListener("click", showMore);
  Array.prototype.forEach.call(document.querySelectorAll("a.doclink"), function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); openDocument(+link.dataset.doc); });
  });
  update();
  document.body.dataset.ready = "true";
})();
