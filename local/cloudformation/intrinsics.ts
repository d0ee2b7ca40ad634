/**
 * Resolves the intrinsic functions and pseudo parameters CDK emits, the way CloudFormation does
 * when it provisions a resource:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 * and https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html.
 * Supported: Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::If (with Conditions:
 * Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition), Fn::Base64, AWS::NoValue. Anything else
 * (Fn::ImportValue, Fn::FindInMap, Fn::GetAZs, ...) is a clear error.
 */

/** What resolution reads from the stack at the moment it runs. */
export interface ResolutionContext {
  /** Parameter values and pseudo parameters, by name. */
  readonly values: Record<string, unknown>;
  /** The physical id of a provisioned resource (what Ref returns), or undefined if it has none yet. */
  readonly ref: (logicalId: string) => string | undefined;
  /** An attribute of a provisioned resource. */
  readonly getAtt: (logicalId: string, attribute: string) => unknown;
  /** The value of a template condition. */
  readonly condition: (name: string) => boolean;
}

/** Marks a property to remove (AWS::NoValue). */
const NO_VALUE = Symbol('AWS::NoValue');

/** Resolves `value` fully; throws a clear error on what it cannot resolve. */
export function resolve(value: unknown, context: ResolutionContext): unknown {
  const resolved = resolveValue(value, context);
  return resolved === NO_VALUE ? undefined : resolved;
}

function resolveValue(value: unknown, context: ResolutionContext): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => resolveValue(v, context)).filter((v) => v !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value);
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
    return intrinsic(entries[0][0], entries[0][1], context);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    const resolved = resolveValue(v, context);
    if (resolved !== NO_VALUE) {
      out[key] = resolved;
    }
  }
  return out;
}

function intrinsic(name: string, argument: unknown, context: ResolutionContext): unknown {
  switch (name) {
    case 'Ref':
      return ref(String(argument), context);
    case 'Fn::GetAtt': {
      const [logicalId, ...attribute] = Array.isArray(argument) ? argument.map(String) : String(argument).split('.');
      return getAtt(logicalId, attribute.join('.'), context);
    }
    case 'Fn::Join': {
      const [separator, items] = expectArray(name, argument, 2);
      return (resolveValue(items, context) as unknown[]).map(String).join(String(separator));
    }
    case 'Fn::Sub':
      return sub(argument, context);
    case 'Fn::Select': {
      const [index, items] = expectArray(name, argument, 2);
      const list = resolveValue(items, context) as unknown[];
      const i = Number(resolveValue(index, context));
      if (!Array.isArray(list) || !(i >= 0 && i < list.length)) {
        throw new Error(`Template error: Fn::Select cannot select index ${i} of ${JSON.stringify(list)}`);
      }
      return list[i];
    }
    case 'Fn::Split': {
      const [separator, source] = expectArray(name, argument, 2);
      return String(resolveValue(source, context)).split(String(separator));
    }
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = expectArray(name, argument, 3);
      return resolveValue(context.condition(String(condition)) ? whenTrue : whenFalse, context);
    }
    case 'Fn::Base64':
      return Buffer.from(String(resolveValue(argument, context))).toString('base64');
    case 'Fn::Equals': case 'Fn::Not': case 'Fn::And': case 'Fn::Or':
      return evaluateCondition({ [name]: argument }, context);
    default:
      throw new Error(`Template error: the local engine does not support ${name}`);
  }
}

function ref(name: string, context: ResolutionContext): unknown {
  if (name === 'AWS::NoValue') {
    return NO_VALUE;
  }
  if (name in context.values) {
    return context.values[name];
  }
  const physicalId = context.ref(name);
  if (physicalId === undefined) {
    throw new Error(`Template error: instance of Fn::Ref references undefined resource ${name}`);
  }
  return physicalId;
}

function getAtt(logicalId: string, attribute: string, context: ResolutionContext): unknown {
  const value = context.getAtt(logicalId, attribute);
  if (value === undefined) {
    throw new Error(`Template error: resource ${logicalId} does not support attribute type ${attribute} in Fn::GetAtt`);
  }
  return value;
}

/** Fn::Sub: `${Name}`, `${Resource.Attribute}`, `${!Literal}`, and the variables map. */
function sub(argument: unknown, context: ResolutionContext): string {
  const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
  const resolvedVariables = resolveValue(variables, context) as Record<string, unknown>;
  return String(template).replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
    if (inner.startsWith('!')) {
      return `\${${inner.slice(1)}}`;
    }
    if (inner in resolvedVariables) {
      return String(resolvedVariables[inner]);
    }
    const dot = inner.indexOf('.');
    if (dot > 0 && !inner.startsWith('AWS::')) {
      return String(getAtt(inner.slice(0, dot), inner.slice(dot + 1), context));
    }
    return String(ref(inner, context));
  });
}

/** Evaluates a condition expression of the Conditions section. */
export function evaluateCondition(expression: unknown, context: ResolutionContext): boolean {
  const [[name, argument]] = Object.entries(expression as Record<string, unknown>);
  switch (name) {
    case 'Fn::Equals': {
      const [a, b] = expectArray(name, argument, 2).map((v) => resolveValue(v, context));
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      return !evaluateCondition(expectArray(name, argument, 1)[0], context);
    case 'Fn::And':
      return (argument as unknown[]).every((c) => evaluateCondition(c, context));
    case 'Fn::Or':
      return (argument as unknown[]).some((c) => evaluateCondition(c, context));
    case 'Condition':
      return context.condition(String(argument));
    default:
      throw new Error(`Template error: ${name} is not a condition function`);
  }
}

function expectArray(name: string, argument: unknown, length: number): unknown[] {
  if (!Array.isArray(argument) || argument.length !== length) {
    throw new Error(`Template error: ${name} takes a list of ${length} elements, got ${JSON.stringify(argument)}`);
  }
  return argument;
}
