import type { EndpointTable } from '../endpoints.js';
import { mapPayload, MAP_MAX_LINKS } from '../map-data.js';
import { escapeHtml, scriptJson } from './shell.js';

const int = (x: number): string => Math.round(x).toLocaleString('en-US');

/**
 * The network map of a report page: its controls, the canvas stage with its tooltip, the legend,
 * and the devices' data for the page's map script (`MAP_SCRIPT`, which the page must carry).
 * @param table - every device of the run, as the map shows it
 */
export function mapSection(table: EndpointTable): string {
  const payload = mapPayload(table);
  const linksNote =
    payload.links === null
      ? `The network has ${int(payload.linkCount)} RF links (more than ${int(MAP_MAX_LINKS)}): the map draws each ` +
        'device\u2019s route to its collector instead.'
      : '';
  const layoutNote =
    payload.positions === 'layout'
      ? 'Device positions are not known: devices are drawn on rings by layer around their collector.'
      : '';
  return `<h2>Network map</h2>
<section id="map" data-devices="${table.mesh.n}">
<div class="map-controls">
<label>Colour by <select class="map-colour">
<option value="status" selected>status</option><option value="layer">layer</option>
<option value="tank">tank %</option><option value="completion">completion time</option>
</select></label>
<label>Links <select class="map-links">
<option value="routes">routes to collectors</option><option value="all">all RF links</option>
<option value="none">none</option>
</select></label>
<label>Find <input class="map-find" type="search" placeholder="device id" size="14"></label>
<button class="map-reset" type="button">Whole network</button>
</div>
<div class="map-stage"><canvas class="map-canvas"></canvas><canvas class="map-overlay"></canvas>
<div class="map-tip" hidden></div></div>
<div class="map-legend"></div>
<p class="note">Every device at its position (collectors: dark diamonds). Hover a device for its id, model, layer,
firmware versions, tank and completion; drag to pan, scroll to zoom.
${escapeHtml(linksNote)} ${escapeHtml(layoutNote)}</p>
</section>
<script type="application/json" id="map-data">${scriptJson(payload)}</script>`;
}
