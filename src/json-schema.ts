/**
 * Fragments of JSON Schema (draft 2020-12) the published schemas share.
 * @module
 */
/** A probability or share. */
export const probability = { type: 'number', minimum: 0, maximum: 1 } as const;
/** A number > 0. */
export const positive = { type: 'number', exclusiveMinimum: 0 } as const;
/** A number >= 0. */
export const nonNegative = { type: 'number', minimum: 0 } as const;
/** An integer in min..max. */
export const count = (min: number, max = 10_000_000): object => ({ type: 'integer', minimum: min, maximum: max });
/** A root seed. */
export const seed = { type: ['integer', 'string'], description: 'Root seed: an integer or a string.' } as const;
