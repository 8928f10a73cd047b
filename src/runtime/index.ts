/**
 * `cdk-elasticache/runtime`: Node-only helpers for application code that uses a cache deployed with
 * cdk-elasticache. Not part of the jsii API. The clients and AWS SDK packages they use are the
 * application's own dependencies, loaded when first needed (see README "Runtime helpers").
 */
export * from './contract';
export { loadConnection, LoadConnectionOptions, SsmLike } from './parameter';
export {
  createClient, createRedisClient, createMemcachedClient, isAuthError,
  CacheClient, RedisClient, MemcachedClient, CreateClientOptions,
} from './client';
export { sessionStore, SessionStore, SessionStoreOptions, SetSessionOptions } from './session';
export {
  databaseCache, DatabaseCacheClient, DatabaseCacheOptions, CacheAsideOptions, StampedeLockOptions,
} from './cache-aside';
export { Serializer, jsonSerializer } from './kv';
export { createIamAuthToken, IamAuthTokenProvider, IamAuthTokenOptions, IamAuthTokenProviderOptions, IAM_TOKEN_LIFETIME_SECONDS } from './iam-token';
export {
  SecretCache, SecretCacheOptions, SecretFetcher, SecretCredential, SecretsManagerLike, SecretsManagerFetcherOptions,
  secretsManagerFetcher, credentialFromSecretString, defaultSecretCache,
} from './secrets';
export { AwsCredentials, AwsCredentialsProvider, AwsOptions } from './aws';
export { discoverMemcachedNodes, parseClusterConfig, MemcachedNode, MemcachedNodes } from './memcached-discovery';
export { MissingDependencyError } from './modules';
