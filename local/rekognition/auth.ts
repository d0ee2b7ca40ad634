/**
 * SigV4 admission: the request must carry an `AWS4-HMAC-SHA256` Authorization header scoped to
 * the `rekognition` service. The signature itself is not checked (the simulator does not know the
 * secret); the scope is, because its region decides which models the caller can see.
 */
import { IncomingHttpHeaders } from 'http';
import { ServiceError } from './errors';
import { credentialScope, readAuthorization, SIGV4_ALGORITHM } from '../sigv4';

const SERVICE = 'rekognition';

/** Who signed the request, as the credential scope says. */
export interface SigningScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
}

/** Returns the signing scope of the request, or throws the error AWS answers an unsigned or mis-scoped request with. */
export function authenticate(headers: IncomingHttpHeaders): SigningScope {
  const header = headers.authorization;
  if (!header) {
    throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const { algorithm, fields } = readAuthorization(header);
  if (algorithm !== SIGV4_ALGORITHM) {
    throw new ServiceError('IncompleteSignatureException', `Unsupported Authorization Type: ${algorithm}`);
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    throw new ServiceError('IncompleteSignatureException', `Authorization header requires ${missing.map((m) => `'${m}'`).join(', ')} parameter(s). Authorization=${header}`);
  }
  if (!headers['x-amz-date'] && !headers.date) {
    throw new ServiceError('IncompleteSignatureException', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  const scope = credentialScope(fields.get('Credential')!);
  if (!scope) {
    throw new ServiceError('IncompleteSignatureException', `Credential should have 5 parts: key/date/region/service/aws4_request, got '${fields.get('Credential')}'.`);
  }
  const { accessKeyId, date, region, service, terminator } = scope;
  if (service !== SERVICE) {
    throw new ServiceError('InvalidSignatureException', `Credential should be scoped to correct service: '${SERVICE}'. `);
  }
  if (terminator !== 'aws4_request') {
    throw new ServiceError('InvalidSignatureException', `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `);
  }
  return { accessKeyId, date, region };
}
