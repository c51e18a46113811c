/**
 * The charts' script: hovering a mark of a chart (an SVG drawn by Vega, each mark labelled with
 * its values in `aria-label`) shows those values in a tooltip, one per line — a heatmap cell's
 * parameters, mean, 95 % confidence interval and replications.
 * @module
 */
export const CHART_SCRIPT = String.raw`(function () {
  'use strict';
  var tip = document.getElementById('chart-tip');
  if (!tip) return;
  function markOf(target) {
    var el = target && target.closest ? target.closest('figure.chart [aria-label][aria-roledescription]') : null;
    if (!el) return null;
    // Data marks only: Vega labels bars 'bar', cells 'rect mark', lines 'line mark'; axes, legends,
    // titles and mark containers carry labels too, and are not data.
    var role = el.getAttribute('aria-roledescription') || '';
    return /^(axis|legend|title)$| container$/.test(role) ? null : el;
  }
  document.addEventListener('mousemove', function (e) {
    var el = markOf(e.target);
    if (!el) {
      tip.hidden = true;
      return;
    }
    tip.textContent = '';
    el.getAttribute('aria-label').split('; ').forEach(function (part) {
      var div = document.createElement('div');
      var at = part.indexOf(': ');
      if (at > 0) {
        var b = document.createElement('b');
        b.textContent = part.slice(0, at) + ' ';
        div.appendChild(b);
        div.appendChild(document.createTextNode(part.slice(at + 2)));
      } else div.textContent = part;
      tip.appendChild(div);
    });
    tip.hidden = false;
    var r = tip.getBoundingClientRect();
    tip.style.left = Math.min(e.clientX + 14, window.innerWidth - r.width - 8) + 'px';
    var below = e.clientY + 14 + r.height <= window.innerHeight;
    tip.style.top = (below ? e.clientY + 14 : e.clientY - r.height - 10) + 'px';
  });
})();`;
