import { SSMClient } from '@aws-sdk/client-ssm';
import { FAKE_CREDENTIALS, FakeAwsEndpoint, fakeAwsEndpoint } from './fake-aws';
import { CacheContractError, loadConnection } from '../../src/runtime';

describe('loadConnection', () => {
  let endpoint: FakeAwsEndpoint;
  let client: SSMClient;
  const parameters: Record<string, string> = {};
  const arn = (name: string) => `arn:aws:ssm:us-east-1:123456789012:parameter/${name}`;

  beforeAll(async () => {
    endpoint = await fakeAwsEndpoint({
      'AmazonSSM.GetParameter': (body) => {
        const value = parameters[body.Name];
        if (value === undefined) throw { type: 'ParameterNotFound', message: `Parameter ${body.Name} not found.` };
        return { Parameter: { Name: body.Name, Type: 'String', Value: value, Version: 1, ARN: body.Name } };
      },
    });
    client = new SSMClient({ region: 'us-east-1', endpoint: endpoint.url, credentials: FAKE_CREDENTIALS });
  });
  afterAll(async () => {
    client.destroy();
    await endpoint.close();
  });

  const contract = {
    SESSIONS_ENGINE: 'valkey',
    SESSIONS_MODE: 'standalone',
    SESSIONS_HOST: 'master.sessions.abc.use1.cache.amazonaws.com',
    SESSIONS_PORT: '6379',
    SESSIONS_TLS: 'true',
    SESSIONS_AUTH: 'token',
    SESSIONS_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:token-AbCdEf',
    SESSIONS_ID: 'sessions',
    SESSIONS_SESSION_TTL: '900',
  };

  test('reads an instance\'s contract from the SSM parameter its user data names', async () => {
    parameters[arn('CFN-Contract-1')] = JSON.stringify(contract);
    const info = await loadConnection('SESSIONS', { env: { SESSIONS_PARAMETER: arn('CFN-Contract-1') }, ssm: client });
    expect(info).toMatchObject({ prefix: 'SESSIONS', mode: 'standalone', endpoint: { host: contract.SESSIONS_HOST, port: 6379 }, sessionTtlSeconds: 900 });
    expect(endpoint.requests.at(-1)).toMatchObject({ target: 'AmazonSSM.GetParameter', body: { Name: arn('CFN-Contract-1') } });
  });

  test('reads the parameter once per process', async () => {
    parameters[arn('CFN-Contract-2')] = JSON.stringify(contract);
    const before = endpoint.requests.length;
    const env = { SESSIONS_PARAMETER: arn('CFN-Contract-2') };
    await Promise.all([loadConnection('SESSIONS', { env, ssm: client }), loadConnection('SESSIONS', { env, ssm: client })]);
    await loadConnection('SESSIONS', { env, ssm: client });
    expect(endpoint.requests.length - before).toBe(1);
  });

  test('prefers the environment when it holds the contract', async () => {
    const info = await loadConnection('SESSIONS', { env: { ...contract, SESSIONS_HOST: 'from-env', SESSIONS_PARAMETER: arn('missing') }, ssm: client });
    expect(info.endpoint.host).toBe('from-env');
  });

  test('validates the parameter\'s contract like the environment\'s', async () => {
    parameters[arn('CFN-Bad')] = JSON.stringify({ ...contract, SESSIONS_PORT: 'x' });
    await expect(loadConnection('SESSIONS', { env: { SESSIONS_PARAMETER: arn('CFN-Bad') }, ssm: client })).rejects.toThrow(/SESSIONS_PORT must be a port number/);
  });

  test.each([
    ['not JSON', 'host=x', 'does not hold a connection contract (a JSON object)'],
    ['an array', '["a"]', 'does not hold a connection contract (a JSON object of strings)'],
    ['numbers', '{"SESSIONS_PORT": 6379}', 'does not hold a connection contract (a JSON object of strings)'],
  ])('rejects a parameter with %s', async (_name, value, message) => {
    const name = arn(`CFN-${_name.replace(/\W/g, '')}`);
    parameters[name] = value;
    const read = loadConnection('SESSIONS', { env: { SESSIONS_PARAMETER: name }, ssm: client });
    await expect(read).rejects.toThrow(CacheContractError);
    await expect(loadConnection('SESSIONS', { env: { SESSIONS_PARAMETER: name }, ssm: client })).rejects.toThrow(message);
  });

  test('a missing parameter fails with the service\'s error, and is read again next time', async () => {
    const name = arn('CFN-Later');
    await expect(loadConnection('SESSIONS', { env: { SESSIONS_PARAMETER: name }, ssm: client })).rejects.toThrow(`Parameter ${name} not found.`);
    parameters[name] = JSON.stringify(contract);
    expect((await loadConnection('SESSIONS', { env: { SESSIONS_PARAMETER: name }, ssm: client })).cacheId).toBe('sessions');
  });

  test('without contract or parameter, the environment error', async () => {
    await expect(loadConnection('SESSIONS', { env: {} })).rejects.toThrow(/No cache connection contract found/);
  });
});
