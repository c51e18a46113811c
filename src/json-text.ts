/**
 * JSON text as meshcast reads it from files: a byte-order mark is skipped, a syntax error is
 * reported by line and column (never by quoting the text, which may hold anything a mistyped
 * path points at), and nesting deeper than any meshcast file needs is refused before any code
 * walks it recursively.
 * @module
 */
import { ValidationError } from './errors.js';

/** Deepest nesting of arrays and objects a meshcast JSON file may hold. */
export const MAX_JSON_DEPTH = 64;

/**
 * Parses JSON text from a file.
 * @param text - the file's text
 * @param file - how to name the file in errors (its path, or a field such as `network.file`)
 * @throws ValidationError naming the file and the line and column of a syntax error, or the
 *   nesting depth
 */
export function parseJsonText(text: string, file: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    const { offset, expected } = syntaxError(body);
    const { line, column } = lineColumn(body, offset);
    throw new ValidationError(file, `not JSON at line ${line}, column ${column}`, `valid JSON (${expected} there)`);
  }
  const depth = depthOf(value);
  if (depth > MAX_JSON_DEPTH) {
    throw new ValidationError(file, `JSON nested ${depth} deep`, `JSON nested at most ${MAX_JSON_DEPTH} deep`);
  }
  return value;
}

/** Line and column (both from 1) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** How deep arrays and objects nest in a parsed value (0 for a scalar), walked without recursion. */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const depth = d + 1;
    if (depth > deepest) deepest = depth;
    if (depth > MAX_JSON_DEPTH) return depth;
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push([x, depth]);
  }
  return deepest;
}

/**
 * Where JSON text first goes wrong, and what was expected there: a small scanner run only after
 * `JSON.parse` has failed (Node's own message quotes the text and gives no position).
 */
function syntaxError(text: string): { offset: number; expected: string } {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (expected: string): { offset: number; expected: string } => ({ offset: i, expected });
  // Containers open: 'a' an array, 'o' an object; after each value, what may follow.
  const open: ('a' | 'o')[] = [];
  for (;;) {
    ws();
    // A value.
    if (i >= n) return fail('a value');
    const c = text[i]!;
    if (c === '{' || c === '[') {
      open.push(c === '{' ? 'o' : 'a');
      i++;
      ws();
      if (text[i] === (c === '{' ? '}' : ']')) {
        open.pop();
        i++;
      } else if (c === '{') {
        const err = key();
        if (err !== null) return err;
        continue;
      } else continue;
    } else if (c === '"') {
      const err = string();
      if (err !== null) return err;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (m === null) return fail('a number');
      i += m[0].length;
    } else if (text.startsWith('true', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else if (text.startsWith('null', i)) i += 4;
    else return fail('a value');
    // What follows a value.
    for (;;) {
      ws();
      const top = open[open.length - 1];
      if (top === undefined) return i < n ? fail('the end of the text') : { offset: n, expected: 'nothing' };
      if (text[i] === ',') {
        i++;
        ws();
        if (top === 'o') {
          const err = key();
          if (err !== null) return err;
        }
        break;
      }
      if (text[i] === (top === 'o' ? '}' : ']')) {
        open.pop();
        i++;
        continue;
      }
      return fail(top === 'o' ? "',' or '}'" : "',' or ']'");
    }
  }

  /** An object key and its colon. */
  function key(): { offset: number; expected: string } | null {
    if (text[i] !== '"') return fail('a quoted key');
    const err = string();
    if (err !== null) return err;
    ws();
    if (text[i] !== ':') return fail("':'");
    i++;
    return null;
  }

  /** A string, from its opening quote. */
  function string(): { offset: number; expected: string } | null {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return null;
      }
      if (c < 32) return fail('a closing quote (control characters must be escaped)');
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail('four hex digits after \\u');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return fail('a valid escape');
      } else i++;
    }
    return fail('a closing quote');
  }
}
