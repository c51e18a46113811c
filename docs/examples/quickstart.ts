import { generators, runBroadcast } from 'meshcast';

// A synthetic utility: 2 collectors 4 km (2.5 miles) apart, 2,000 meters, gas and water modules.
const net = generators.utility({ collectors: 2, endpointsPerCollector: 1000, cellSideM: 4000, seed: 1 });

// One pass of a 120-packet image at the guide's settings (Maximum Hops = the collectors' Max.
// Layer + 1, Maximum TTL 60 s, a packet every 70 s), then a repeat pass for the gaps.
const spec = { origins: ['C1', 'C2'], packets: 120, spacingS: 70, maxHops: { maxLayerPlus: 1 }, ttlS: 60 };
const first = runBroadcast(net, spec, { seed: 42 });
const second = runBroadcast(net, spec, { seed: 42, previous: first });

console.log(`coverage ${(100 * first.coverage).toFixed(1)}% → ${(100 * second.coverage).toFixed(1)}%`);
console.log('by layer', first.layers.map((l) => `${l.layer}:${(100 * l.coverage).toFixed(0)}%`).join(' '));
console.log('M17 tank', first.tankHex('M17'), first.endpoint('M17').completedS);
console.log('traffic', first.stats.transmissions, 'frames,', first.stats.duplicates, 'duplicates');
if (second.coverage < first.coverage) throw new Error('a repeat pass never lowers coverage');
