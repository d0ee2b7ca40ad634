/**
 * Reads a SigV4 Authorization header (`AWS4-HMAC-SHA256 Credential=key/date/region/service/aws4_request,
 * SignedHeaders=..., Signature=...`) for the local stand-ins: who signed, for which region and
 * service. Signatures are never checked: the stand-ins do not know the secrets.
 */

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** The header's algorithm and its `name=value` fields. */
interface SigV4Authorization {
  readonly algorithm: string;
  readonly fields: ReadonlyMap<string, string>;
}

/** The five parts of a Credential. */
interface CredentialScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
}

export function readAuthorization(header: string): SigV4Authorization {
  const [algorithm, ...rest] = header.trim().split(/\s+/);
  const fields = new Map<string, string>();
  for (const part of rest.join('').split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) {
      fields.set(part.slice(0, eq), part.slice(eq + 1));
    }
  }
  return { algorithm, fields };
}

/** The parts of a Credential value, or undefined unless it has five non-empty ones. */
export function credentialScope(credential: string): CredentialScope | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((p) => p === '')) {
    return undefined;
  }
  const [accessKeyId, date, region, service, terminator] = parts;
  return { accessKeyId, date, region, service, terminator };
}

/** The credential scope of a SigV4 Authorization header, or undefined when it is not one. */
export function signingScope(header: string | undefined): CredentialScope | undefined {
  const authorization = header === undefined ? undefined : readAuthorization(header);
  const credential = authorization?.algorithm === SIGV4_ALGORITHM ? authorization.fields.get('Credential') : undefined;
  return credential === undefined ? undefined : credentialScope(credential);
}
