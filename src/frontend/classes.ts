/**
 * Classes as the subset sees them. An instance of a class whose fields are
 * shapes is an object aggregate: its fields, in declaration order, are the
 * class's property declarations and its constructor's parameter properties
 * (`constructor(public x: number)`); methods and getters are code, not
 * fields. `new C(...)` runs the field initialisers and the constructor with
 * `this` a fresh aggregate, a method or getter is inlined with `this` the
 * receiver's aggregate, and a static method is a plain function. What the
 * check and lowering both ask of the syntax is here; the check is in
 * fence/classes.ts, the lowering in lower/classes.ts.
 */
import {
  ClassDeclaration, GetAccessorDeclaration, MethodDeclaration, Node, ParameterDeclaration, PropertyDeclaration, SyntaxKind, ts,
  type NewExpression, type Symbol as TsSymbol, type Type as TsType,
} from "ts-morph";
import type { ClassMember } from "./functions.js";

/** The class declaration an instance type is of (a class of the project, not a library's). */
export function classOf(t: TsType): ClassDeclaration | undefined {
  const decl = (t.getSymbol() ?? t.getAliasSymbol())?.getDeclarations().find((d) => Node.isClassDeclaration(d));
  return decl && Node.isClassDeclaration(decl) && !decl.getSourceFile().isDeclarationFile() ? decl : undefined;
}

/** The type `this` stands for in a class's code: the class's instance type. */
export function instanceType(t: TsType): TsType {
  return t.isTypeParameter() && (t.compilerType as ts.TypeParameter & { isThisType?: boolean }).isThisType ? t.getApparentType() : t;
}

/** A field of a class: a property declaration, or a parameter property of its constructor. */
export type FieldDeclaration = PropertyDeclaration | ParameterDeclaration;

/** The instance fields of a class, in declaration order (a constructor's parameter properties where the constructor is). */
export function instanceFields(cls: ClassDeclaration): FieldDeclaration[] {
  const fields: FieldDeclaration[] = [];
  for (const member of cls.getMembers()) {
    if (Node.isPropertyDeclaration(member) && !member.isStatic()) fields.push(member);
    else if (Node.isConstructorDeclaration(member) && member.hasBody()) fields.push(...member.getParameters().filter((p) => p.isParameterProperty()));
  }
  return fields;
}

/** The field symbols of an instance type of `cls`, in declaration order; undefined when the class is outside the subset. */
export function instanceProperties(t: TsType, cls: ClassDeclaration): TsSymbol[] | undefined {
  if (classProblem(cls)) return undefined;
  const symbols = instanceFields(cls).map((f) => t.getProperty(f.getName()));
  return symbols.every((s): s is TsSymbol => s !== undefined) ? symbols : undefined;
}

/**
 * Why a class cannot be taken apart into its fields, with the node to point
 * at and what to write instead; undefined when it can.
 */
export function classProblem(cls: ClassDeclaration): { node: Node; message: string } | undefined {
  const name = cls.getName() ?? "(anonymous class)";
  const base = cls.getExtends();
  if (base) {
    return { node: base, message: `class '${name}' extends '${base.getText()}'; classes that extend another are not supported: give '${name}' the fields and methods it needs itself, or hold a '${base.getExpression().getText()}' in a field` };
  }
  if (cls.getTypeParameters().length) return { node: cls.getTypeParameters()[0]!, message: `generic classes are not supported: give '${name}''s fields their types` };
  for (const member of cls.getMembers()) {
    const memberName = (member as Node & { getName?(): string }).getName?.();
    if (memberName?.startsWith("#")) {
      return { node: member, message: `'${memberName}' is a private '#' member, which adgen cannot take apart; write 'private ${memberName.slice(1)}' instead` };
    }
    if (Node.isSetAccessorDeclaration(member)) {
      return { node: member, message: `setter '${member.getName()}' is not supported; write a method ('set${capitalised(member.getName())}(v: number)') or assign the field` };
    }
    if (Node.isIndexSignatureDeclaration(member)) return { node: member, message: "index signatures in classes are not supported; declare each field" };
  }
  return undefined;
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The class a `new C(...)` makes, when `C` is a class of the project. */
export function constructedClass(e: NewExpression): ClassDeclaration | undefined {
  let symbol = e.getExpression().getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol;
  const decl = symbol?.getDeclarations().find((d) => Node.isClassDeclaration(d));
  return decl && Node.isClassDeclaration(decl) && !decl.getSourceFile().isDeclarationFile() ? decl : undefined;
}

/** The constructor of a class that has one with a body. */
export function constructorOf(cls: ClassDeclaration): ClassMember | undefined {
  return cls.getConstructors().find((c) => c.hasBody());
}

/** The member `e.name` of a class names: a method (instance or static) or getter, when it is one. */
function memberOf(e: Node): Node | undefined {
  if (!Node.isPropertyAccessExpression(e)) return undefined;
  const decl = e.getNameNode().getSymbol()?.getDeclarations()[0];
  return decl && decl.getParentIfKind(SyntaxKind.ClassDeclaration) ? decl : undefined;
}

/** The method a callee `v.add` or `Vec3.from` names, if it is a method of a class of the project. */
export function methodOf(callee: Node): MethodDeclaration | undefined {
  const decl = memberOf(callee);
  return decl && Node.isMethodDeclaration(decl) && !decl.getSourceFile().isDeclarationFile() ? decl : undefined;
}

/** The getter `v.length` reads, if it is one of a class of the project. */
export function getterOf(e: Node): GetAccessorDeclaration | undefined {
  const decl = memberOf(e);
  return decl && Node.isGetAccessorDeclaration(decl) && !decl.getSourceFile().isDeclarationFile() ? decl : undefined;
}

/**
 * The member whose `this` a `this` keyword is: the method, getter or
 * constructor it is written in (through arrow functions, which share their
 * `this`), or the class for a field initialiser; undefined outside a class
 * and in static members.
 */
export function thisOwner(node: Node): ClassMember | ClassDeclaration | undefined {
  for (let a = node.getParent(); a; a = a.getParent()) {
    if (Node.isArrowFunction(a)) continue;
    if (Node.isMethodDeclaration(a) || Node.isGetAccessorDeclaration(a)) return a.isStatic() ? undefined : a;
    if (Node.isConstructorDeclaration(a)) return a;
    if (Node.isPropertyDeclaration(a)) return !a.isStatic() && Node.isClassDeclaration(a.getParent()) ? a.getParent() as ClassDeclaration : undefined;
    if (Node.isFunctionDeclaration(a) || Node.isFunctionExpression(a) || Node.isClassDeclaration(a) || Node.isSourceFile(a)) return undefined;
  }
  return undefined;
}

/** Whether a method, getter or constructor has a receiver (`this`): all but static methods. */
export function hasReceiver(fn: Node): boolean {
  return Node.isConstructorDeclaration(fn) || ((Node.isMethodDeclaration(fn) || Node.isGetAccessorDeclaration(fn)) && !fn.isStatic());
}

/** `this.field = ...` written in a constructor (where a field holding an object may be given its object). */
export function constructorFieldTarget(target: Node): boolean {
  return Node.isPropertyAccessExpression(target) && Node.isThisExpression(target.getExpression())
    && Node.isConstructorDeclaration(thisOwner(target.getExpression()));
}

/** The name of a differentiated method's receiver in its gradient's API: `self`, or `self_1`, ... when a parameter has that name. */
export function receiverName(member: ClassMember): string {
  const taken = new Set(member.getParameters().map((p) => p.getName()));
  let name = "self";
  for (let i = 1; taken.has(name); i++) name = `self_${i}`;
  return name;
}
