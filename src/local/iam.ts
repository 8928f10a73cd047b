import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * ElastiCache IAM authentication: a user whose authentication mode is IAM does not have a
 * password; AUTH (or HELLO AUTH) carries a short-lived token instead, a SigV4-presigned
 * `GET http://<cacheId>/?Action=connect&User=<userId>` request for the `elasticache` service
 * (with `&ResourceType=ServerlessCache` for a serverless cache) whose `http://` prefix is removed.
 *
 * The local engine checks the token's form, its cache, user, scope and validity period, and,
 * when it is given the credentials the tokens are signed with, the signature itself (computed
 * here with node:crypto following the SigV4 specification; tokens are made by the SDK's signer).
 */

/** How an IAM user authenticates. */
export interface IamAuth {
  /** The replication group id or serverless cache name the tokens must name. */
  readonly cacheId: string;
  /** Serverless caches require `ResourceType=ServerlessCache` in the token. */
  readonly serverless?: boolean;
}

/** The credentials that sign tokens (the local engine's stand-in for IAM). */
export interface IamCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The longest validity ElastiCache accepts for a token: 15 minutes. */
export const IAM_TOKEN_MAX_EXPIRES_SECONDS = 900;
/** Tokens dated this far ahead of the server clock are not valid yet (AWS's clock skew allowance). */
export const IAM_TOKEN_MAX_SKEW_MS = 15 * 60 * 1000;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 'elasticache';
const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const KNOWN_PARAMS = new Set([
  'Action', 'User', 'ResourceType', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date',
  'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Security-Token', 'X-Amz-Signature',
]);

/** A token's parts. */
export interface IamToken {
  readonly host: string;
  /** Query parameters, decoded, in the order given. */
  readonly params: ReadonlyMap<string, string>;
  readonly accessKeyId: string;
  /** `yyyymmdd` of the credential scope. */
  readonly scopeDate: string;
  readonly region: string;
  /** Signing time (ms since the epoch). */
  readonly signedAt: number;
  readonly expiresSeconds: number;
  readonly signature: string;
}

/** Parses a token; returns the reason it is malformed as a string. */
export function parseIamToken(token: string): IamToken | string {
  const slash = token.indexOf('/?');
  if (slash <= 0) return 'not a presigned URL without its scheme (<cacheId>/?Action=connect&...)';
  const host = token.slice(0, slash);
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(host)) return `malformed host '${host}'`;
  const params = new Map<string, string>();
  for (const part of token.slice(slash + 2).split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return `malformed query parameter '${part}'`;
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(part.slice(0, eq));
      value = decodeURIComponent(part.slice(eq + 1));
    } catch {
      return `malformed query parameter '${part}'`;
    }
    if (!KNOWN_PARAMS.has(key)) return `unexpected query parameter '${key}'`;
    if (params.has(key)) return `duplicate query parameter '${key}'`;
    params.set(key, value);
  }
  for (const required of ['Action', 'User', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature']) {
    if (!params.has(required)) return `missing ${required}`;
  }
  const get = (k: string) => params.get(k) as string;
  if (get('Action') !== 'connect') return `Action must be connect, got '${get('Action')}'`;
  if (get('X-Amz-Algorithm') !== ALGORITHM) return `X-Amz-Algorithm must be ${ALGORITHM}`;
  if (get('X-Amz-SignedHeaders') !== 'host') return 'X-Amz-SignedHeaders must be host';
  const credential = get('X-Amz-Credential').split('/');
  if (credential.length !== 5 || credential[0] === '' || credential[2] === '') return 'malformed X-Amz-Credential';
  const [accessKeyId, scopeDate, region, service, terminator] = credential;
  if (service !== SERVICE) return `credential scope service must be ${SERVICE}, got '${service}'`;
  if (terminator !== 'aws4_request') return 'credential scope must end with aws4_request';
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(get('X-Amz-Date'));
  if (date === null) return 'malformed X-Amz-Date';
  const signedAt = Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6]);
  if (Number.isNaN(signedAt) || new Date(signedAt).toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z' !== get('X-Amz-Date')) {
    return 'malformed X-Amz-Date';
  }
  if (scopeDate !== get('X-Amz-Date').slice(0, 8)) return 'credential scope date differs from X-Amz-Date';
  const expires = get('X-Amz-Expires');
  if (!/^[1-9]\d{0,5}$/.test(expires)) return 'malformed X-Amz-Expires';
  const signature = get('X-Amz-Signature');
  if (!/^[0-9a-f]{64}$/.test(signature)) return 'malformed X-Amz-Signature';
  return { host, params, accessKeyId, scopeDate, region, signedAt, expiresSeconds: Number(expires), signature };
}

/**
 * Why a token does not authenticate `userName` for this cache at `now` (ms), or null when it
 * does. With `credentials`, the signature must be theirs.
 */
export function checkIamToken(token: string, userName: string, auth: IamAuth, now: number, credentials?: IamCredentials): string | null {
  const parsed = parseIamToken(token);
  if (typeof parsed === 'string') return parsed;
  if (parsed.host.toLowerCase() !== auth.cacheId.toLowerCase()) return `token is for '${parsed.host}', not '${auth.cacheId}'`;
  if (parsed.params.get('User') !== userName) return `token is for user '${parsed.params.get('User')}', not '${userName}'`;
  const resourceType = parsed.params.get('ResourceType');
  if (auth.serverless === true && resourceType !== 'ServerlessCache') return 'a serverless cache needs ResourceType=ServerlessCache';
  if (auth.serverless !== true && resourceType !== undefined) return `unexpected ResourceType '${resourceType}'`;
  if (parsed.expiresSeconds > IAM_TOKEN_MAX_EXPIRES_SECONDS) return `X-Amz-Expires above ${IAM_TOKEN_MAX_EXPIRES_SECONDS} seconds`;
  if (now > parsed.signedAt + parsed.expiresSeconds * 1000) return 'token expired';
  if (parsed.signedAt > now + IAM_TOKEN_MAX_SKEW_MS) return 'token not valid yet';
  if (credentials !== undefined) {
    if (parsed.accessKeyId !== credentials.accessKeyId) return `unknown access key '${parsed.accessKeyId}'`;
    const expected = iamTokenSignature(parsed, credentials.secretAccessKey);
    if (!timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(parsed.signature, 'latin1'))) return 'signature does not match';
  }
  return null;
}

/** Whether a token authenticates the user (see {@link checkIamToken}). */
export function verifyIamToken(token: string, userName: string, auth: IamAuth, now: number, credentials?: IamCredentials): boolean {
  return checkIamToken(token, userName, auth, now, credentials) === null;
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, upper-case hex. */
function sigv4Encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase());
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/**
 * The SigV4 signature of a presigned token: canonical request (GET, path `/`, sorted encoded
 * query without the signature, the host header, the empty payload's hash), string to sign,
 * then the HMAC chain of date, region, service and `aws4_request`.
 */
export function iamTokenSignature(token: IamToken, secretAccessKey: string): string {
  const query = [...token.params]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [sigv4Encode(k), sigv4Encode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = ['GET', '/', query, `host:${token.host}`, '', 'host', EMPTY_PAYLOAD_SHA256].join('\n');
  const amzDate = token.params.get('X-Amz-Date') as string;
  const scope = `${token.scopeDate}/${token.region}/${SERVICE}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  const kDate = hmac('AWS4' + secretAccessKey, token.scopeDate);
  const kRegion = hmac(kDate, token.region);
  const kService = hmac(kRegion, SERVICE);
  const kSigning = hmac(kService, 'aws4_request');
  return createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
}
