// pump: small enhancements on top of pages that work without it. Live updates come as
// server-sent events carrying ready-made HTML cards; the server escapes everything in them.
(function () {
  "use strict";
  var body = document.body;
  document.documentElement.setAttribute("data-js", "on");
  // Log out with the hidden form (a POST with its CSRF token), not by following the link.
  var logout = document.getElementById("logout");
  var logoutForm = document.getElementById("logout-form");
  if (logout && logoutForm) {
    logout.addEventListener("click", function (e) { e.preventDefault(); logoutForm.submit(); });
  }
  // Exact times on hover in the reader's own time zone.
  document.querySelectorAll("time[datetime]").forEach(function (t) {
    var d = new Date(t.getAttribute("datetime"));
    if (!isNaN(d)) { t.title = d.toLocaleString(); }
  });
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.getAttribute && f.getAttribute("data-confirm") && !window.confirm(f.getAttribute("data-confirm"))) {
      e.preventDefault();
    }
  });
  if (!body.getAttribute("data-live") || !window.EventSource) { return; }
  var streams = { major: document.getElementById("major-stream"), minor: document.getElementById("minor-stream") };
  var es = new EventSource("/main/events");
  // New posts wait behind a bar at the top of the inbox, so that what one reads does not move.
  var waiting = [];
  var bar = document.createElement("button");
  bar.type = "button";
  bar.id = "new-posts";
  bar.hidden = true;
  bar.setAttribute("aria-live", "polite");
  if (streams.major) { streams.major.parentNode.insertBefore(bar, streams.major); }
  bar.addEventListener("click", function () {
    waiting.forEach(function (el) { streams.major.insertBefore(el, streams.major.firstElementChild); });
    waiting = [];
    bar.hidden = true;
  });
  function insert(where, html, id) {
    var list = streams[where];
    if (!list || (id && document.querySelector('[data-activity="' + CSS.escape(id) + '"]'))) { return; }
    var t = document.createElement("template");
    t.innerHTML = html;
    var el = t.content.firstElementChild;
    if (!el) { return; }
    el.classList.add("live-new");
    if (where !== "major") { list.insertBefore(el, list.firstElementChild); return; }
    if (waiting.some(function (w) { return w.getAttribute("data-activity") === id; })) { return; }
    waiting.push(el);
    bar.textContent = waiting.length === 1 ? "1 new post" : waiting.length + " new posts";
    bar.hidden = false;
  }
  es.addEventListener("activity", function (e) {
    var d = JSON.parse(e.data);
    insert(d.stream, d.html, d.id);
    // An object may be on the page more than once (in the inbox and among public posts).
    if (d.replaces && d.object_html) {
      document.querySelectorAll('[data-object="' + CSS.escape(d.replaces) + '"]').forEach(function (old) {
        var t = document.createElement("template");
        t.innerHTML = d.object_html;
        if (t.content.firstElementChild) { old.replaceWith(t.content.firstElementChild); }
      });
    }
  });
  es.addEventListener("counts", function (e) {
    var d = JSON.parse(e.data);
    Object.keys(d).forEach(function (k) {
      var b = document.getElementById(k + "-count");
      if (b) { b.textContent = String(d[k]); }
    });
  });
  window.addEventListener("pagehide", function () { es.close(); });
})();
