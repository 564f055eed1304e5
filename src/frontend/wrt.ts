/** The `@wrt a, b` JSDoc tag: which parameters a gradient is taken with respect to. */

import { functionName, isClassMember, jsDocsOf, type FunctionLike } from "./functions.js";
import { hasReceiver, receiverName } from "./classes.js";
import { Codes, DiagnosticError, type Diagnostic } from "../diagnostics.js";
import { shapeOf } from "./shape.js";
import { diagnosticAt, valueType } from "./source.js";

/** The parameter names the tag lists (in parameter order), or undefined when there is no tag. */
export function explicitWrt(displayPath: string, fn: FunctionLike): string[] | undefined {
  const tags = jsDocsOf(fn).flatMap((doc) => doc.getTags()).filter((t) => t.getTagName() === "wrt");
  if (tags.length === 0) return undefined;
  const diagnostics: Diagnostic[] = [];
  const names = new Set<string>();
  const receiver = isClassMember(fn) && hasReceiver(fn) ? receiverName(fn) : undefined;
  for (const tag of tags) {
    const text = tag.getCommentText() ?? "";
    const listed = text.split(/[\s,]+/).filter(Boolean);
    if (listed.length === 0) {
      diagnostics.push(diagnosticAt(displayPath, tag, Codes.BadWrt, "'@wrt' needs parameter names, e.g. '@wrt w, b'"));
    }
    for (const name of listed) {
      const param = fn.getParameter(name);
      if (!param && receiver === name) {
        names.add(name); // a method's receiver (`@wrt self`)
      } else if (!param) {
        diagnostics.push(diagnosticAt(displayPath, tag, Codes.BadWrt, `'@wrt' names '${name}', which is not a parameter of '${functionName(fn)}'`));
      } else if (!shapeOf(param.getType(), param) || valueType(param.getType()) === "bool") {
        diagnostics.push(diagnosticAt(displayPath, tag, Codes.BadWrt,
          `'@wrt' names '${name}', of type '${param.getType().getText(param)}', which cannot carry a derivative`));
      } else {
        names.add(name);
      }
    }
  }
  if (diagnostics.length) throw new DiagnosticError(diagnostics);
  return [...(receiver ? [receiver] : []), ...fn.getParameters().map((p) => p.getName())].filter((n) => names.has(n));
}

