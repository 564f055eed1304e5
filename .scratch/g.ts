import { generate } from "../src/generate.js";
const script = { path: "globals.ts", text: "function square(x: number): number {\n  return x * x;\n}\n" };
const module = { path: "uses.ts", text: "export function f(x: number): number {\n  return square(x);\n}\n" };
console.log(JSON.stringify((await generate([module])).diagnostics.map(d => d.message)));
console.log(JSON.stringify((await generate([script, module])).diagnostics.map(d => d.message)), (await generate([script, module])).outputs.length);
