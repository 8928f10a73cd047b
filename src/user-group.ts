import { ArnFormat, IResource, Lazy, Resource, Stack, Token } from 'aws-cdk-lib';
import { CfnUserGroup } from 'aws-cdk-lib/aws-elasticache';
import { Construct } from 'constructs';
import { CacheEngineType } from './engine';
import { lowerCaseName } from './private/naming';
import { fail } from './private/validation';
import { IUser, User, UserAuthentication, UserAuthenticationType } from './user';

const MAX_USER_GROUP_ID_LENGTH = 40;
const DEFAULT_USER_NAME = 'default';
/** The access string that disables a user: it cannot authenticate and may run nothing. */
const DISABLED_ACCESS_STRING = 'off -@all';
const DEFAULT_USER_ID = 'DefaultUser';
const USER_GROUP_SYMBOL = Symbol.for('cdk-elasticache.UserGroup');

/** A group of ElastiCache users, given to a cache for role-based access control. */
export interface IUserGroup extends IResource {
  /**
   * The user group id.
   *
   * @attribute
   */
  readonly userGroupId: string;

  /**
   * The user group ARN.
   *
   * @attribute
   */
  readonly userGroupArn: string;

  /**
   * The engine of the group: Redis OSS caches accept only REDIS groups.
   *
   * @default - unknown (imported without engine)
   */
  readonly engine?: CacheEngineType;

  /**
   * The users in the group, where known.
   *
   * @default - unknown (imported without users)
   */
  readonly users?: IUser[];
}

/** Attributes to import a user group. */
export interface UserGroupAttributes {
  /** The user group id. */
  readonly userGroupId: string;

  /**
   * The engine of the group.
   *
   * @default - unknown: caches cannot check that the group fits their engine
   */
  readonly engine?: CacheEngineType;

  /**
   * The users in the group.
   *
   * @default - unknown: caches cannot check that a consumer's user is in the group
   */
  readonly users?: IUser[];
}

/** Properties of a {@link UserGroup}. */
export interface UserGroupProps {
  /**
   * The user group id: 1 to 40 lower-case letters, digits and hyphens, starting with a letter,
   * with no trailing hyphen and no `--`. Changing it replaces the group.
   *
   * @default - a lower-case id generated from the construct path
   */
  readonly userGroupId?: string;

  /**
   * The engine. A VALKEY group may hold only password and IAM users and serves Valkey caches; a
   * REDIS group serves Valkey and Redis OSS caches and must hold a user named `default`.
   *
   * @default CacheEngineType.VALKEY
   */
  readonly engine?: CacheEngineType;

  /**
   * The users. Add more with `addUser`.
   *
   * @default - none (and in a REDIS group, a disabled `default` user)
   */
  readonly users?: IUser[];
}

/**
 * A user group: the set of users a cache knows. Give it to a replication group with
 * `auth: CacheAuth.userGroup(group)` or to a serverless cache with `userGroup`.
 *
 * A REDIS-engine group must contain a user named `default`. When no user named `default` is
 * given, the group creates one that is disabled (no-password user with access string
 * `off -@all`, child `DefaultUser`), so clients that do not authenticate as one of the group's
 * users are refused. Adding a user named `default` later removes it.
 *
 * @resource AWS::ElastiCache::UserGroup
 */
export class UserGroup extends Resource implements IUserGroup {
  /**
   * Imports an existing user group. The result can be given to caches like a new group; give
   * `engine` and `users` so that caches can check them.
   */
  public static fromUserGroupAttributes(scope: Construct, id: string, attrs: UserGroupAttributes): IUserGroup {
    checkUserGroupId('userGroupId', attrs.userGroupId);
    class Import extends Resource implements IUserGroup {
      public readonly userGroupId = attrs.userGroupId;
      public readonly engine = attrs.engine;
      public readonly users = attrs.users;
      public get userGroupArn(): string {
        return userGroupArn(this, this.userGroupId);
      }
    }
    return new Import(scope, id);
  }

  /** Imports an existing user group by id. */
  public static fromUserGroupId(scope: Construct, id: string, userGroupId: string): IUserGroup {
    return UserGroup.fromUserGroupAttributes(scope, id, { userGroupId });
  }

  /** Whether the given object is a UserGroup. */
  public static isUserGroup(x: any): x is UserGroup {
    return x !== null && typeof x === 'object' && USER_GROUP_SYMBOL in x;
  }

  public readonly userGroupId: string;
  /** The engine (always set on a new group; optional only because imported groups may not know it). */
  public readonly engine?: CacheEngineType;

  private readonly members: IUser[] = [];
  private readonly resource: CfnUserGroup;

  constructor(scope: Construct, id: string, props: UserGroupProps = {}) {
    super(scope, id);
    Object.defineProperty(this, USER_GROUP_SYMBOL, { value: true });
    checkUserGroupId('userGroupId', props.userGroupId);
    this.engine = props.engine ?? CacheEngineType.VALKEY;

    this.resource = new CfnUserGroup(this, 'Resource', {
      userGroupId: props.userGroupId ?? lowerCaseName(this, MAX_USER_GROUP_ID_LENGTH),
      engine: this.engine,
      userIds: Lazy.list({ produce: () => this.members.map((u) => u.userId) }),
    });
    this.userGroupId = this.resource.ref;

    for (const user of props.users ?? []) this.addUser(user);
    if (this.engine === CacheEngineType.REDIS && !this.members.some(isDefaultUser)) {
      this.members.push(new User(this, DEFAULT_USER_ID, {
        userName: DEFAULT_USER_NAME,
        engine: CacheEngineType.REDIS,
        authentication: UserAuthentication.noPassword(),
        accessString: DISABLED_ACCESS_STRING,
      }));
    }
    this.node.addValidation({ validate: () => this.validateUsers() });
  }

  public get userGroupArn(): string {
    return userGroupArn(this, this.userGroupId);
  }

  /**
   * The users in the group (including a generated disabled `default` user). Always set on a new
   * group; optional only because imported groups may not know their users.
   */
  public get users(): IUser[] | undefined {
    return [...this.members];
  }

  /**
   * Adds a user. In a REDIS group, adding a user named `default` replaces the generated disabled
   * one. The group is checked at synth: a VALKEY group refuses no-password users, and user names
   * must be distinct.
   */
  public addUser(user: IUser): void {
    if (this.members.includes(user)) {
      fail(`The user ${user.node.path} is already in the user group ${this.node.path}`);
    }
    if (isDefaultUser(user)) {
      const generated = this.node.tryFindChild(DEFAULT_USER_ID);
      if (generated !== undefined) {
        this.members.splice(this.members.indexOf(generated as IUser), 1);
        this.node.tryRemoveChild(DEFAULT_USER_ID);
      }
    }
    this.members.push(user);
  }

  private validateUsers(): string[] {
    const errors: string[] = [];
    if (this.engine === CacheEngineType.VALKEY) {
      for (const user of this.members) {
        if (user.authenticationType === UserAuthenticationType.NO_PASSWORD) {
          errors.push(`The VALKEY user group ${this.node.path} may contain only password and IAM users, got the no-password user ` +
            `${user.node.path}: use UserAuthentication.password() or UserAuthentication.iam(), or a REDIS user group`);
        }
      }
    }
    const seen = new Map<string, IUser>();
    for (const user of this.members) {
      if (Token.isUnresolved(user.userName)) continue;
      const other = seen.get(user.userName);
      if (other !== undefined) {
        errors.push(`The users of a user group must have distinct names: ${other.node.path} and ${user.node.path} ` +
          `in ${this.node.path} are both named '${user.userName}'`);
      }
      seen.set(user.userName, user);
    }
    return errors;
  }
}

function isDefaultUser(user: IUser): boolean {
  return user.userName === DEFAULT_USER_NAME;
}

function userGroupArn(scope: Construct, userGroupId: string): string {
  return Stack.of(scope).formatArn({
    service: 'elasticache',
    resource: 'usergroup',
    resourceName: userGroupId,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** User group ids: `[a-z][a-z0-9-]*`, 1 to 40 characters, no trailing hyphen, no `--`. */
function checkUserGroupId(name: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (value.length < 1 || value.length > MAX_USER_GROUP_ID_LENGTH) {
    fail(`${name} must be 1 to ${MAX_USER_GROUP_ID_LENGTH} characters long, got ${value.length} ('${value}')`);
  }
  if (!/^[a-z][a-z0-9-]*$/.test(value)) {
    const hint = /^[A-Za-z][A-Za-z0-9-]*$/.test(value) ? `: use '${value.toLowerCase()}'` : '';
    fail(`${name} must start with a lower-case letter and contain only lower-case letters, digits and hyphens, got '${value}'${hint}`);
  }
  if (value.endsWith('-') || value.includes('--')) {
    fail(`${name} cannot end with a hyphen or contain two consecutive hyphens, got '${value}'`);
  }
}
