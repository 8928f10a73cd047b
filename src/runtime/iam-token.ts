/**
 * ElastiCache IAM authentication tokens: a SigV4-presigned `GET http://<cache id>/?Action=connect&User=<user>`
 * (plus `ResourceType=ServerlessCache` for serverless caches), service `elasticache`, valid for 900
 * seconds, with the `http://` removed. The client sends it as the password of `AUTH <user> <token>`.
 * The signing is `@smithy/signature-v4`'s.
 */
import { AwsCredentialsProvider, Sha256 } from './aws';
import { loadSignatureV4 } from './modules';

/** ElastiCache accepts a token for 15 minutes after it is signed. */
export const IAM_TOKEN_LIFETIME_SECONDS = 900;
/** Tokens are renewed this long before they expire. */
const RENEW_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

/** What an IAM auth token is signed for. */
export interface IamAuthTokenOptions {
  /** The replication group id, or the serverless cache name. */
  readonly cacheId: string;
  /** The ElastiCache user id (for IAM users, the user name is the same). */
  readonly user: string;
  /** The cache's region. */
  readonly region: string;
  /** The caller's credentials. */
  readonly credentials: AwsCredentialsProvider;
  /**
   * Whether the cache is a serverless cache (adds `ResourceType=ServerlessCache`).
   *
   * @default false
   */
  readonly serverless?: boolean;
  /**
   * The signing time.
   *
   * @default now
   */
  readonly signingDate?: Date;
}

/** Signs an IAM auth token. */
export async function createIamAuthToken(options: IamAuthTokenOptions): Promise<string> {
  if (!options.cacheId) throw new Error('An IAM auth token needs the cache id (CACHE_ID)');
  if (!options.user) throw new Error('An IAM auth token needs the user (CACHE_USER)');
  const { SignatureV4 } = loadSignatureV4();
  const signer = new SignatureV4({
    service: 'elasticache',
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  const query: Record<string, string> = { Action: 'connect', User: options.user };
  if (options.serverless) query.ResourceType = 'ServerlessCache';
  const presigned = await signer.presign({
    method: 'GET',
    protocol: 'http:',
    hostname: options.cacheId,
    path: '/',
    query,
    headers: { host: options.cacheId },
  }, {
    expiresIn: IAM_TOKEN_LIFETIME_SECONDS,
    signingDate: options.signingDate ?? new Date(),
  });
  const queryString = Object.entries(presigned.query ?? {})
    .flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${escape(key)}=${escape(String(v ?? ''))}`))
    .join('&');
  // The presigned URL is http://<cache id>/?...; ElastiCache wants it without the scheme.
  return `${presigned.hostname}${presigned.path}?${queryString}`;
}

/** RFC 3986 percent-encoding, as SigV4 canonicalizes query strings. */
function escape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Options of {@link IamAuthTokenProvider}. */
export interface IamAuthTokenProviderOptions extends Omit<IamAuthTokenOptions, 'signingDate'> {
  /**
   * The clock, in milliseconds since the epoch.
   *
   * @default Date.now
   */
  readonly now?: () => number;
}

/**
 * Hands out a token and signs a new one when the current one is within 5 minutes of its 15-minute
 * expiry (or when told to, after an authentication failure).
 */
export class IamAuthTokenProvider {
  private current?: { token: string; signedAt: number };
  private pending?: Promise<string>;
  private readonly now: () => number;

  constructor(private readonly options: IamAuthTokenProviderOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A token that is valid for at least 5 more minutes. */
  public async token(): Promise<string> {
    const current = this.current;
    if (current && !this.isStale(current.signedAt)) return current.token;
    return this.refresh();
  }

  /** Whether the current token should be renewed (or there is none). */
  public get stale(): boolean {
    return this.current === undefined || this.isStale(this.current.signedAt);
  }

  /** Signs a new token now (one signing at a time). */
  public refresh(): Promise<string> {
    this.pending ??= (async () => {
      try {
        const signedAt = this.now();
        const token = await createIamAuthToken({ ...this.options, signingDate: new Date(signedAt) });
        this.current = { token, signedAt };
        return token;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }

  private isStale(signedAt: number): boolean {
    return this.now() - signedAt >= IAM_TOKEN_LIFETIME_SECONDS * 1000 - RENEW_BEFORE_EXPIRY_MS;
  }
}
