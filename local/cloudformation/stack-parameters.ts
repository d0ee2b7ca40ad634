import { CloudFormationError } from './cloudformation-error';
import { Template } from './template';

/**
 * The parameter values of one operation: the given value, else the template's Default, else the
 * value in force before (an update), as CloudFormation's parameters
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html).
 * `AWS::SSM::Parameter::Value<...>` parameters hold an SSM parameter name and resolve to its
 * value from the local SSM parameters given (CDK's BootstrapVersion reads
 * `/cdk-bootstrap/hnb659fds/version`;
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html#aws-ssm-parameter-types).
 * The Rules section (CDK's CheckBootstrapVersion) is not evaluated: the local bootstrap version
 * is a current one, so the rule would pass.
 */
export function parameterValues(
  template: Template,
  given: Record<string, string>,
  previous: Record<string, string>,
  ssmParameters: Record<string, string>,
): Record<string, string> {
  const declared = template.Parameters ?? {};
  const unknown = Object.keys(given).filter((name) => !(name in declared));
  if (unknown.length > 0) {
    throw new CloudFormationError('ValidationError', `Parameters: [${unknown.join(', ')}] do not exist in the template`);
  }
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, parameter] of Object.entries(declared)) {
    const value = given[name] ?? (parameter.Default !== undefined ? String(parameter.Default) : previous[name]);
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    if (parameter.Type.startsWith('AWS::SSM::Parameter::Value<')) {
      if (!(value in ssmParameters)) {
        throw new CloudFormationError('ValidationError', `Unable to fetch parameters [${value}] from parameter store for this account.`);
      }
      values[name] = ssmParameters[value];
    } else {
      values[name] = value;
    }
  }
  if (missing.length > 0) {
    throw new CloudFormationError('ValidationError', `Parameters: [${missing.join(', ')}] must have values`);
  }
  return values;
}

/**
 * The inputs of an update whose `usePreviousValue` parameters keep the value the stack was given
 * before (UpdateStack's `Parameter.UsePreviousValue`: "During a stack update, use the existing
 * parameter value that the stack is using for a given parameter key",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Parameter.html). The value
 * kept is the input (an SSM parameter's name, not its value), so it is resolved again. A key the
 * previous stack did not have is refused, as CloudFormation refuses it.
 */
export function withPreviousValues(
  template: Template,
  given: Record<string, string>,
  usePreviousValue: readonly string[],
  previousInputs: Record<string, string>,
): Record<string, string> {
  const inputs = { ...given };
  for (const name of usePreviousValue) {
    if (name in given) {
      throw new CloudFormationError('ValidationError', `Invalid input for parameter key ${name}. Cannot specify usePreviousValue as true and non empty value for a parameter`);
    }
    if (!(name in previousInputs) || !(name in (template.Parameters ?? {}))) {
      throw new CloudFormationError('ValidationError', `Invalid input for parameter key ${name}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`);
    }
    inputs[name] = previousInputs[name];
  }
  return inputs;
}

/** The inputs in force for the parameters `template` declares: the given value, else the Default (what the next update's UsePreviousValue keeps). */
export function parameterInputs(template: Template, given: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(template.Parameters ?? {}).flatMap(([name, parameter]) => {
    const value = given[name] ?? (parameter.Default !== undefined ? String(parameter.Default) : undefined);
    return value === undefined ? [] : [[name, value]];
  }));
}
