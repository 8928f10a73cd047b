/**
 * `cdk-elasticache/runtime`: Node-only helpers for application code that uses a cache deployed with
 * cdk-elasticache. Not part of the jsii API.
 */
export * from './contract';
