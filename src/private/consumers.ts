import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import type { CacheConsumer, CacheConsumerBindOptions } from '../consumer';
import { ContractValues } from './contract';

/** What a pattern adds to a cache's own contract and access when it adds a consumer. */
export interface ConsumerExtras {
  /** More contract values (unprefixed). */
  readonly values?: ContractValues;
  /** More secrets to read. */
  readonly secrets?: secretsmanager.ISecret[];
  /** More resources to reach on their default port. */
  readonly additionalConnections?: ec2.IConnectable[];
}

/** Which caches wrote which prefix into which consumer. */
const REGISTRY = new WeakMap<IConstruct, Map<string, IConstruct>>();

/** Adds a consumer to a cache: rejects a prefix the consumer already receives, then binds. */
export function addConsumerTo(consumer: CacheConsumer, options: CacheConsumerBindOptions): void {
  const seen = REGISTRY.get(consumer.target) ?? new Map<string, IConstruct>();
  const previous = seen.get(options.prefix);
  if (previous !== undefined) {
    throw new Error(previous === options.cache
      ? `${consumer.target.node.path} is already a consumer of ${options.cache.node.path} with prefix ${options.prefix}`
      : `${consumer.target.node.path} already receives the ${options.prefix}_* variables from ${previous.node.path}: ` +
        `pass another prefix, e.g. addConsumer(consumer, { prefix: '${options.prefix}_2' })`);
  }
  consumer.bind(options);
  seen.set(options.prefix, options.cache);
  REGISTRY.set(consumer.target, seen);
}

/**
 * The network and IAM side of adding a consumer, the same for every consumer kind: ingress from
 * the consumer's security groups on the cache's port (and on the default port of anything else it
 * must reach), read access to the secrets, and `elasticache:Connect` where IAM auth needs it.
 */
export function grantConsumerAccess(
  connectable: ec2.IConnectable,
  grantee: iam.IGrantable,
  description: string,
  options: CacheConsumerBindOptions,
): void {
  options.connections.allowDefaultPortFrom(connectable, `${description} connects to the cache`);
  for (const port of options.additionalPorts ?? []) {
    options.connections.allowFrom(connectable, port, `${description} connects to the cache`);
  }
  for (const other of options.additionalConnections ?? []) {
    other.connections.allowDefaultPortFrom(connectable, `${description} connects to the database behind the cache`);
  }
  for (const secret of options.secrets ?? []) {
    secret.grantRead(grantee);
  }
  const connectArns = options.connectResourceArns ?? [];
  if (connectArns.length > 0) {
    iam.Grant.addToPrincipal({ grantee, actions: ['elasticache:Connect'], resourceArns: connectArns });
  }
}

/**
 * The SSM parameter that holds a cache's contract for instances (one per cache and prefix, shared
 * by every instance consumer with that prefix): a String parameter whose value is the prefixed
 * variables as a JSON object.
 */
export function writeContractParameter(options: CacheConsumerBindOptions): ssm.StringParameter {
  const id = `Contract${options.prefix}`;
  const stack = Stack.of(options.cache);
  const value = JSON.stringify(stack.resolve(options.environment));
  const existing = options.cache.node.tryFindChild(id);
  if (existing instanceof ssm.StringParameter) {
    if (PARAMETER_VALUES.get(existing) !== value) {
      throw new Error(`${options.cache.node.path} already stores a different ${options.prefix}_* contract for instances ` +
        `(from another pattern on the same cache): pass another prefix, e.g. addConsumer(consumer, { prefix: '${options.prefix}_2' })`);
    }
    return existing;
  }
  const parameter = new ssm.StringParameter(options.cache as Construct, id, {
    description: `Connection contract of the cache ${options.cache.node.path} (prefix ${options.prefix})`,
    stringValue: stack.toJsonString(options.environment),
    tier: ssm.ParameterTier.STANDARD,
  });
  PARAMETER_VALUES.set(parameter, value);
  return parameter;
}

/** The resolved contract each parameter holds, to detect two different contracts under one prefix. */
const PARAMETER_VALUES = new WeakMap<ssm.StringParameter, string>();
