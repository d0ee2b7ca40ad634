import * as path from 'path';

/**
 * The self-signed certificate (and its key) the local response endpoint serves HTTPS with, for
 * 127.0.0.1 and localhost. A TEST-ONLY key, committed on purpose (see README.md here): it guards
 * nothing. Function processes trust it through NODE_EXTRA_CA_CERTS, which Lambda honours too.
 */
export const RESPONSE_ENDPOINT_CA_CERT = path.join(__dirname, 'response-endpoint-test-only.crt');
export const RESPONSE_ENDPOINT_KEY = path.join(__dirname, 'response-endpoint-test-only.key');
