/**
 * A copy of a typed array in a new one of `capacity` elements (the rest zero): how every
 * pooled structure of the engine grows.
 * @internal
 */
export function grown<T extends Int32Array | Float64Array | Uint8Array | Uint32Array>(a: T, capacity: number): T {
  const b = new (a.constructor as new (n: number) => T)(capacity);
  b.set(a);
  return b;
}
