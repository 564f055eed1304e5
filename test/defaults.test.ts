/**
 * The gradient's API keeps the source's default values: a call that leaves
 * out a defaulted argument gets the value and gradient of the function at
 * that default, exactly as the call with the default written out.
 */
import { expect, test } from "vitest";
import { haversine } from "../fixtures/defaults.js";
import { haversineGrad, haversineGradInto } from "../fixtures/defaults.grad.js";

test("left-out arguments take the source's default values", () => {
  const short = haversineGrad(0.9, 0.1, 0.8, 0.3);
  const written = haversineGrad(0.9, 0.1, 0.8, 0.3, 6371.0088, -2 * Math.PI);
  expect(Object.is(short.value, haversine(0.9, 0.1, 0.8, 0.3))).toBe(true);
  expect(short).toStrictEqual(written);
  // d/dradius at the default is the distance over the radius.
  expect(short.grad.radius).toBeCloseTo(short.value / 6371.0088, 12);
});

test("GradInto takes undefined for a default value", () => {
  const grad = { lat1: 0, lon1: 0, lat2: 0, lon2: 0, radius: 0, turn: 0 };
  const value = haversineGradInto(0.9, 0.1, 0.8, 0.3, undefined, undefined, grad);
  expect(value).toBe(haversine(0.9, 0.1, 0.8, 0.3));
  expect(grad).toStrictEqual(haversineGrad(0.9, 0.1, 0.8, 0.3).grad);
});
