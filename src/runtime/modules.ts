/**
 * The packages the runtime helpers use but do not ship: the application installs the ones it
 * needs (a client for its engine, the AWS SDK clients for its auth mode). Each is loaded on first
 * use with a literal `require` inside a `try`, so bundlers include what is installed; a missing
 * one fails with the command that installs it.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as secretsManager from '@aws-sdk/client-secrets-manager';
import type * as ssm from '@aws-sdk/client-ssm';
import type * as credentialProviderNode from '@aws-sdk/credential-provider-node';
import type * as signatureV4 from '@smithy/signature-v4';
import type * as ioredis from 'ioredis';
import type * as memjs from 'memjs';

/** Thrown when a package the requested feature needs is not installed. */
export class MissingDependencyError extends Error {
  constructor(public readonly packageName: string, feature: string, cause?: unknown) {
    super(`cdk-elasticache/runtime needs the package '${packageName}' ${feature}: install it in your application ` +
      `(npm install ${packageName})`);
    this.name = 'MissingDependencyError';
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

/** Whether the error says that `name` itself (not one of its dependencies) could not be found. */
function isNotFound(error: unknown, name: string): boolean {
  const e = error as { code?: string; message?: string };
  return (e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_MODULE_NOT_FOUND') &&
    typeof e.message === 'string' && e.message.includes(`'${name}'`);
}

/**
 * Tries `load` (a literal require next to this file), then the application's own
 * node_modules (for strict layouts such as pnpm, where this package cannot see the application's
 * dependencies), then gives up with the install command.
 */
export function loadPackage<T>(name: string, feature: string, requireHere: () => unknown): T {
  try {
    return requireHere() as T;
  } catch (error) {
    if (!isNotFound(error, name)) throw error;
    try {
      return createRequire(path.join(process.cwd(), 'package.json'))(name) as T;
    } catch (fromApp) {
      if (!isNotFound(fromApp, name)) throw fromApp;
      throw new MissingDependencyError(name, feature, error);
    }
  }
}

export function loadIoredis(): typeof ioredis {
  return loadPackage('ioredis', 'to connect to Valkey or Redis OSS', () => require('ioredis'));
}

export function loadIovalkey(): typeof ioredis {
  return loadPackage('iovalkey', 'to connect to Valkey with iovalkey (library: \'iovalkey\')', () => require('iovalkey'));
}

export function loadMemjs(): typeof memjs {
  return loadPackage('memjs', 'to connect to Memcached', () => require('memjs'));
}

export function loadSecretsManager(): typeof secretsManager {
  return loadPackage('@aws-sdk/client-secrets-manager', 'to read the AUTH token or password from Secrets Manager', () => require('@aws-sdk/client-secrets-manager'));
}

export function loadSsm(): typeof ssm {
  return loadPackage('@aws-sdk/client-ssm', 'to read an instance\'s connection contract from its SSM parameter', () => require('@aws-sdk/client-ssm'));
}

export function loadSignatureV4(): typeof signatureV4 {
  return loadPackage('@smithy/signature-v4', 'to sign IAM authentication tokens', () => require('@smithy/signature-v4'));
}

export function loadCredentialProvider(): typeof credentialProviderNode {
  return loadPackage('@aws-sdk/credential-provider-node', 'to find AWS credentials for IAM authentication tokens', () => require('@aws-sdk/credential-provider-node'));
}

/**
 * Node's own `net` module object (not a namespace copy), for the one place that must swap
 * `net.connect` for the duration of a synchronous call (memjs has no TLS option).
 */
export function nodeNetModule(): typeof import('node:net') {
  return require('node:net');
}
