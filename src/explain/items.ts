/**
 * What the picture shows of a trace: the primitive records in order, with
 * the taken branch of each `if` in place of the `if`, each loop as one item
 * holding its trips (the first `unroll` trips laid out in place), and,
 * when asked, each call of an inlined helper as one item holding its ops.
 */
import type { LoopRecord, PrimRecord, TraceRecord } from "./evaluate.js";
import type { FunctionScope, SourceLoc } from "./pipeline.js";

export type Item = PrimItem | LoopItem | HelperItem;

export interface PrimItem {
  kind: "prim";
  record: PrimRecord;
  /** For an op of an unrolled trip: "trip 2", or "trip 2.1" inside a nested loop. */
  trip?: string;
}

export interface LoopItem {
  kind: "loop";
  record: LoopRecord;
  /** The trips this item holds (all of them, or those after the unrolled ones). */
  firstTrip: number;
  trips: number;
  /** Every primitive record run inside it. */
  inner: PrimRecord[];
  trip?: string;
}

export interface HelperItem {
  kind: "helper";
  /** The helper function called. */
  name: string;
  items: Item[];
  inner: PrimRecord[];
}

export function flatten(records: TraceRecord[], unroll: number, trip?: string): Item[] {
  const items: Item[] = [];
  for (const r of records) {
    if (r.kind === "prim") items.push(trip ? { kind: "prim", record: r, trip } : { kind: "prim", record: r });
    else if (r.kind === "if") items.push(...flatten(r.records, unroll, trip));
    else items.push(...loopItems(r, unroll, trip));
  }
  return items;
}

function loopItems(r: LoopRecord, unroll: number, trip: string | undefined): Item[] {
  const shown = Math.min(unroll, r.trips.length);
  const items: Item[] = [];
  for (let k = 0; k < shown; k++) items.push(...flatten(r.trips[k]!, unroll, trip ? `${trip}.${k + 1}` : `trip ${k + 1}`));
  if (shown === r.trips.length) return [...items, ...flatten(r.exit, unroll, trip)];
  const rest = [...r.trips.slice(shown).flat(), ...r.exit];
  items.push({ kind: "loop", record: r, firstTrip: shown, trips: r.trips.length - shown, inner: primsOf(rest), ...(trip ? { trip } : {}) });
  return items;
}

export function primsOf(records: TraceRecord[]): PrimRecord[] {
  const out: PrimRecord[] = [];
  const visit = (rs: TraceRecord[]): void => {
    for (const r of rs) {
      if (r.kind === "prim") out.push(r);
      else if (r.kind === "if") visit(r.records);
      else {
        for (const t of r.trips) visit(t);
        visit(r.exit);
      }
    }
  };
  visit(records);
  return out;
}

/** The primitive records an item stands for. */
export function innerOf(item: Item): PrimRecord[] {
  return item.kind === "prim" ? [item.record] : item.inner;
}

export function locOf(item: Item): SourceLoc | undefined {
  if (item.kind === "helper") return locOf(item.items[0]!);
  return item.record.op.loc;
}

type Position = { line: number; column: number };
const before = (a: Position, b: Position | undefined): boolean => !!b && (a.line < b.line || (a.line === b.line && a.column < b.column));
const within = (loc: SourceLoc, s: FunctionScope): boolean =>
  loc.file === s.file && !before(loc, s.start) && !before(s.end, loc);

/**
 * Groups the items that come from inlined helpers: one item per call of a
 * helper the function calls directly (what that helper calls stays inside
 * it). Calls are told apart by the order of the helper's statements: ops of
 * one call follow its statements forward, so going back to an earlier
 * statement starts another call, and so does an op of a caller that has run
 * none of its own ops yet, after its callee's, when it reads nothing the call
 * made (its first statement folded away: \`norm(x2 - x1, ...)\` with x1 = 0).
 * Two calls of a one-statement helper with nothing of the caller between
 * them cannot be told apart and share an item.
 */
export function groupHelpers(items: Item[], scopes: FunctionScope[], entry: FunctionScope | undefined): Item[] {
  const scopeOf = (item: Item) => {
    const loc = locOf(item);
    return loc ? scopes.find((s) => within(loc, s)) : undefined;
  };
  const out: Item[] = [];
  let group: { helper: HelperItem; stack: { name: string; pos?: Position }[] } | undefined;
  const close = () => {
    if (group) out.push(group.helper.items.length === 1 ? group.helper.items[0]! : group.helper);
    group = undefined;
  };
  for (const item of items) {
    const scope = scopeOf(item);
    const pos = locOf(item);
    if (!scope || !pos || scope === entry) {
      close();
      out.push(item);
      continue;
    }
    const made = group && new Set(group.helper.inner.map((r) => r.result));
    const readsCall = !!made && innerOf(item).some((r) => r.operands.some((o) => made.has(o)));
    if (group && !continues(group.stack, scope, pos, scopes, readsCall)) close();
    if (!group) {
      const chain = callChain(entry, scope, scopes);
      group = { helper: { kind: "helper", name: chain[0]!, items: [], inner: [] }, stack: chain.map((name) => ({ name })) };
      group.stack[group.stack.length - 1]!.pos = pos;
    }
    group.helper.items.push(item);
    group.helper.inner.push(...innerOf(item));
  }
  close();
  return out;
}

/** Whether an op of `scope` at `pos` belongs to the call on `stack`; updates the stack if it does. */
function continues(stack: { name: string; pos?: Position }[], scope: FunctionScope, pos: Position, scopes: FunctionScope[], readsCall: boolean): boolean {
  const d = stack.findIndex((f) => f.name === scope.name);
  if (d >= 0) {
    const fresh = stack[d]!.pos === undefined && d < stack.length - 1 && !readsCall;
    if (before(pos, stack[d]!.pos) || fresh) {
      if (d === 0) return false;
      stack.length = d;
      stack.push({ name: scope.name, pos });
      return true;
    }
    stack.length = d + 1;
    stack[d]!.pos = pos;
    return true;
  }
  for (let k = stack.length - 1; k >= 0; k--) {
    const path = callPath(stack[k]!.name, scope.name, scopes);
    if (path) {
      stack.length = k + 1;
      stack.push(...path.slice(1).map((name) => ({ name })));
      stack[stack.length - 1]!.pos = pos;
      return true;
    }
  }
  return false;
}

/** The names from `from` down to `to` through the static call graph (breadth first), if `from` reaches `to`. */
function callPath(from: string, to: string, scopes: FunctionScope[]): string[] | undefined {
  const seen = new Set<string>();
  const queue: string[][] = [[from]];
  while (queue.length) {
    const path = queue.shift()!;
    const last = path[path.length - 1]!;
    if (last === to && path.length > 1) return path;
    if (seen.has(last)) continue;
    seen.add(last);
    for (const c of scopes.find((s) => s.name === last)?.callees ?? []) queue.push([...path, c]);
  }
  return undefined;
}

/** The helpers from one the entry calls directly down to `scope` (by the static call graph). */
function callChain(entry: FunctionScope | undefined, scope: FunctionScope, scopes: FunctionScope[]): string[] {
  if (!entry || entry.callees.includes(scope.name)) return [scope.name];
  return callPath(entry.name, scope.name, scopes)?.slice(1) ?? [scope.name];
}
