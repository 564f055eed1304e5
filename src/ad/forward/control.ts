/**
 * Forward mode's rules for structured control flow. An `if` yields the
 * tangents of its varied results beside the results; a `while` or `repeat`
 * carries the tangents of its varied state as extra state. The condition
 * of a branch or loop is the primal's own, so the branch taken and the trip
 * count are those of the primal (a derivative at a jump is the one of the
 * side actually run). With several lanes, each carried value carries one
 * tangent per lane, lane by lane after the results.
 */
import { Structural, type Op, type Value } from "../../ir/types.js";
import type { ForwardSweep } from "./sweep.js";
import { loopFlows } from "./varied.js";

export function forwardIf(t: ForwardSweep, op: Op): void {
  const b = t.b;
  const carried = op.results.map((r, j) => (t.varied.has(r) ? j : -1)).filter((j) => j >= 0);
  const tangentTypes = t.eachLane(() => carried.map((j) => op.results[j]!.type)).flat();
  const copy = b.ifOp(t.get(op.operands[0]!), [...op.results.map((r) => r.type), ...tangentTypes]);
  op.regions.forEach((region, i) =>
    b.inRegion(copy.regions[i]!, () => {
      const end = t.region(region);
      b.loc = op.loc;
      b.reverse = op.reverse ?? false;
      const values = end.operands.map((v) => t.get(v));
      b.yield([...values, ...carriedTangents(t, carried, values)]);
    }));
  op.results.forEach((r, j) => t.link(r, copy.results[j]!));
  linkTangents(t, carried, op.results, op.results.map((r) => t.get(r)), copy.results.slice(op.results.length));
}

/** The tangents of the carried values among `values`, lane by lane (zero where a lane has none). */
function carriedTangents(t: ForwardSweep, carried: number[], values: Value[]): Value[] {
  return t.eachLane(() => carried.map((j) => t.tangentOrZero(values[j]!))).flat();
}

/** Records `tangents` (lane by lane, one per carried index) as the tangents of the copies of the carried `sources`. */
function linkTangents(t: ForwardSweep, carried: number[], sources: Value[], copies: Value[], tangents: Value[]): void {
  t.eachLane((lane) => carried.forEach((j, k) => t.setTangent(sources[j]!, copies[j]!, named(t, tangents[lane * carried.length + k]!, sources[j]!))));
}

/** A `while` (regions cond, body) or a `repeat` (operand count, region body): varied state carries its tangent. */
export function forwardLoop(t: ForwardSweep, op: Op): void {
  const b = t.b;
  const repeat = op.kind === Structural.Repeat;
  const flows = loopFlows(op);
  const carried = flows.map((s, j) => (t.varied.has(s.result) ? j : -1)).filter((j) => j >= 0);
  const init = flows.map((s) => t.get(s.init));
  const state = [...init, ...carriedTangents(t, carried, init)];
  const copy = repeat ? b.repeatOp(t.get(op.operands[0]!), state) : b.whileOp(state);
  const n = op.results.length;
  const linkState = (sources: Value[], copies: Value[]) => {
    sources.forEach((v, j) => t.link(v, copies[j]!));
    linkTangents(t, carried, sources, copies, copies.slice(n));
  };
  op.regions.forEach((region, i) => {
    const target = copy.regions[i]!;
    linkState(region.args, target.args);
    b.inRegion(target, () => {
      const end = t.region(region);
      b.loc = op.loc;
      b.reverse = op.reverse ?? false;
      const values = end.operands.map((v) => t.get(v));
      const isCond = !repeat && i === 0;
      b.yield(isCond ? values : [...values, ...carriedTangents(t, carried, values)]);
    });
  });
  linkState(op.results, copy.results);
  t.links.loopCopied(op, copy);
}

/** Names a carried tangent after the value it belongs to. */
function named(t: ForwardSweep, v: Value, like: Value): Value {
  v.name = t.tangentName(like);
  v.nameKind = "adjoint";
  return v;
}
