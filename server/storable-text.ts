/**
 * What PostgreSQL can store. `text` refuses NUL (22021); `jsonb` refuses NUL and unpaired UTF-16
 * surrogates (22P05), and very deep nesting costs its parser (and ours) a stack frame a level.
 * Every string from a client that reaches the database goes through one of these checks, so such
 * input is a 400 naming the field instead of a 500 from the database.
 */
import { z } from 'zod';

/** Deepest JSON (objects and arrays, the outermost counting as 1) that imports and model bundles may hold. */
export const MAX_JSON_DEPTH = 64;

const NUL = /\0/;
// With the u flag a surrogate pair is one code point; only an unpaired half is in \p{Cs}.
const LONE_SURROGATE = /\p{Cs}/u;
const NUL_PROBLEM = 'contains a NUL character (\\u0000)';
const SURROGATE_PROBLEM = 'contains an unpaired UTF-16 surrogate';

/** Why Postgres could not store this string, or undefined when it can. */
export function findUnstorableString(value: string): string | undefined {
  if (NUL.test(value)) return NUL_PROBLEM;
  if (LONE_SURROGATE.test(value)) return SURROGATE_PROBLEM;
  return undefined;
}

interface Visit {
  value: unknown;
  depth: number;
  key: string | number | undefined;
  parent: Visit | undefined;
}

/**
 * Why Postgres could not store this JSON value, naming where in it: a string or key with NUL or an
 * unpaired surrogate (`"metrics.notes[2]" contains a NUL character (\u0000)`), or nesting deeper than
 * `maxDepth` (`"m" is nested more than 64 levels deep`); undefined when it can. Walks without
 * recursion, so any depth JSON.parse accepts is safe here.
 */
export function findUnstorableJson(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: Visit[] = [{ value, depth: 0, key: undefined, parent: undefined }];
  for (let visit = stack.pop(); visit !== undefined; visit = stack.pop()) {
    if (typeof visit.value === 'string') {
      const problem = findUnstorableString(visit.value);
      if (problem) return visit.parent ? `"${pathOf(visit)}" ${problem}` : problem;
      continue;
    }
    if (typeof visit.value !== 'object' || visit.value === null) continue;
    const depth = visit.depth + 1;
    if (depth > maxDepth) return `${visit.parent ? `"${pathOf(outermost(visit))}" is ` : ''}nested more than ${maxDepth} levels deep`;
    const isArray = Array.isArray(visit.value);
    for (const [key, item] of Object.entries(visit.value)) {
      const problem = findUnstorableString(key);
      if (problem) return `a key ${visit.parent ? `in "${pathOf(visit)}" ` : ''}${problem}`;
      stack.push({ value: item, depth, key: isArray ? Number(key) : key, parent: visit });
    }
  }
  return undefined;
}

/** `a.b[2].c`: where a visit sits in the value the walk started from. */
function pathOf(visit: Visit): string {
  let path = '';
  for (let v: Visit | undefined = visit; v?.parent !== undefined; v = v.parent) {
    path = typeof v.key === 'number' ? `[${v.key}]${path}` : `${v.parent.parent === undefined ? '' : '.'}${v.key}${path}`;
  }
  return path;
}

/** The top-level member a visit is inside: a path 64 levels long would say less than its start. */
function outermost(visit: Visit): Visit {
  let v = visit;
  while (v.parent?.parent !== undefined) v = v.parent;
  return v;
}

/**
 * A z.string() that Postgres can store: refuses NUL and unpaired surrogates with a message naming
 * `field` (e.g. "the project name"). Chain `.trim()`, `.min()`, `.max()` as on any z.string().
 */
export function storableText(field: string): z.ZodString {
  return z.string().regex(/^[^\0]*$/, `${field} ${NUL_PROBLEM}`).regex(/^\P{Cs}*$/u, `${field} ${SURROGATE_PROBLEM}`);
}

/** `name` without control characters and with unpaired surrogates made U+FFFD: for names a client cannot easily change, like an upload's file name. */
export function toStorableName(name: string): string {
  return name.replace(/\p{Cs}/gu, '\uFFFD').replace(/\p{Cc}/gu, '');
}
