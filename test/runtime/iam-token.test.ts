import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { IAM_TOKEN_LIFETIME_SECONDS, IamAuthTokenProvider, createIamAuthToken } from '../../src/runtime';

/**
 * The token is checked three ways: its documented layout, the signature @smithy/signature-v4
 * computes for the same request in this test, and a SigV4 signature derived here by hand from the
 * specification (canonical request, string to sign, signing key), with fixed credentials and time.
 */
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const signingDate = new Date('2024-01-02T03:04:05Z');
const base = { cacheId: 'sessions', user: 'app-user', region: 'eu-west-1', credentials: async () => credentials, signingDate };

/** SigV4 by the book, for a presigned GET of http://<host>/ with the given query (no session token). */
function signByHand(host: string, query: Record<string, string>, secret: string, date: Date, region: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalQuery = Object.keys(query).sort().map((k) => `${enc(k)}=${enc(query[k])}`).join('&');
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${host}\n`, 'host', createHash('sha256').update('').digest('hex')].join('\n');
  const amzDate = date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/elasticache/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 'elasticache'), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

/** The query of a token as a map (values decoded). */
function queryOf(token: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(token.slice(token.indexOf('?') + 1)));
}

class NodeSha256 {
  private readonly h;
  constructor(secret?: any) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', Buffer.from(secret));
  }
  update(data: any) {
    this.h.update(typeof data === 'string' ? data : Buffer.from(data));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

describe('IAM auth token', () => {
  test('has the documented layout: <cache id>/?Action=connect&User=<user>&X-Amz-..., no scheme', async () => {
    const token = await createIamAuthToken(base);
    expect(token).toMatch(new RegExp(
      '^sessions/\\?Action=connect&User=app-user' +
      '&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
      '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240102%2Feu-west-1%2Felasticache%2Faws4_request' +
      '&X-Amz-Date=20240102T030405Z' +
      '&X-Amz-Expires=900' +
      '&X-Amz-SignedHeaders=host' +
      '&X-Amz-Signature=[0-9a-f]{64}$'));
    expect(token.startsWith('http')).toBe(false);
    expect(IAM_TOKEN_LIFETIME_SECONDS).toBe(900);
  });

  test('its signature is SigV4\'s for GET http://<cache id>/ signed for elasticache', async () => {
    const token = await createIamAuthToken(base);
    const { 'X-Amz-Signature': signature, ...signed } = queryOf(token);
    expect(signature).toBe(signByHand('sessions', signed, credentials.secretAccessKey, signingDate, 'eu-west-1'));

    // The same request presigned here with @smithy/signature-v4 and another SHA-256 wrapper.
    const signer = new SignatureV4({ service: 'elasticache', region: 'eu-west-1', credentials, sha256: NodeSha256 as any });
    const presigned = await signer.presign(
      { method: 'GET', protocol: 'http:', hostname: 'sessions', path: '/', query: { Action: 'connect', User: 'app-user' }, headers: { host: 'sessions' } } as any,
      { expiresIn: 900, signingDate });
    expect(signature).toBe(presigned.query?.['X-Amz-Signature']);
  });

  test('a known-good token for fixed inputs', async () => {
    // Pinned from the hand-derived SigV4 above (which the previous test checks independently), so
    // that any change to the request, its encoding or the signing shows here.
    expect(await createIamAuthToken(base)).toBe(
      'sessions/?Action=connect&User=app-user&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
      '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240102%2Feu-west-1%2Felasticache%2Faws4_request' +
      '&X-Amz-Date=20240102T030405Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host' +
      '&X-Amz-Signature=f901870fd530a12ec350a9d939da68ab85d04bb1d634e9ea6f8052ac240aec17');
  });

  test('temporary credentials add a signed X-Amz-Security-Token', async () => {
    const sessionToken = 'FQoGZXIvYXdzEJr//////////wEaDOexample+token/with=specials';
    const token = await createIamAuthToken({ ...base, credentials: async () => ({ ...credentials, sessionToken }) });
    const query = queryOf(token);
    expect(query['X-Amz-Security-Token']).toBe(sessionToken);
    expect(token).toContain(`X-Amz-Security-Token=${encodeURIComponent(sessionToken)}`);
    const { 'X-Amz-Signature': signature, ...signed } = query;
    expect(signature).toBe(signByHand('sessions', signed, credentials.secretAccessKey, signingDate, 'eu-west-1'));
  });

  test('a serverless cache adds ResourceType=ServerlessCache, inside the signature', async () => {
    const token = await createIamAuthToken({ ...base, cacheId: 'my-serverless', serverless: true });
    expect(token).toMatch(/^my-serverless\/\?Action=connect&User=app-user&ResourceType=ServerlessCache&X-Amz-Algorithm=/);
    const { 'X-Amz-Signature': signature, ...signed } = queryOf(token);
    expect(signed.ResourceType).toBe('ServerlessCache');
    expect(signature).toBe(signByHand('my-serverless', signed, credentials.secretAccessKey, signingDate, 'eu-west-1'));
  });

  test('needs a cache id and a user', async () => {
    await expect(createIamAuthToken({ ...base, cacheId: '' })).rejects.toThrow('An IAM auth token needs the cache id (CACHE_ID)');
    await expect(createIamAuthToken({ ...base, user: '' })).rejects.toThrow('An IAM auth token needs the user (CACHE_USER)');
  });

  describe('IamAuthTokenProvider', () => {
    test('reuses a token for 10 minutes, then signs a new one', async () => {
      let now = signingDate.getTime();
      let signings = 0;
      const provider = new IamAuthTokenProvider({
        ...base,
        credentials: async () => { signings++; return credentials; },
        now: () => now,
      });
      expect(provider.stale).toBe(true);
      const first = await provider.token();
      expect(queryOf(first)['X-Amz-Date']).toBe('20240102T030405Z');
      now += 9 * 60 * 1000 + 59_000;
      expect(provider.stale).toBe(false);
      expect(await provider.token()).toBe(first);
      now += 1000;
      expect(provider.stale).toBe(true);
      const second = await provider.token();
      expect(queryOf(second)['X-Amz-Date']).toBe('20240102T031405Z');
      expect(second).not.toBe(first);
      expect(signings).toBe(2);
    });

    test('concurrent refreshes sign once', async () => {
      let signings = 0;
      const provider = new IamAuthTokenProvider({
        ...base, credentials: async () => { signings++; return credentials; }, now: () => signingDate.getTime(),
      });
      const tokens = await Promise.all([provider.refresh(), provider.refresh(), provider.token()]);
      expect(new Set(tokens).size).toBe(1);
      expect(signings).toBe(1);
    });
  });
});
