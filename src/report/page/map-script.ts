/**
 * The map's script, run by the browser that opens a run's report: it decodes the payload the
 * page carries (see `MapPayload`), draws every device on a canvas — batched by colour, one path
 * per colour, so 100,000 devices draw in a few tens of milliseconds — with links faint beneath
 * and collectors marked above, and answers hovering with the device under the pointer (a
 * uniform grid finds it). Panning and zooming redraw a snapshot at once and the whole map when
 * the pointer rests. Plain ES2020 for any current browser; it reads nothing outside the page.
 *
 * What tests and benchmarks read: `#map[data-devices]` (devices in the payload),
 * `[data-drawn]` (devices drawn by the last full drawing), `[data-ready]` with
 * `[data-ready-ms]` (time from navigation start to the first drawing), and
 * `window.meshcastMap.screenOf(id)` (a device's position in client pixels).
 * @module
 */
export const MAP_SCRIPT = String.raw`(function () {
  'use strict';
  var root = document.getElementById('map');
  var source = document.getElementById('map-data');
  if (!root || !source) return;
  var P = JSON.parse(source.textContent);
  function bytes(s) {
    if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(s);
    var bin = atob(s);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function view(s, T) {
    var b = bytes(s);
    return new T(b.buffer, b.byteOffset, b.byteLength / T.BYTES_PER_ELEMENT);
  }
  var n = P.n;
  var ids = P.ids.split('\n');
  var X = view(P.x, Float32Array), Y = view(P.y, Float32Array);
  var kind = bytes(P.kind), status = bytes(P.status), tankPct = bytes(P.tankPct);
  var layer = view(P.layer, Int16Array), missing = view(P.missing, Int32Array);
  var completion = view(P.completion, Float32Array), collector = view(P.collector, Int32Array);
  var route = view(P.route, Int32Array), model = view(P.model, Uint16Array);
  var version = view(P.version, P.wideVersions ? Uint32Array : Uint16Array);
  var tankRow = view(P.tankRow, Int32Array), tanks = bytes(P.tanks);
  var collectors = view(P.collectors, Int32Array);
  var links = P.links === null ? null : view(P.links, Int32Array);
  var COLLECTOR = P.kinds.indexOf('collector');

  // ---- colours --------------------------------------------------------------------------
  var GREY = '#c8c8c8';
  // Viridis, 9 stops: a sequential scale readable in grey and by most colour-blind readers.
  var VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];
  function ramp(stops, t) {
    t = Math.max(0, Math.min(1, t)) * (stops.length - 1);
    var i = Math.min(stops.length - 2, Math.floor(t)), f = t - i;
    var a = parseInt(stops[i].slice(1), 16), b = parseInt(stops[i + 1].slice(1), 16);
    var c = [16, 8, 0].map(function (s) {
      return Math.round(((a >> s) & 255) * (1 - f) + ((b >> s) & 255) * f);
    });
    return 'rgb(' + c.join(',') + ')';
  }
  var STATUS_COLOURS = {
    complete: '#59a14f', incomplete: '#f28e2b', refused: '#b07aa1', unreachable: '#e15759', 'not-target': GREY
  };
  var maxLayer = 0, minDone = Infinity, maxDone = 0;
  for (var i = 0; i < n; i++) {
    if (layer[i] > maxLayer) maxLayer = layer[i];
    if (completion[i] > maxDone) maxDone = completion[i];
    if (completion[i] < minDone) minDone = completion[i];
  }
  if (!(minDone <= maxDone)) minDone = 0;
  function duration(s) {
    if (!(s >= 0)) return String(s);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = Math.round(s % 60);
    if (r === 60) { r = 0; m++; }
    if (h > 0) return h + 'h ' + String(m).padStart(2, '0') + 'm';
    return m > 0 ? m + 'm ' + String(r).padStart(2, '0') + 's' : (s < 10 ? s.toFixed(1) : Math.round(s)) + 's';
  }
  // Each mode: a colour code per device, the colours, and the legend's entries.
  function colouring(mode) {
    var code = new Uint8Array(n), colours = [], legend = [];
    if (mode === 'layer') {
      colours.push(GREY);
      legend.push([GREY, 'no route']);
      var bins = Math.min(maxLayer + 1, 24);
      for (var b = 0; b < bins; b++) {
        var lo = Math.floor((b * (maxLayer + 1)) / bins), hi = Math.floor(((b + 1) * (maxLayer + 1)) / bins) - 1;
        var c = ramp(VIRIDIS, bins === 1 ? 0 : b / (bins - 1));
        colours.push(c);
        legend.push([c, lo === hi ? 'layer ' + lo : 'layers ' + lo + '\u2013' + hi]);
      }
      for (var v = 0; v < n; v++) code[v] = layer[v] < 0 ? 0 : 1 + Math.floor((layer[v] * bins) / (maxLayer + 1));
    } else if (mode === 'tank') {
      colours.push(GREY);
      legend.push([GREY, 'not a target']);
      var RY = ['#d7191c', '#fdae61', '#ffffbf', '#a6d96a', '#1a9641'];
      for (var b2 = 0; b2 <= 10; b2++) {
        var c2 = ramp(RY, b2 / 10);
        colours.push(c2);
        legend.push([c2, b2 === 10 ? '100%' : b2 * 10 + '\u2013' + (b2 * 10 + 9) + '%']);
      }
      for (var v2 = 0; v2 < n; v2++) code[v2] = tankPct[v2] === 255 ? 0 : 1 + Math.floor(tankPct[v2] / 10);
    } else if (mode === 'completion') {
      colours.push(GREY, STATUS_COLOURS.unreachable);
      legend.push([GREY, 'not a target'], [STATUS_COLOURS.unreachable, 'not complete']);
      var steps = 12;
      for (var b3 = 0; b3 < steps; b3++) {
        var c3 = ramp(VIRIDIS, b3 / (steps - 1));
        colours.push(c3);
        legend.push([c3, '\u2264 ' + duration(minDone + ((b3 + 1) * (maxDone - minDone)) / steps)]);
      }
      for (var v3 = 0; v3 < n; v3++) {
        var t = completion[v3];
        var span = maxDone - minDone || 1;
        var bucket = Math.min(steps - 1, Math.floor(((t - minDone) * steps) / span));
        code[v3] = tankRow[v3] < 0 ? 0 : t !== t ? 1 : 2 + bucket;
      }
    } else {
      P.statuses.forEach(function (s) {
        colours.push(STATUS_COLOURS[s] || GREY);
        legend.push([STATUS_COLOURS[s] || GREY, s]);
      });
      code.set(status);
    }
    // Devices grouped by colour (a counting sort): one path and one fill per colour.
    var start = new Int32Array(colours.length + 1);
    for (var v4 = 0; v4 < n; v4++) start[code[v4] + 1]++;
    for (var k = 0; k < colours.length; k++) start[k + 1] += start[k];
    var order = new Int32Array(n), at = start.slice(0, colours.length);
    for (var v5 = 0; v5 < n; v5++) order[at[code[v5]]++] = v5;
    return { colours: colours, legend: legend, start: start, order: order };
  }

  // ---- view -----------------------------------------------------------------------------
  var canvas = root.querySelector('canvas.map-canvas');
  var overlay = root.querySelector('canvas.map-overlay');
  var ctx = canvas.getContext('2d'), octx = overlay.getContext('2d');
  var tip = root.querySelector('.map-tip');
  var W = 0, H = 0, dpr = 1, scale = 1, ox = 0, oy = 0;
  var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (var q = 0; q < n; q++) {
    if (X[q] < minX) minX = X[q];
    if (X[q] > maxX) maxX = X[q];
    if (Y[q] < minY) minY = Y[q];
    if (Y[q] > maxY) maxY = Y[q];
  }
  if (n === 0) { minX = minY = 0; maxX = maxY = 1; }
  var spanX = Math.max(maxX - minX, 1), spanY = Math.max(maxY - minY, 1);
  function resize() {
    var r = canvas.parentElement.getBoundingClientRect();
    dpr = window.devicePixelRatio || 1;
    W = Math.max(200, r.width);
    H = Math.max(200, r.height);
    [canvas, overlay].forEach(function (c) {
      c.width = Math.round(W * dpr);
      c.height = Math.round(H * dpr);
    });
  }
  function fit() {
    scale = 0.94 * Math.min(W / spanX, H / spanY);
    ox = minX - (W / scale - spanX) / 2;
    oy = maxY + (H / scale - spanY) / 2;
  }
  function sx(x) { return (x - ox) * scale; }
  function sy(y) { return (oy - y) * scale; }

  // ---- drawing --------------------------------------------------------------------------
  var mode = 'status', linkMode = links ? 'all' : 'routes', paint = null, snapshot = null;
  function drawLinks() {
    if (linkMode === 'none') return;
    ctx.beginPath();
    var k = scale * dpr, x0 = ox, y0 = oy;
    if (linkMode === 'all' && links) {
      for (var e = 0; e < links.length; e += 2) {
        var a = links[e], b = links[e + 1];
        ctx.moveTo((X[a] - x0) * k, (y0 - Y[a]) * k);
        ctx.lineTo((X[b] - x0) * k, (y0 - Y[b]) * k);
      }
    } else {
      for (var v = 0; v < n; v++) {
        var r = route[v];
        if (r < 0) continue;
        ctx.moveTo((X[v] - x0) * k, (y0 - Y[v]) * k);
        ctx.lineTo((X[r] - x0) * k, (y0 - Y[r]) * k);
      }
    }
    ctx.lineWidth = Math.max(0.5, 0.6 * dpr);
    ctx.strokeStyle = 'rgba(40, 40, 60, 0.13)';
    ctx.stroke();
  }
  function render() {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    drawLinks();
    var k = scale * dpr, w = canvas.width, h = canvas.height;
    var size = Math.max(1.5, Math.min(6, 1.2 + Math.sqrt(scale * 30))) * dpr, half = size / 2, drawn = 0;
    for (var c = 0; c < paint.colours.length; c++) {
      ctx.beginPath();
      for (var j = paint.start[c]; j < paint.start[c + 1]; j++) {
        var v = paint.order[j];
        if (kind[v] === COLLECTOR) continue;
        var px = (X[v] - ox) * k, py = (oy - Y[v]) * k;
        if (px < -half || py < -half || px > w + half || py > h + half) continue;
        ctx.rect(px - half, py - half, size, size);
        drawn++;
      }
      ctx.fillStyle = paint.colours[c];
      ctx.fill();
    }
    // Collectors on top: a dark diamond with a white edge, named when few.
    var d = 5 * dpr;
    ctx.font = 11 * dpr + 'px system-ui, sans-serif';
    for (var ci = 0; ci < collectors.length; ci++) {
      var cv = collectors[ci], cx = (X[cv] - ox) * k, cy = (oy - Y[cv]) * k;
      if (cx < -d || cy < -d || cx > w + d || cy > h + d) continue;
      ctx.beginPath();
      ctx.moveTo(cx, cy - d); ctx.lineTo(cx + d, cy); ctx.lineTo(cx, cy + d); ctx.lineTo(cx - d, cy); ctx.closePath();
      ctx.fillStyle = '#111';
      ctx.fill();
      ctx.lineWidth = 1.5 * dpr;
      ctx.strokeStyle = '#fff';
      ctx.stroke();
      drawn++;
      if (collectors.length <= 60) {
        ctx.fillStyle = '#111';
        ctx.fillText(ids[cv], cx + d + 2 * dpr, cy - d);
      }
    }
    root.setAttribute('data-drawn', String(drawn));
    snapshot = { image: null, scale: scale, ox: ox, oy: oy };
  }
  function takeSnapshot() {
    if (!snapshot || snapshot.image) return;
    var c = document.createElement('canvas');
    c.width = canvas.width;
    c.height = canvas.height;
    c.getContext('2d').drawImage(canvas, 0, 0);
    snapshot.image = c;
  }
  // While the view moves, the last drawing is moved with it; the map is drawn again once it rests.
  var pending = 0, frame = 0;
  function moved() {
    if (n <= 20000) {
      if (!frame) frame = requestAnimationFrame(function () { frame = 0; render(); });
      return;
    }
    takeSnapshot();
    if (!frame) {
      frame = requestAnimationFrame(function () {
        frame = 0;
        var s = snapshot, f = scale / s.scale;
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        var sx = (s.ox - ox) * scale * dpr, sy = (oy - s.oy) * scale * dpr;
        ctx.drawImage(s.image, sx, sy, s.image.width * f, s.image.height * f);
      });
    }
    clearTimeout(pending);
    pending = setTimeout(function () { if (frame) { cancelAnimationFrame(frame); frame = 0; } render(); }, 160);
  }

  // ---- finding the device under the pointer --------------------------------------------
  var G = Math.max(1, Math.min(1024, Math.round(Math.sqrt(n / 4))));
  var cellW = spanX / G, cellH = spanY / G;
  function cellOf(v) {
    var gx = Math.min(G - 1, Math.floor((X[v] - minX) / cellW));
    var gy = Math.min(G - 1, Math.floor((Y[v] - minY) / cellH));
    return gy * G + gx;
  }
  var cellStart = new Int32Array(G * G + 1), cellItems = new Int32Array(n);
  for (var a = 0; a < n; a++) cellStart[cellOf(a) + 1]++;
  for (var g = 0; g < G * G; g++) cellStart[g + 1] += cellStart[g];
  var fill = cellStart.slice(0, G * G);
  for (var a2 = 0; a2 < n; a2++) cellItems[fill[cellOf(a2)]++] = a2;
  function nearest(px, py) {
    var wx = ox + px / scale, wy = oy - py / scale, rw = 8 / scale;
    var gx0 = Math.max(0, Math.floor((wx - rw - minX) / cellW));
    var gx1 = Math.min(G - 1, Math.floor((wx + rw - minX) / cellW));
    var gy0 = Math.max(0, Math.floor((wy - rw - minY) / cellH));
    var gy1 = Math.min(G - 1, Math.floor((wy + rw - minY) / cellH));
    if ((gx1 - gx0 + 1) * (gy1 - gy0 + 1) > 4096) return -1;
    var best = -1, bestD = rw * rw;
    for (var gy = gy0; gy <= gy1; gy++) {
      for (var gx = gx0; gx <= gx1; gx++) {
        var cell = gy * G + gx;
        for (var j = cellStart[cell]; j < cellStart[cell + 1]; j++) {
          var v = cellItems[j], dx = X[v] - wx, dy = Y[v] - wy, dd = dx * dx + dy * dy;
          // Collectors win ties with the meters around them.
          if (dd < bestD || (dd === bestD && kind[v] === COLLECTOR)) { best = v; bestD = dd; }
        }
      }
    }
    return best;
  }
  var HEX = '0123456789ABCDEF';
  function tankHex(v) {
    var row = tankRow[v];
    if (row < 0) return null;
    var parts = [], base = row * P.stride, shown = Math.min(P.stride, 96);
    for (var b = 0; b < shown; b++) {
      var x = tanks[base + b];
      parts.push(HEX[x >> 4] + HEX[x & 15]);
    }
    return parts.join(' ') + (shown < P.stride ? ' \u2026 (' + P.stride + ' bytes)' : '');
  }
  function line(label, value) {
    var div = document.createElement('div');
    if (label) {
      var b = document.createElement('b');
      b.textContent = label + ' ';
      div.appendChild(b);
    }
    div.appendChild(document.createTextNode(value));
    return div;
  }
  function show(v, px, py) {
    octx.setTransform(1, 0, 0, 1, 0, 0);
    octx.clearRect(0, 0, overlay.width, overlay.height);
    if (v < 0) {
      tip.hidden = true;
      tip.removeAttribute('data-id');
      return;
    }
    var cx = sx(X[v]) * dpr, cy = sy(Y[v]) * dpr;
    octx.beginPath();
    octx.arc(cx, cy, 7 * dpr, 0, 2 * Math.PI);
    octx.lineWidth = 2 * dpr;
    octx.strokeStyle = '#000';
    octx.stroke();
    tip.textContent = '';
    tip.appendChild(line('', ids[v]));
    tip.firstChild.className = 'map-tip-id';
    tip.appendChild(line('kind', P.kinds[kind[v]] + ' \u00b7 ' + P.models[model[v]]));
    var c = collector[v];
    var via = c >= 0 ? ' \u00b7 collector ' + ids[c] : '';
    tip.appendChild(line('layer', (layer[v] < 0 ? 'no route' : String(layer[v])) + via));
    tip.appendChild(line('versions', P.versions[version[v]] || 'unknown'));
    var st = P.statuses[status[v]];
    var row = tankRow[v];
    if (row >= 0) {
      var left = ' (' + missing[v] + ' of ' + P.packets + ' packets missing)';
      tip.appendChild(line('status', st + ' \u00b7 tank ' + tankPct[v] + '%' + left));
      var t = completion[v];
      var done = 'not complete';
      if (t === t) {
        done = '+' + duration(t) + ' after the first packet';
        done += ' (version ' + P.pendingVersion + ' pending activation)';
      }
      tip.appendChild(line('completed', done));
      var hex = line('tank', tankHex(v));
      hex.className = 'map-tip-tank';
      tip.appendChild(hex);
    } else tip.appendChild(line('status', st));
    tip.setAttribute('data-id', ids[v]);
    tip.hidden = false;
    var r = tip.getBoundingClientRect();
    tip.style.left = Math.min(px + 14, W - r.width - 4) + 'px';
    tip.style.top = (py + 14 + r.height > H ? Math.max(0, py - r.height - 10) : py + 14) + 'px';
  }

  // ---- controls -------------------------------------------------------------------------
  var legendEl = root.querySelector('.map-legend');
  function setMode(m) {
    mode = m;
    paint = colouring(m);
    legendEl.textContent = '';
    paint.legend.forEach(function (entry) {
      var item = document.createElement('span');
      var sw = document.createElement('i');
      sw.style.background = entry[0];
      item.appendChild(sw);
      item.appendChild(document.createTextNode(entry[1]));
      legendEl.appendChild(item);
    });
    render();
  }
  var colourSelect = root.querySelector('select.map-colour');
  var linkSelect = root.querySelector('select.map-links');
  if (!links) linkSelect.querySelector('option[value="all"]').disabled = true;
  linkSelect.value = linkMode;
  colourSelect.addEventListener('change', function () { setMode(colourSelect.value); });
  linkSelect.addEventListener('change', function () { linkMode = linkSelect.value; render(); });
  root.querySelector('button.map-reset').addEventListener('click', function () { fit(); render(); });
  var find = root.querySelector('input.map-find');
  find.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter') return;
    var v = ids.indexOf(find.value.trim());
    find.classList.toggle('map-find-missing', v < 0);
    if (v < 0) return;
    scale = Math.max(scale, (20 * Math.min(W / spanX, H / spanY)));
    ox = X[v] - W / 2 / scale;
    oy = Y[v] + H / 2 / scale;
    render();
    show(v, W / 2, H / 2);
  });
  var drag = null;
  overlay.addEventListener('pointerdown', function (e) {
    drag = { x: e.clientX, y: e.clientY, ox: ox, oy: oy };
    overlay.setPointerCapture(e.pointerId);
  });
  overlay.addEventListener('pointerup', function () { drag = null; });
  overlay.addEventListener('pointermove', function (e) {
    var r = overlay.getBoundingClientRect(), px = e.clientX - r.left, py = e.clientY - r.top;
    if (drag) {
      ox = drag.ox - (e.clientX - drag.x) / scale;
      oy = drag.oy + (e.clientY - drag.y) / scale;
      show(-1);
      moved();
      return;
    }
    show(nearest(px, py), px, py);
  });
  overlay.addEventListener('pointerleave', function () { if (!drag) show(-1); });
  overlay.addEventListener('wheel', function (e) {
    e.preventDefault();
    var r = overlay.getBoundingClientRect(), px = e.clientX - r.left, py = e.clientY - r.top;
    var wx = ox + px / scale, wy = oy - py / scale;
    scale *= Math.pow(1.0015, -e.deltaY);
    ox = wx - px / scale;
    oy = wy + py / scale;
    show(-1);
    moved();
  }, { passive: false });
  window.addEventListener('resize', function () { resize(); fit(); render(); });

  window.meshcastMap = {
    count: n,
    screenOf: function (id) {
      var v = ids.indexOf(id);
      if (v < 0) return null;
      var r = overlay.getBoundingClientRect();
      return { x: r.left + sx(X[v]), y: r.top + sy(Y[v]) };
    },
    render: render
  };
  resize();
  fit();
  setMode(colourSelect.value || mode);
  root.setAttribute('data-ready-ms', String(Math.round(performance.now())));
  root.setAttribute('data-ready', 'true');
})();`;
