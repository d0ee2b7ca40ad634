/**
 * Errors as the service reports them: a name, an HTTP status and whether the Rekognition model
 * defines it or the AWS request framework (Coral) raises it before Rekognition sees the call.
 */

/** HTTP status per error name, from the API references (note: ThrottlingException is 500). */
const HTTP_STATUS: Readonly<Record<string, number>> = {
  AccessDeniedException: 400,
  InternalServerError: 500,
  InvalidParameterException: 400,
  LimitExceededException: 400,
  ProvisionedThroughputExceededException: 400,
  ResourceInUseException: 400,
  ResourceNotFoundException: 400,
  ServiceQuotaExceededException: 400,
  ThrottlingException: 500,
  ValidationException: 400,
};

/** Errors the framework raises; AWS names them with the Coral namespace in `__type`. */
const FRAMEWORK_ERRORS = new Set([
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'MissingAuthenticationTokenException',
  'SerializationException',
  'UnknownOperationException',
]);

/** A failed call, thrown by any layer and turned into an error response by the protocol. */
export class ServiceError extends Error {
  readonly httpStatus: number;
  /** True for errors of the AWS request framework rather than of Rekognition itself. */
  readonly framework: boolean;

  constructor(readonly code: string, message: string) {
    super(message);
    this.name = code;
    this.framework = FRAMEWORK_ERRORS.has(code);
    this.httpStatus = HTTP_STATUS[code] ?? 400;
  }
}
