/**
 * Round trips (register reads, two-way commands): the collector's request goes down the
 * reverse of the meter's route and the meter's response comes back up it. The route is walked
 * from the meter each time a hop needs it (routes are a dozen hops at most), so a request
 * carries only its position, and nothing is allocated per request.
 * @module
 */

/**
 * Nodes on a meter's route, the meter and the route's end (its collector) included.
 * @param route - next hop of each node, -1 at the end (the mesh's `route`)
 */
export function routeLength(route: Int32Array, meter: number): number {
  let nodes = 1;
  for (let u = meter; route[u]! >= 0; u = route[u]!) nodes++;
  return nodes;
}

/**
 * The node `k` hops up a meter's route (0: the meter itself), for `k` below its
 * {@link routeLength}.
 * @param route - next hop of each node (the mesh's `route`)
 */
export function nodeOnRoute(route: Int32Array, meter: number, k: number): number {
  let u = meter;
  for (let i = 0; i < k; i++) u = route[u]!;
  return u;
}
