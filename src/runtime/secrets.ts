/**
 * AUTH tokens and RBAC passwords from Secrets Manager, cached per process. The cache is refreshed
 * after `maxAge` and on demand (a client refreshes after an authentication failure, which is how a
 * rotated token reaches running processes).
 */
import { AwsOptions, resolveRegion } from './aws';
import { loadSecretsManager } from './modules';

/** Reads a secret's `SecretString`. */
export type SecretFetcher = (secretArn: string) => Promise<string>;

/** A token or password, and the user name when the secret holds one. */
export interface SecretCredential {
  readonly password: string;
  readonly username?: string;
}

/**
 * The credential in a secret: the `SecretString` itself (cdk-elasticache's generated AUTH token),
 * or a JSON object with `password` (and optionally `username`), as RBAC user secrets are stored.
 */
export function credentialFromSecretString(secretString: string): SecretCredential {
  const text = secretString.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error('The cache secret looks like JSON but does not parse: store the token itself, or {"password": "..."}');
    }
    const { password, username } = parsed as { password?: unknown; username?: unknown };
    if (typeof password !== 'string' || password === '') {
      throw new Error('The cache secret is a JSON object without a "password" string');
    }
    return typeof username === 'string' && username !== '' ? { password, username } : { password };
  }
  if (secretString === '') throw new Error('The cache secret is empty');
  return { password: secretString };
}

/** A minimal Secrets Manager client (the SDK's, or anything with the same `send`). */
export interface SecretsManagerLike {
  send(command: unknown): Promise<{ SecretString?: string }>;
}

/** Options of {@link secretsManagerFetcher}. */
export interface SecretsManagerFetcherOptions extends AwsOptions {
  /**
   * The client to use.
   *
   * @default a new `SecretsManagerClient` for the secret's region
   */
  readonly client?: SecretsManagerLike;
}

/** Reads secrets with `@aws-sdk/client-secrets-manager` (`GetSecretValue`). */
export function secretsManagerFetcher(options: SecretsManagerFetcherOptions = {}): SecretFetcher {
  let client = options.client;
  return async (secretArn: string) => {
    const sdk = loadSecretsManager();
    if (client === undefined) {
      // The secret's ARN names its region; fall back to the environment's.
      const region = /^arn:[^:]+:secretsmanager:([^:]+):/.exec(secretArn)?.[1] ?? resolveRegion(options);
      client = new sdk.SecretsManagerClient({ region, ...(options.credentials ? { credentials: options.credentials } : {}) });
    }
    const result = await client.send(new sdk.GetSecretValueCommand({ SecretId: secretArn }));
    if (result.SecretString === undefined) {
      throw new Error(`The secret ${secretArn} has no SecretString (binary secrets are not supported)`);
    }
    return result.SecretString;
  };
}

/** Options of {@link SecretCache}. */
export interface SecretCacheOptions {
  /**
   * How secrets are read.
   *
   * @default secretsManagerFetcher()
   */
  readonly fetch?: SecretFetcher;
  /**
   * How long a value is served before it is read again.
   *
   * @default 15 minutes
   */
  readonly maxAgeMs?: number;
  /**
   * The clock, in milliseconds.
   *
   * @default Date.now
   */
  readonly now?: () => number;
}

/** Secret values by ARN, read once and refreshed when old or when asked. */
export class SecretCache {
  private readonly values = new Map<string, { value: string; readAt: number }>();
  private readonly pending = new Map<string, Promise<string>>();
  private readonly fetchSecret: SecretFetcher;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: SecretCacheOptions = {}) {
    this.fetchSecret = options.fetch ?? secretsManagerFetcher();
    this.maxAgeMs = options.maxAgeMs ?? 15 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  /** The cached value, or a fresh read when there is none or it is older than `maxAgeMs`. */
  public async get(secretArn: string): Promise<string> {
    const cached = this.values.get(secretArn);
    if (cached && this.now() - cached.readAt < this.maxAgeMs) return cached.value;
    return this.refresh(secretArn);
  }

  /** Reads the secret now (concurrent callers share one read). */
  public refresh(secretArn: string): Promise<string> {
    let read = this.pending.get(secretArn);
    if (read === undefined) {
      read = (async () => {
        try {
          const value = await this.fetchSecret(secretArn);
          this.values.set(secretArn, { value, readAt: this.now() });
          return value;
        } finally {
          this.pending.delete(secretArn);
        }
      })();
      this.pending.set(secretArn, read);
    }
    return read;
  }
}

let shared: SecretCache | undefined;

/** The process-wide cache that clients use unless given another. */
export function defaultSecretCache(): SecretCache {
  shared ??= new SecretCache();
  return shared;
}
