import { Token } from 'aws-cdk-lib';
/**
 * The connection contract as the constructs write it. The variable names and values are those
 * that `src/runtime/contract.ts` reads (construct files must not import the Node-only runtime, so
 * the names are repeated here; a test keeps the two lists equal).
 */

/** The contract's variable names, without prefix, that constructs may write. */
export const CONSTRUCT_CONTRACT_VARIABLES = [
  'ENGINE', 'MODE', 'HOST', 'PORT', 'READER_HOST', 'READER_PORT', 'TLS', 'AUTH', 'USER', 'SECRET_ARN', 'ID',
  // Patterns: the session store's default TTL; the database cache's TTL, jitter, invalidation
  // strategy and the database behind it.
  'SESSION_TTL', 'TTL', 'TTL_JITTER', 'INVALIDATION', 'DB_HOST', 'DB_PORT', 'DB_SECRET_ARN',
] as const;

/**
 * The variable, next to the contract's, that points an instance at the SSM parameter holding its
 * contract (EC2 instances and auto scaling groups get the contract there, not in their environment).
 */
export const PARAMETER_VARIABLE = 'PARAMETER';

export type ConstructContractVariable = typeof CONSTRUCT_CONTRACT_VARIABLES[number];

/** The default variable prefix. */
export const DEFAULT_PREFIX = 'CACHE';

const PREFIX_PATTERN = /^[A-Z][A-Z0-9_]*$/;

/** Throws unless the prefix is upper-case letters, digits and underscores starting with a letter. */
export function checkPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`prefix must be upper-case letters, digits and underscores starting with a letter (e.g. 'CACHE' or 'SESSIONS'), got '${prefix}'`);
  }
}

/** The values a cache exposes to its consumers (unprefixed; undefined values are left out). */
export type ContractValues = Partial<Record<ConstructContractVariable, string>>;

/** Prefixes the values: `{ HOST: h }` with `CACHE` gives `{ CACHE_HOST: h }`. */
export function prefixContract(prefix: string, values: ContractValues): Record<string, string> {
  checkPrefix(prefix);
  const env: Record<string, string> = {};
  for (const name of CONSTRUCT_CONTRACT_VARIABLES) {
    const value = values[name];
    if (value !== undefined) env[`${prefix}_${name}`] = value;
  }
  return env;
}

/** A port as a contract value: a string token for an attribute, the digits for a number. */
export function portText(port: number): string {
  return Token.isUnresolved(port) ? Token.asString(port) : String(port);
}
