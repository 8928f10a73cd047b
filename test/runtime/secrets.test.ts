import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { FAKE_CREDENTIALS, FakeAwsEndpoint, fakeAwsEndpoint } from './fake-aws';
import { SecretCache, credentialFromSecretString, secretsManagerFetcher } from '../../src/runtime';

describe('credentialFromSecretString', () => {
  test.each([
    ['the token itself', 'abcDEF0123456789abcdef', { password: 'abcDEF0123456789abcdef' }],
    ['JSON with a password', '{"password":"p4ss-word-0123456"}', { password: 'p4ss-word-0123456' }],
    ['JSON with a username and a password', ' {"username":"app","password":"pw","engine":"valkey"} ', { username: 'app', password: 'pw' }],
  ])('%s', (_name, secret, expected) => {
    expect(credentialFromSecretString(secret)).toEqual(expected);
  });

  test.each([
    ['broken JSON', '{"password":', 'The cache secret looks like JSON but does not parse: store the token itself, or {"password": "..."}'],
    ['JSON without a password', '{"user":"app"}', 'The cache secret is a JSON object without a "password" string'],
    ['an empty secret', '', 'The cache secret is empty'],
  ])('rejects %s', (_name, secret, message) => {
    expect(() => credentialFromSecretString(secret)).toThrow(message);
  });
});

describe('SecretCache', () => {
  const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:token-AbCdEf';

  test('reads once, serves from the cache until maxAge, then reads again', async () => {
    let now = 0;
    const reads: string[] = [];
    let value = 'first';
    const cache = new SecretCache({ fetch: async (a) => { reads.push(a); return value; }, maxAgeMs: 1000, now: () => now });
    expect(await cache.get(arn)).toBe('first');
    value = 'second';
    now = 999;
    expect(await cache.get(arn)).toBe('first');
    now = 1000;
    expect(await cache.get(arn)).toBe('second');
    expect(reads).toEqual([arn, arn]);
  });

  test('refresh reads now, and concurrent callers share one read', async () => {
    let reads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const cache = new SecretCache({ fetch: async () => { reads++; await gate; return `v${reads}`; } });
    const all = Promise.all([cache.get(arn), cache.get(arn), cache.refresh(arn)]);
    release();
    expect(await all).toEqual(['v1', 'v1', 'v1']);
    expect(await cache.refresh(arn)).toBe('v2');
    expect(reads).toBe(2);
  });

  test('a failed read is not cached', async () => {
    let fail = true;
    const cache = new SecretCache({ fetch: async () => { if (fail) throw new Error('throttled'); return 'ok'; } });
    await expect(cache.get(arn)).rejects.toThrow('throttled');
    fail = false;
    expect(await cache.get(arn)).toBe('ok');
  });
});

describe('secretsManagerFetcher', () => {
  let endpoint: FakeAwsEndpoint;
  const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:token-AbCdEf';

  beforeAll(async () => {
    endpoint = await fakeAwsEndpoint({
      'secretsmanager.GetSecretValue': (body) => {
        if (body.SecretId !== arn) throw { type: 'ResourceNotFoundException', message: 'Secrets Manager can\'t find the specified secret.' };
        return { ARN: arn, Name: 'token', SecretString: 'the-token-0123456789', VersionId: 'v1' };
      },
    });
  });
  afterAll(() => endpoint.close());

  test('reads SecretString with GetSecretValue through the AWS SDK', async () => {
    const client = new SecretsManagerClient({ region: 'us-east-1', endpoint: endpoint.url, credentials: FAKE_CREDENTIALS });
    const fetch = secretsManagerFetcher({ client });
    expect(await fetch(arn)).toBe('the-token-0123456789');
    expect(endpoint.requests.at(-1)).toMatchObject({ target: 'secretsmanager.GetSecretValue', body: { SecretId: arn } });
    expect(endpoint.requests.at(-1)!.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/secretsmanager\/aws4_request/);
    await expect(fetch('arn:aws:secretsmanager:us-east-1:123456789012:secret:other')).rejects.toThrow('Secrets Manager can\'t find the specified secret.');
    client.destroy();
  });
});
