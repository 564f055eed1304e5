/**
 * The point a function is explained at: the source's arguments (numbers,
 * booleans, arrays, tuples and objects) and the IR parameters they become
 * (a tuple or object parameter is one IR parameter per number or array).
 */
import type { Runtime } from "./evaluate.js";
import type { Func, Param } from "./pipeline.js";

/** How a parameter reads to the user: `x`, `model.w`, `p[0]`. */
export function parameterLabel(p: Param): string {
  if (!p.path) return p.name;
  const [head, ...rest] = p.path;
  return head + rest.map((k) => (/^\d+$/.test(k) ? `[${k}]` : `.${k}`)).join("");
}

/** The value at a path of keys inside a source argument. */
function at(value: unknown, keys: string[]): unknown {
  return keys.reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], value);
}

/** The leaf `path` of an argument; a leaf of an array of tuples or objects (`element`) as the array of that field of each element. */
function leafAt(value: unknown, path: string[], element: number | undefined): unknown {
  if (element === undefined) return at(value, path);
  const array = at(value, path.slice(0, element));
  return Array.isArray(array) ? array.map((e) => at(e, path.slice(element))) : undefined;
}

/** One runtime value per IR parameter, from the source's arguments. */
export function irArguments(f: Func, parameterNames: string[], args: unknown[]): Runtime[] {
  return f.params.map((p) => {
    const index = parameterNames.indexOf(p.path?.[0] ?? p.name);
    const value = leafAt(args[index], p.path?.slice(1) ?? [], p.element === undefined ? undefined : p.element - 1);
    if (value === undefined) throw new InputError(`no value for ${parameterLabel(p)}`);
    return value as Runtime;
  });
}

/** A parameter's entry in a generated `grad` object (`grad.x`, `grad.model.w`), if it has one. */
export function gradientEntry(grad: Record<string, unknown>, p: Param): unknown {
  // Whether an optional argument was passed (`k?: number`) is a boolean beside it, with no entry of its own.
  if (p.optional === "present") return undefined;
  return leafAt(grad, p.path ?? [p.name], p.element);
}

export class InputError extends Error {}

/**
 * `x=2,y=0.5,w=[1,2]` (values are JSON; a tuple or object argument as a
 * whole, `p=[1,2]`, `model={"w":[1],"b":0}`) -> the source arguments, the
 * unnamed ones taken from `fallback` (a sample) when there is one.
 */
export function parseAt(text: string, parameterNames: string[], fallback: unknown[] | undefined): unknown[] {
  const given = new Map<string, unknown>();
  for (const part of splitTopLevel(text)) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new InputError(`'${part}' in --at is not name=value`);
    const name = part.slice(0, eq).trim();
    if (!parameterNames.includes(name)) throw new InputError(`--at names '${name}', which is not a parameter (parameters: ${parameterNames.join(", ")})`);
    given.set(name, parseValue(part.slice(eq + 1).trim(), name));
  }
  return parameterNames.map((name, i) => {
    if (given.has(name)) return given.get(name);
    if (fallback) return fallback[i];
    throw new InputError(`--at gives no value for '${name}' and the source has no samples to take it from`);
  });
}

function parseValue(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const n = Number(text);
    if (text !== "" && !Number.isNaN(n)) return n;
    throw new InputError(`the value of '${name}' in --at is neither a number nor JSON: ${text}`);
  }
}

/** Splits at commas outside brackets and braces. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}
