/**
 * The AWS side of the runtime helpers: region, credentials and the SHA-256 implementation the
 * signer needs. Nothing here signs anything: `@smithy/signature-v4` does.
 */
import { createHash, createHmac, Hash, Hmac } from 'node:crypto';
import { loadCredentialProvider } from './modules';

/** AWS credentials, as the AWS SDK for JavaScript v3 represents them. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Returns the current credentials (the SDK's providers cache and refresh them). */
export type AwsCredentialsProvider = () => Promise<AwsCredentials>;

/** Where AWS calls go and with which identity. */
export interface AwsOptions {
  /**
   * The region of the cache.
   *
   * @default AWS_REGION, else AWS_DEFAULT_REGION (Lambda sets AWS_REGION)
   */
  readonly region?: string;

  /**
   * Credentials, or a provider of them.
   *
   * @default the AWS SDK's default chain (`@aws-sdk/credential-provider-node`): environment,
   * the Lambda or ECS task role, the EC2 instance profile, shared config files
   */
  readonly credentials?: AwsCredentials | AwsCredentialsProvider;
}

/** The region to use, or a clear error naming the variables. */
export function resolveRegion(options: AwsOptions = {}, env: Record<string, string | undefined> = process.env): string {
  const region = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined || region === '') {
    throw new Error('The AWS region is not known: set AWS_REGION (Lambda, ECS and most tools do) or pass region');
  }
  return region;
}

/** A provider for the given credentials, or the SDK's default chain. */
export function resolveCredentials(options: AwsOptions = {}): AwsCredentialsProvider {
  const given = options.credentials;
  if (typeof given === 'function') return given;
  if (given !== undefined) return async () => given;
  const chain = loadCredentialProvider().defaultProvider();
  return () => chain();
}

/**
 * SHA-256 and HMAC-SHA-256 from Node's crypto, in the shape the signer expects
 * (`new Sha256(secret?)`, `update`, `digest(): Promise<Uint8Array>`).
 */
export class Sha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.create();
  }

  public update(data: string | ArrayBuffer | ArrayBufferView, encoding?: 'utf8' | 'ascii' | 'latin1'): void {
    if (typeof data === 'string') {
      this.hash.update(data, encoding ?? 'utf8');
    } else {
      this.hash.update(toBuffer(data));
    }
  }

  public async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  public reset(): void {
    this.hash = this.create();
  }

  private create(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    return createHmac('sha256', typeof this.secret === 'string' ? this.secret : toBuffer(this.secret));
  }
}

function toBuffer(data: ArrayBuffer | ArrayBufferView): Buffer {
  return ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
}
