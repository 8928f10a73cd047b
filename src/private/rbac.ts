import { Token } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { ContractValues } from './contract';
import { fail } from './validation';
import { CacheEngineType } from '../engine';
import { IUser, UserAuthenticationType } from '../user';
import { IUserGroup } from '../user-group';

/** What a consumer that connects as an RBAC user receives. */
export interface UserAccess {
  /** AUTH, USER, SECRET_ARN for the contract. */
  readonly values: ContractValues;
  /** The password secret to read. */
  readonly secrets: secretsmanager.ISecret[];
  /** `elasticache:Connect` targets (IAM: the cache and the user). */
  readonly connectResourceArns: string[];
}

/**
 * The contract values and grants of a consumer connecting as `user` to a cache with the user
 * group `group`; undefined when the cache does not use RBAC (then `user` must not be given).
 * A consumer of an RBAC cache must say which user it connects as: `user` is the consumer's own
 * choice, or a cache's default user when the cache created the group itself.
 */
export function userAccess(
  cache: Construct,
  cacheArn: string,
  consumer: IConstruct,
  group: IUserGroup | undefined,
  user: IUser | undefined,
): UserAccess | undefined {
  if (group === undefined) {
    if (user !== undefined) {
      fail(`addConsumer: user applies only to caches with a user group, and ${cache.node.path} has none: ` +
        'use auth: CacheAuth.userGroup(group), or remove user');
    }
    return undefined;
  }
  if (user === undefined) {
    fail(`addConsumer: ${cache.node.path} uses role-based access control: say which user ${consumer.node.path} connects as, ` +
      'e.g. addConsumer(consumer, { user }) with a password or IAM user of its user group');
  }
  checkMembership(cache, group, user, consumer);
  switch (user.authenticationType) {
    case UserAuthenticationType.PASSWORD:
      if (user.secret === undefined) {
        fail(`addConsumer: the password user ${user.node.path} has no secret, so ${consumer.node.path} cannot read its password: ` +
          'import it with secret (JSON with a password field)');
      }
      return {
        values: { AUTH: 'password', USER: user.userName, SECRET_ARN: user.secret.secretArn },
        secrets: [user.secret],
        connectResourceArns: [],
      };
    case UserAuthenticationType.IAM:
      return {
        values: { AUTH: 'iam', USER: user.userName },
        secrets: [],
        connectResourceArns: [cacheArn, user.userArn],
      };
    case UserAuthenticationType.NO_PASSWORD:
      return fail(`addConsumer: ${consumer.node.path} cannot connect as the no-password user ${user.node.path}: ` +
        'any password opens it, so consumers use password or IAM users');
    default:
      return fail(`addConsumer: the authentication of the imported user ${user.node.path} is unknown: ` +
        'import it with authenticationType (and secret for a password user)');
  }
}

/**
 * Checks, after later `addUser` calls, that a consumer's user is in the cache's user group (when
 * the group's users are known).
 */
function checkMembership(cache: Construct, group: IUserGroup, user: IUser, consumer: IConstruct): void {
  cache.node.addValidation({
    validate: () => {
      const users = group.users;
      if (users === undefined || users.includes(user)) return [];
      const sameId = users.some((u) => !Token.isUnresolved(u.userId) && u.userId === user.userId);
      return sameId ? [] : [`${consumer.node.path} connects to ${cache.node.path} as the user ${user.node.path}, ` +
        `which is not in its user group ${group.node.path}: add it with addUser(user)`];
    },
  });
}

/** Checks a cache's engine against its user group: the group's engine, and IAM users' needs. */
export function checkUserGroupEngine(
  cache: Construct,
  group: IUserGroup,
  engineType: CacheEngineType,
  engineText: string,
  supportsIam: boolean,
): void {
  if (engineType === CacheEngineType.REDIS && group.engine === CacheEngineType.VALKEY) {
    fail(`Redis OSS caches accept only REDIS user groups, but ${group.node.path} is a VALKEY group: ` +
      'create the UserGroup with engine: CacheEngineType.REDIS, or use a Valkey engine');
  }
  cache.node.addValidation({
    validate: () => (group.users ?? [])
      .filter((u) => u.authenticationType === UserAuthenticationType.IAM && !supportsIam)
      .map((u) => `The IAM user ${u.node.path} in ${group.node.path} needs Valkey 7.2+ or Redis OSS 7.0+ on the cache ` +
        `${cache.node.path}, got ${engineText}: upgrade the engine or use a password user`),
  });
}
