/**
 * An error of a CloudFormation API call, as the awsQuery protocol reports it: its code (for
 * example `ValidationError`, `AlreadyExistsException`, `AccessDenied`) and message.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html
 */
export class CloudFormationError extends Error {
  constructor(public readonly code: string, message: string, public readonly httpStatus = 400) {
    super(message);
    this.name = code;
  }
}
