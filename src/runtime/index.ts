/**
 * `cdk-elasticache/runtime`: Node-only helpers for application code that uses a cache deployed with
 * cdk-elasticache. Not part of the jsii API. The clients and AWS SDK packages they use are the
 * application's own dependencies, loaded when first needed (see README "Runtime helpers").
 */
export * from './contract';
export { loadConnection } from './parameter';
export type { LoadConnectionOptions, SsmLike } from './parameter';
export { createClient, createRedisClient, createMemcachedClient, isAuthError } from './client';
export type { CacheClient, RedisClient, MemcachedClient, CreateClientOptions } from './client';
export { sessionStore } from './session';
export type { SessionStore, SessionStoreOptions, SetSessionOptions } from './session';
export { databaseCache } from './cache-aside';
export type { DatabaseCacheClient, DatabaseCacheOptions, CacheAsideOptions, StampedeLockOptions } from './cache-aside';
export { jsonSerializer } from './kv';
export type { Serializer } from './kv';
export { createIamAuthToken, IamAuthTokenProvider, IAM_TOKEN_LIFETIME_SECONDS } from './iam-token';
export type { IamAuthTokenOptions, IamAuthTokenProviderOptions } from './iam-token';
export { SecretCache, secretsManagerFetcher, credentialFromSecretString, defaultSecretCache } from './secrets';
export type { SecretCacheOptions, SecretFetcher, SecretCredential, SecretsManagerLike, SecretsManagerFetcherOptions } from './secrets';
export type { AwsCredentials, AwsCredentialsProvider, AwsOptions } from './aws';
export { discoverMemcachedNodes, parseClusterConfig } from './memcached-discovery';
export type { MemcachedNode, MemcachedNodes } from './memcached-discovery';
export { MissingDependencyError } from './modules';
