// The page's only script, inline and small: the page works without it (every check and fold is a
// <details>, which Enter and Space already open and close); with it, "expand all" and "collapse
// all", and a link to a check (a skip link, the list of checks, #hash) opens the check it points at.

export const SCRIPT = `(function () {
  var checks = function () { return Array.prototype.slice.call(document.querySelectorAll('details.check')); };
  var tools = document.getElementById('tools');
  if (tools) tools.hidden = false;
  document.addEventListener('click', function (e) {
    var b = e.target.closest ? e.target.closest('button[data-act]') : null;
    if (!b) return;
    var open = b.getAttribute('data-act') === 'open-all';
    checks().forEach(function (d) { d.open = open; });
  });
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el) return;
    for (var p = el; p; p = p.parentElement) if (p.tagName === 'DETAILS') p.open = true;
    var focus = el.tagName === 'DETAILS' ? el.querySelector('summary') : el;
    if (focus && focus.focus) focus.focus();
  }
  window.addEventListener('hashchange', reveal);
  reveal();
  document.documentElement.setAttribute('data-ready', '1');
})();`;
