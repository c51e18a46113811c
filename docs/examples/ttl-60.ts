import { generators, runBroadcast } from 'meshcast';

// Maximum TTL 60 s or 300 s on the default utility (docs/model.md, "Maximum TTL"): a packet from
// all four collectors reaches its last meter within about 20 s of being sent, so at 70 s pacing the
// two give the same run.
const mesh = generators.utilityMesh({ seed: 1 });
const spec = { origins: 'all', packets: 20, maxHops: 40, targets: { kinds: ['meter'] } } as const;
const short = runBroadcast(mesh, { ...spec, ttlS: 60 }, { seed: 1 });
const long = runBroadcast(mesh, { ...spec, ttlS: 300 }, { seed: 1 });
const one = runBroadcast(mesh, { ...spec, ttlS: 300, packets: 1 }, { seed: 1 }).completion;
console.log(`one packet: half the meters within ${one.p50S!.toFixed(1)} s, the last at ${one.maxS!.toFixed(1)} s`);
if (JSON.stringify(short.stats) !== JSON.stringify(long.stats) || short.coverage !== long.coverage)
  throw new Error('TTL 60 s and 300 s give the same run here');
