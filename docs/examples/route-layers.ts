import { generators } from 'meshcast';

// Layers are the hops of each device's route of fewest expected transmissions (docs/model.md,
// "The network"): on the default utility links are good and Max. Layers are 8–10; with 4 km cells
// and path-loss exponent 3.6 some links are poor, routes avoid them and go deeper.
const lossy = { endpointsPerCollector: 1500, cellSideM: 4000, pathLoss: { exponent: 3.6 } };
for (const [name, options] of [
  ['default', {}],
  ['lossy', lossy],
] as const) {
  const mesh = generators.utilityMesh({ seed: 1, ...options });
  let unrouted = 0;
  for (let v = 0; v < mesh.n; v++) if (mesh.relays[v] === 1 && mesh.layer[v] === -1) unrouted++;
  const layers = [...mesh.maxLayer].map(([c, l]) => `${c} ${l}`).join(', ');
  console.log(`${name}: Max. Layer ${layers}; ${unrouted} mesh devices without a route`);
}
