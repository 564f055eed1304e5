/** Parameter names of a function read from its source text, which is how `gradcheck` maps grad keys to arguments. */

const IDENTIFIER = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;

/**
 * The parameter names of `f`, from `f.toString()`: `function loss(w, b)`,
 * `(w, b) => ...` and `w => ...` forms with plain identifiers, as compiled
 * TypeScript prints them. Undefined when the text does not have that form
 * (destructuring, default values with calls, native functions). Minified code has other
 * names than the grad keys, so gradcheck must be given them then. A default
 * value without parentheses or commas (`radius = EARTH_RADIUS`) is read past.
 */
export function parameterNames(f: (...args: never[]) => unknown): string[] | undefined {
  const source = f.toString();
  if (/\{\s*\[native code\]\s*\}$/.test(source)) return undefined;
  const text = source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, "");
  const list = /^[^(=]*\(([^)]*)\)/.exec(text)?.[1] ?? /^\s*([\p{L}_$][\p{L}\p{N}_$]*)\s*=>/u.exec(text)?.[1];
  if (list === undefined) return undefined;
  const names = list.split(",").map((name) => name.split("=")[0]!.trim());
  if (names[names.length - 1] === "") names.pop();
  return names.every((name) => IDENTIFIER.test(name)) ? names : undefined;
}
