/* mailscope report tables: sort, filter and paginate rows held as JSON in the page.
   Cells are written with textContent only, so evidence text can never become markup. */
(function () {
  "use strict";
  var fmt = new Intl.NumberFormat("en-US");

  function setup(block) {
    var holder = block.querySelector("script.table-data");
    var tbody = block.querySelector("tbody");
    if (!holder || !tbody) { return; }
    var data = JSON.parse(holder.textContent);
    var PAGE = parseInt(block.getAttribute("data-page"), 10) || 25;
    var kinds = data.columns, rows = data.rows;
    var tooltip = data.tooltip ? block.getAttribute("data-tooltip") : "";
    var headers = block.querySelectorAll("th");
    var filter = block.querySelector("input.filter");
    var status = block.querySelector(".status");
    var pager = block.querySelector(".pager");
    var state = { view: rows.map(function (_, i) { return i; }), page: 0, col: -1, dir: 1 };
    var haystack = null;

    function text(i) {
      if (haystack === null) {
        haystack = rows.map(function (row) { return row.join("\u0001").toLowerCase(); });
      }
      return haystack[i];
    }

    function draw() {
      var start = state.page * PAGE, end = Math.min(start + PAGE, state.view.length);
      var fragment = document.createDocumentFragment();
      for (var r = start; r < end; r++) {
        var row = rows[state.view[r]], tr = document.createElement("tr");
        if (tooltip) { tr.title = tooltip + ": " + row[kinds.length]; }
        for (var c = 0; c < kinds.length; c++) {
          var td = document.createElement("td");
          td.className = kinds[c];
          td.textContent = typeof row[c] === "number" ? fmt.format(row[c]) : row[c];
          tr.appendChild(td);
        }
        fragment.appendChild(tr);
      }
      tbody.textContent = "";
      tbody.appendChild(fragment);
      if (status) {
        status.textContent = state.view.length === rows.length
          ? fmt.format(rows.length) + " rows"
          : fmt.format(state.view.length) + " of " + fmt.format(rows.length) + " rows";
      }
      if (pager) {
        pager.querySelector(".page").textContent = state.view.length
          ? "rows " + fmt.format(start + 1) + "–" + fmt.format(end) + " of " + fmt.format(state.view.length)
          : "no rows";
        pager.querySelector(".prev").disabled = state.page === 0;
        pager.querySelector(".next").disabled = end >= state.view.length;
      }
    }

    function compare(a, b) {
      var x = rows[a][state.col], y = rows[b][state.col];
      var order = (typeof x === "number" && typeof y === "number")
        ? x - y : String(x).localeCompare(String(y));
      return order * state.dir || a - b;
    }

    function sortBy(col) {
      state.dir = state.col === col ? -state.dir : (kinds[col] === "num" ? -1 : 1);
      state.col = col;
      state.view.sort(compare);
      headers.forEach(function (th, i) {
        th.setAttribute("aria-sort", i !== col ? "none" : state.dir > 0 ? "ascending" : "descending");
      });
      state.page = 0;
      draw();
    }

    function applyFilter() {
      var needle = filter.value.trim().toLowerCase();
      state.view = [];
      for (var i = 0; i < rows.length; i++) {
        if (!needle || text(i).indexOf(needle) !== -1) { state.view.push(i); }
      }
      if (state.col >= 0) { state.view.sort(compare); }
      state.page = 0;
      draw();
    }

    headers.forEach(function (th, i) {
      th.addEventListener("click", function () { sortBy(i); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(i); }
      });
    });
    if (filter) {
      var timer = null;
      filter.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(applyFilter, rows.length > 2000 ? 150 : 0);
      });
    }
    if (pager) {
      pager.querySelector(".prev").addEventListener("click", function () { state.page--; draw(); });
      pager.querySelector(".next").addEventListener("click", function () { state.page++; draw(); });
    }
    block.setAttribute("data-ready", "1");
  }

  document.querySelectorAll(".table-block").forEach(setup);
  // Printing shows folded findings too.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
}());
