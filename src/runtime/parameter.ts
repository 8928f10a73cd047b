/**
 * The connection contract where it is not in the environment: EC2 instances and auto scaling
 * groups added with `CacheConsumer.fromInstance` / `fromAutoScalingGroup` get it as JSON in an SSM
 * String parameter, whose ARN their user data exports as `<PREFIX>_PARAMETER`.
 */
import { AwsOptions, resolveRegion } from './aws';
import { CONTRACT_VARIABLES, CacheConnectionInfo, CacheContractError, DEFAULT_CONTRACT_PREFIX, connectionFromEnv } from './contract';
import { loadSsm } from './modules';

/** A minimal SSM client (the SDK's, or anything with the same `send`). */
export interface SsmLike {
  send(command: unknown): Promise<{ Parameter?: { Value?: string } }>;
}

/** Options of {@link loadConnection}. */
export interface LoadConnectionOptions extends AwsOptions {
  /**
   * The environment to read.
   *
   * @default process.env
   */
  readonly env?: Record<string, string | undefined>;

  /**
   * The SSM client.
   *
   * @default a new `SSMClient` for the parameter's region
   */
  readonly ssm?: SsmLike;
}

const loaded = new Map<string, Promise<Record<string, string>>>();

/**
 * Reads the connection contract: from the environment when its variables are there (functions,
 * containers, the local engine), otherwise from the SSM parameter named by `<prefix>_PARAMETER`
 * (instances). The parameter is read once per process.
 *
 * @throws CacheContractError when neither holds a valid contract
 */
export async function loadConnection(prefix: string = DEFAULT_CONTRACT_PREFIX, options: LoadConnectionOptions = {}): Promise<CacheConnectionInfo> {
  const env = options.env ?? process.env;
  const inEnvironment = CONTRACT_VARIABLES.some((v) => env[`${prefix}_${v}`] !== undefined && env[`${prefix}_${v}`] !== '');
  const parameter = env[`${prefix}_PARAMETER`];
  if (inEnvironment || parameter === undefined || parameter === '') {
    return connectionFromEnv(prefix, env);
  }
  let values = loaded.get(parameter);
  if (values === undefined) {
    values = readParameter(parameter, options);
    loaded.set(parameter, values);
    values.catch(() => loaded.delete(parameter));
  }
  return connectionFromEnv(prefix, await values);
}

async function readParameter(parameter: string, options: LoadConnectionOptions): Promise<Record<string, string>> {
  let client = options.ssm;
  const sdk = loadSsm();
  if (client === undefined) {
    const region = /^arn:[^:]+:ssm:([^:]+):/.exec(parameter)?.[1] ?? resolveRegion(options, options.env);
    client = new sdk.SSMClient({ region, ...(options.credentials ? { credentials: options.credentials } : {}) });
  }
  const result = await client.send(new sdk.GetParameterCommand({ Name: parameter }));
  const text = result.Parameter?.Value;
  if (text === undefined) throw new CacheContractError(`The SSM parameter ${parameter} has no value`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CacheContractError(`The SSM parameter ${parameter} does not hold a connection contract (a JSON object): ${text.slice(0, 80)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) ||
      !Object.values(parsed).every((v) => typeof v === 'string')) {
    throw new CacheContractError(`The SSM parameter ${parameter} does not hold a connection contract (a JSON object of strings)`);
  }
  return parsed as Record<string, string>;
}

/**
 * The contract for a helper that may be given a client: required when the helper creates its
 * client, optional (for defaults such as TTLs) when it is given one.
 */
export async function contractFor(
  options: LoadConnectionOptions & { prefix?: string; connection?: CacheConnectionInfo; client?: unknown },
): Promise<CacheConnectionInfo | undefined> {
  if (options.connection) return options.connection;
  const read = loadConnection(options.prefix ?? DEFAULT_CONTRACT_PREFIX, options);
  return options.client === undefined ? read : read.catch(() => undefined);
}
