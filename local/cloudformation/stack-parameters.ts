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
