import { ArnFormat, Duration, IResource, RemovalPolicy, Resource, Size, SizeRoundingBehavior, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CfnServerlessCache } from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { CacheAuth, CacheAuthType } from './auth';
import { AddConsumerOptions, CacheConsumer } from './consumer';
import { Endpoint } from './endpoint';
import { CacheEngineType } from './engine';
import { addConsumerTo } from './private/consumers';
import { DEFAULT_PREFIX, portText, prefixContract } from './private/contract';
import { DEFAULT_PERIOD, NAMESPACE } from './private/metrics';
import { lowerCaseName } from './private/naming';
import { checkUserGroupEngine, userAccess } from './private/rbac';
import { checkIdentifier, checkIntegerRange, checkSnapshotName, fail, wholeDays } from './private/validation';
import { CacheSubnetGroup } from './subnet-group';
import { IUser, User, UserAuthentication } from './user';
import { IUserGroup, UserGroup } from './user-group';

/** Serverless cache names: stored lower-case; capped at 40 characters. */
const MAX_NAME_LENGTH = 40;
const MAX_DESCRIPTION_LENGTH = 255;
const MIN_DATA_STORAGE_GB = 1;
const MAX_DATA_STORAGE_GB = 5000;
const MIN_ECPU_PER_SECOND = 1000;
const MAX_ECPU_PER_SECOND = 15_000_000;
const MIN_SNAPSHOT_RETENTION_DAYS = 1;
const MAX_SNAPSHOT_RETENTION_DAYS = 35;
const DEFAULT_SNAPSHOT_RETENTION_DAYS = 15;
const DEFAULT_DAILY_SNAPSHOT_TIME = '03:00';
const REDIS_PORT = 6379;
const MEMCACHED_PORT = 11211;
const SERVERLESS_CACHE_SYMBOL = Symbol.for('cdk-elasticache.ServerlessCache');

/** The engines a serverless cache can run. */
export enum ServerlessEngineType {
  /** Valkey. */
  VALKEY = 'valkey',
  /** Redis OSS. */
  REDIS = 'redis',
  /** Memcached. */
  MEMCACHED = 'memcached',
}

/**
 * The engine and major version of a {@link ServerlessCache}: ElastiCache applies minor versions
 * itself.
 */
export class ServerlessEngine {
  /** Valkey 7. */
  public static readonly VALKEY_7 = new ServerlessEngine(ServerlessEngineType.VALKEY, '7');
  /** Valkey 8. */
  public static readonly VALKEY_8 = new ServerlessEngine(ServerlessEngineType.VALKEY, '8');
  /** The latest Valkey major version this library knows: 8. */
  public static readonly VALKEY_LATEST = ServerlessEngine.VALKEY_8;
  /** Redis OSS 7. */
  public static readonly REDIS_7 = new ServerlessEngine(ServerlessEngineType.REDIS, '7');
  /** Memcached 1.6. */
  public static readonly MEMCACHED_1_6 = new ServerlessEngine(ServerlessEngineType.MEMCACHED, '1.6');

  /** Any Valkey major version, e.g. `ServerlessEngine.valkey('9')`: 7 or later. */
  public static valkey(majorVersion: string): ServerlessEngine {
    return new ServerlessEngine(ServerlessEngineType.VALKEY, majorVersion);
  }

  /** Any Redis OSS major version: 7 or later. */
  public static redis(majorVersion: string): ServerlessEngine {
    return new ServerlessEngine(ServerlessEngineType.REDIS, majorVersion);
  }

  /** Any Memcached version, e.g. `ServerlessEngine.memcached('1.6')`. */
  public static memcached(majorVersion: string): ServerlessEngine {
    return new ServerlessEngine(ServerlessEngineType.MEMCACHED, majorVersion);
  }

  /** The engine. */
  public readonly engineType: ServerlessEngineType;
  /** The CloudFormation `Engine` value: `valkey`, `redis` or `memcached`. */
  public readonly engineName: string;
  /** The CloudFormation `MajorEngineVersion` value. */
  public readonly majorVersion: string;

  private constructor(engineType: ServerlessEngineType, majorVersion: string) {
    if (Token.isUnresolved(majorVersion)) {
      fail('The serverless engine version must be a literal such as \'8\'');
    }
    if (engineType === ServerlessEngineType.MEMCACHED) {
      if (!/^1\.\d+$/.test(majorVersion)) {
        fail(`Serverless Memcached versions look like '1.6', got '${majorVersion}'`);
      }
    } else if (!/^\d+$/.test(majorVersion) || Number(majorVersion) < 7) {
      fail(`Serverless ${engineType === ServerlessEngineType.VALKEY ? 'Valkey' : 'Redis OSS'} major versions are whole numbers from 7, got '${majorVersion}'`);
    }
    this.engineType = engineType;
    this.engineName = engineType;
    this.majorVersion = majorVersion;
  }

  /** Whether users and user groups (RBAC, IAM) are supported: Valkey and Redis OSS, not Memcached. */
  public get supportsRbac(): boolean {
    return this.engineType !== ServerlessEngineType.MEMCACHED;
  }

  /** The endpoint port: 6379 for Valkey and Redis OSS, 11211 for Memcached. */
  public get defaultPort(): number {
    return this.engineType === ServerlessEngineType.MEMCACHED ? MEMCACHED_PORT : REDIS_PORT;
  }

  /** A readable description, e.g. `valkey 8`. */
  public toString(): string {
    return `${this.engineName} ${this.majorVersion}`;
  }
}

/** An ElastiCache serverless cache. */
export interface IServerlessCache extends IResource, ec2.IConnectable {
  /**
   * The cache name (lower case: the `ServerlessCacheName` dimension of its metrics).
   *
   * @attribute
   */
  readonly serverlessCacheName: string;

  /**
   * The cache ARN.
   *
   * @attribute
   */
  readonly serverlessCacheArn: string;

  /** The endpoint (all reads and writes). */
  readonly endpoint: Endpoint;

  /** The reader endpoint (Valkey and Redis OSS: reads from replicas after `READONLY`). */
  readonly readerEndpoint: Endpoint;

  /** Grants the given actions on this cache. */
  grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;

  /** Grants `elasticache:Connect` on this cache (IAM authentication also needs it on the user). */
  grantConnect(grantee: iam.IGrantable): iam.Grant;

  /**
   * A metric of the cache (dimension `ServerlessCacheName`).
   *
   * @default Average over 5 minutes
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** Attributes to import a serverless cache. */
export interface ServerlessCacheAttributes {
  /** The cache name (lower-cased for metrics and ARNs, as ElastiCache stores it). */
  readonly serverlessCacheName: string;

  /**
   * The engine, used for the default port.
   *
   * @default - unknown: the default port is 6379
   */
  readonly engine?: ServerlessEngine;

  /**
   * The endpoint address.
   *
   * @default - `endpoint` throws
   */
  readonly endpointAddress?: string;

  /**
   * The endpoint port.
   *
   * @default - the engine's port: 6379, or 11211 for Memcached
   */
  readonly endpointPort?: number;

  /**
   * The reader endpoint address.
   *
   * @default - `readerEndpoint` throws
   */
  readonly readerEndpointAddress?: string;

  /**
   * The reader endpoint port.
   *
   * @default - the endpoint port plus one (6380)
   */
  readonly readerEndpointPort?: number;

  /**
   * The cache's security groups.
   *
   * @default - no security groups: `connections` cannot open ingress
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** Properties of a {@link ServerlessCache}. */
export interface ServerlessCacheProps {
  /** The VPC of the cache's endpoints. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the cache's endpoints. Changing them replaces the cache.
   *
   * @default - the VPC's private subnets with egress; if it has none, its isolated subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups for the endpoints.
   *
   * @default - a new security group with no ingress; use `connections` or `addConsumer` to let clients in
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The engine and major version.
   *
   * @default ServerlessEngine.VALKEY_LATEST
   */
  readonly engine?: ServerlessEngine;

  /**
   * The cache name: 1 to 40 lower-case letters, digits and hyphens, starting with a letter, with no
   * trailing hyphen and no `--` (ElastiCache stores it lower-case). Changing it replaces the cache.
   *
   * @default - a lower-case name generated from the construct path
   */
  readonly serverlessCacheName?: string;

  /**
   * A description: at most 255 characters, without `<` and `>`.
   *
   * @default - "Serverless cache <construct path>"
   */
  readonly description?: string;

  /**
   * A customer managed key for the data (and snapshots). Changing it replaces the cache.
   *
   * @default - an AWS owned key
   */
  readonly kmsKey?: kms.IKey;

  /**
   * How clients authenticate. Serverless caches support role-based access control only:
   * `CacheAuth.userGroup(group)` makes clients authenticate as the group's password or IAM users
   * (consumers say which with `addConsumer(consumer, { user })`; Redis OSS caches accept REDIS
   * groups only), and `CacheAuth.none()` lets any client that reaches the endpoint in without
   * authentication. AUTH tokens (`CacheAuth.token()`) are not supported. Memcached has no
   * authentication: only `CacheAuth.none()` is accepted there. ElastiCache changes the user
   * group of an existing cache in place (ModifyServerlessCache).
   *
   * @default - Valkey and Redis OSS: a new user group (VALKEY or REDIS, matching the engine) with
   * one password user whose password is generated in Secrets Manager (`generatedUser`);
   * consumers added without `user` connect as it. Memcached: no authentication.
   */
  readonly auth?: CacheAuth;

  /**
   * The most data the cache may hold: 1 to 5,000 GB (whole gigabytes).
   *
   * @default - no limit
   */
  readonly maxDataStorage?: Size;

  /**
   * The data storage the cache always pays for and is scaled for: 1 to 5,000 GB.
   *
   * @default - no minimum
   */
  readonly minDataStorage?: Size;

  /**
   * The most ElastiCache Processing Units per second the cache may use: 1,000 to 15,000,000.
   *
   * @default - no limit
   */
  readonly maxEcpuPerSecond?: number;

  /**
   * The ElastiCache Processing Units per second the cache is always scaled for: 1,000 to
   * 15,000,000.
   *
   * @default - no minimum
   */
  readonly minEcpuPerSecond?: number;

  /**
   * How long daily snapshots are kept: 1 to 35 days.
   *
   * @default Duration.days(15)
   */
  readonly snapshotRetention?: Duration;

  /**
   * When the daily snapshot starts, `HH:MM` in UTC.
   *
   * @default '03:00'
   */
  readonly dailySnapshotTime?: string;

  /**
   * A snapshot to take when the cache is deleted (ElastiCache's `FinalSnapshotName`; it must not
   * exist yet). CloudFormation has no `Snapshot` deletion policy for serverless caches: this is
   * how to keep the data with `RemovalPolicy.DESTROY`.
   *
   * @default - no final snapshot
   */
  readonly finalSnapshotName?: string;

  /**
   * Restore the cache from these snapshots (ARNs). Changing them replaces the cache.
   *
   * @default - an empty cache
   */
  readonly snapshotArnsToRestore?: string[];

  /**
   * What happens to the cache when it leaves the stack: `RETAIN` keeps it running,
   * `DESTROY` deletes it (with a final snapshot if `finalSnapshotName` is set). `SNAPSHOT` is not
   * supported by CloudFormation for serverless caches.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Grants, metrics and ARN shared by new and imported serverless caches. */
export abstract class ServerlessCacheBase extends Resource implements IServerlessCache {
  public abstract readonly serverlessCacheName: string;
  public abstract readonly connections: ec2.Connections;
  public abstract readonly endpoint: Endpoint;
  public abstract readonly readerEndpoint: Endpoint;

  public get serverlessCacheArn(): string {
    return Stack.of(this).formatArn({
      service: 'elasticache',
      resource: 'serverlesscache',
      resourceName: this.serverlessCacheName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.serverlessCacheArn] });
  }

  /** Grants `elasticache:Connect` on this cache. With IAM authentication the principal also needs it on the user. */
  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, 'elasticache:Connect');
  }

  /**
   * A metric of the cache: namespace `AWS/ElastiCache`, dimension `ServerlessCacheName` (the
   * lower-case name ElastiCache publishes under).
   *
   * @default Average over 5 minutes
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: NAMESPACE,
      metricName,
      dimensionsMap: { ServerlessCacheName: this.serverlessCacheName },
      period: DEFAULT_PERIOD,
      statistic: cloudwatch.Stats.AVERAGE,
      ...props,
    }).attachTo(this);
  }

  /**
   * ElastiCache Processing Units consumed (the billed compute: reads, writes and their size).
   *
   * @default Sum over 5 minutes
   */
  public metricElastiCacheProcessingUnits(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ElastiCacheProcessingUnits', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Bytes of data stored (the billed storage).
   *
   * @default Maximum over 5 minutes
   */
  public metricBytesUsedForCache(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('BytesUsedForCache', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /**
   * Hits as a percentage of key lookups.
   *
   * @default Average over 5 minutes
   */
  public metricCacheHitRate(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CacheHitRate', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  /**
   * Client connections.
   *
   * @default Maximum over 5 minutes
   */
  public metricCurrConnections(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('CurrConnections', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /**
   * Commands throttled because the cache reached its ECPU limit or was still scaling.
   *
   * @default Sum over 5 minutes
   */
  public metricThrottledCmds(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ThrottledCmds', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /**
   * Latency of successful reads, in microseconds.
   *
   * @default Average over 5 minutes
   */
  public metricSuccessfulReadRequestLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('SuccessfulReadRequestLatency', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  /**
   * Latency of successful writes, in microseconds.
   *
   * @default Average over 5 minutes
   */
  public metricSuccessfulWriteRequestLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('SuccessfulWriteRequestLatency', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }
}

/**
 * An ElastiCache serverless cache (Valkey, Redis OSS or Memcached): no nodes to size, data
 * encrypted at rest and in transit (TLS is always on), endpoints in your subnets behind a
 * security group without ingress, 15 days of daily snapshots, and (Valkey and Redis OSS)
 * role-based access control with a user group: a generated one with one password user unless
 * `auth` says otherwise.
 *
 * @resource AWS::ElastiCache::ServerlessCache
 * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/WhatIs.corecomponents.html
 */
export class ServerlessCache extends ServerlessCacheBase {
  /** Imports an existing serverless cache. */
  public static fromServerlessCacheAttributes(scope: Construct, id: string, attrs: ServerlessCacheAttributes): IServerlessCache {
    const name = attrs.serverlessCacheName;
    if (!Token.isUnresolved(name) && name.trim() === '') {
      fail('serverlessCacheName must not be empty');
    }
    const port = attrs.endpointPort ?? attrs.engine?.defaultPort ?? REDIS_PORT;
    const readerPort = attrs.readerEndpointPort ?? (Token.isUnresolved(port) ? undefined : port + 1);
    class Import extends ServerlessCacheBase {
      // ElastiCache stores the name lower-case; metrics and ARNs use that form.
      public readonly serverlessCacheName = Token.isUnresolved(name) ? name : name.toLowerCase();
      public readonly connections = new ec2.Connections({ securityGroups: attrs.securityGroups, defaultPort: ec2.Port.tcp(port) });
      public get endpoint(): Endpoint {
        if (attrs.endpointAddress === undefined) {
          throw new Error('Cannot access endpoint of an imported serverless cache without endpointAddress');
        }
        return new Endpoint(attrs.endpointAddress, port);
      }
      public get readerEndpoint(): Endpoint {
        if (attrs.readerEndpointAddress === undefined || readerPort === undefined) {
          throw new Error('Cannot access readerEndpoint of an imported serverless cache without readerEndpointAddress' +
            (readerPort === undefined ? ' and readerEndpointPort' : ''));
        }
        return new Endpoint(attrs.readerEndpointAddress, readerPort);
      }
    }
    return new Import(scope, id);
  }

  /** Imports an existing serverless cache by name. */
  public static fromServerlessCacheName(scope: Construct, id: string, serverlessCacheName: string): IServerlessCache {
    return ServerlessCache.fromServerlessCacheAttributes(scope, id, { serverlessCacheName });
  }

  /** Whether the given object is a ServerlessCache. */
  public static isServerlessCache(x: any): x is ServerlessCache {
    return x !== null && typeof x === 'object' && SERVERLESS_CACHE_SYMBOL in x;
  }

  public readonly serverlessCacheName: string;
  public readonly connections: ec2.Connections;
  /** The engine and major version. */
  public readonly engine: ServerlessEngine;
  /**
   * How clients authenticate: `RBAC` (a user group, given or generated) or `NONE` (Memcached, or
   * `auth: CacheAuth.none()`).
   */
  public readonly authType: CacheAuthType;
  /**
   * The user group (role-based access control): the one given with `auth`, or the one the cache
   * created.
   *
   * @default - no user group (Memcached, or `auth: CacheAuth.none()`)
   */
  public readonly userGroup?: IUserGroup;
  /**
   * The password user of the user group the cache created when no `auth` was given. Consumers
   * added without `user` connect as it; its secret holds JSON `{"username", "password"}`.
   *
   * @default - none (a user group or `CacheAuth.none()` was given, or the engine is Memcached)
   */
  public readonly generatedUser?: IUser;

  private readonly resource: CfnServerlessCache;

  constructor(scope: Construct, id: string, props: ServerlessCacheProps) {
    super(scope, id);
    Object.defineProperty(this, SERVERLESS_CACHE_SYMBOL, { value: true });

    // Effective values: defaults applied once.
    this.engine = props.engine ?? ServerlessEngine.VALKEY_LATEST;
    const name = props.serverlessCacheName ?? lowerCaseName(this, MAX_NAME_LENGTH);
    const retentionDays = props.snapshotRetention === undefined
      ? DEFAULT_SNAPSHOT_RETENTION_DAYS
      : wholeDays('snapshotRetention', props.snapshotRetention) ?? props.snapshotRetention.toDays();
    const dailySnapshotTime = props.dailySnapshotTime ?? DEFAULT_DAILY_SNAPSHOT_TIME;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // Validation.
    checkIdentifier('serverlessCacheName', props.serverlessCacheName, MAX_NAME_LENGTH);
    this.validateDescription(props.description);
    checkIntegerRange('snapshotRetention', retentionDays, MIN_SNAPSHOT_RETENTION_DAYS, MAX_SNAPSHOT_RETENTION_DAYS, 'days');
    if (!Token.isUnresolved(dailySnapshotTime) && !/^([01]\d|2[0-3]):[0-5]\d$/.test(dailySnapshotTime)) {
      fail(`dailySnapshotTime must have the format HH:MM (UTC), e.g. '03:00', got '${dailySnapshotTime}'`);
    }
    checkSnapshotName('finalSnapshotName', props.finalSnapshotName);
    if (removalPolicy === RemovalPolicy.SNAPSHOT) {
      fail('removalPolicy SNAPSHOT is not supported for serverless caches by CloudFormation: use RemovalPolicy.DESTROY with finalSnapshotName, or RemovalPolicy.RETAIN');
    }
    const dataStorage = this.usageLimit('DataStorage', props.minDataStorage, props.maxDataStorage);
    const ecpu = this.ecpuLimit(props.minEcpuPerSecond, props.maxEcpuPerSecond);
    // Authentication: a given user group, none, or (Valkey and Redis OSS) a generated group.
    const auth = this.resolveAuth(props);
    const userEngine = this.engine.engineType === ServerlessEngineType.REDIS ? CacheEngineType.REDIS : CacheEngineType.VALKEY;
    if (auth === undefined) {
      this.authType = CacheAuthType.RBAC;
      const user = this.generateUser(userEngine, removalPolicy, props.kmsKey);
      this.generatedUser = user;
      this.userGroup = this.generateUserGroup(userEngine, user, removalPolicy);
    } else {
      this.authType = auth.type;
      this.userGroup = auth.type === CacheAuthType.RBAC ? auth.bind(this, {}).userGroup : undefined;
    }
    if (this.userGroup !== undefined) {
      checkUserGroupEngine(this, this.userGroup, userEngine, this.engine.toString(), true);
    }

    // Network: the generated security group keeps its rules out of line, since the port comes
    // from the cache (an inline rule would make the group depend on the cache that uses it).
    const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? CacheSubnetGroup._defaultSubnets(props.vpc));
    if (subnets.subnetIds.length === 0) {
      fail('vpcSubnets selects no subnets: choose subnets of the VPC for the cache');
    }
    if (props.securityGroups !== undefined && props.securityGroups.length === 0) {
      fail('securityGroups must contain at least one security group, got an empty list: omit it to create one');
    }
    const securityGroups = props.securityGroups ?? [
      new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: `ElastiCache serverless cache ${this.node.path}`,
        allowAllOutbound: false,
        disableInlineRules: true,
      }),
    ];

    this.resource = new CfnServerlessCache(this, 'Resource', {
      serverlessCacheName: name,
      description: props.description ?? `Serverless cache ${this.node.path}`,
      engine: this.engine.engineName,
      majorEngineVersion: this.engine.majorVersion,
      subnetIds: subnets.subnetIds,
      securityGroupIds: securityGroups.map((sg) => sg.securityGroupId),
      kmsKeyId: props.kmsKey?.keyArn,
      userGroupId: this.userGroup?.userGroupId,
      cacheUsageLimits: dataStorage !== undefined || ecpu !== undefined
        ? { dataStorage, ecpuPerSecond: ecpu }
        : undefined,
      snapshotRetentionLimit: retentionDays,
      dailySnapshotTime,
      finalSnapshotName: props.finalSnapshotName,
      snapshotArnsToRestore: props.snapshotArnsToRestore,
    });
    this.resource.applyRemovalPolicy(removalPolicy);
    // The literal lower-case name: the metric dimension must match what ElastiCache stores.
    this.serverlessCacheName = Token.isUnresolved(name) ? name : name.toLowerCase();
    this.connections = new ec2.Connections({ securityGroups, defaultPort: attributePort(this.endpoint.port, 'Endpoint.Port') });
    if (props.securityGroups === undefined) {
      // cdk-nag cannot read a port that is an attribute, and reports rules on it as if they could
      // open SSH or database ports.
      const reason = 'The rules of this security group open only the serverless endpoint\'s ports (Endpoint.Port and ' +
        'ReaderEndpoint.Port attributes, 6379/6380 or 11211/11212), which are known at deploy time only, and only to the ' +
        'security groups of consumers added to the cache.';
      for (const rule of ['HIPAA.Security-EC2RestrictedCommonPorts', 'HIPAA.Security-EC2RestrictedSSH',
        'NIST.800.53.R5-EC2RestrictedCommonPorts', 'NIST.800.53.R5-EC2RestrictedSSH']) {
        Validations.of(securityGroups[0]).acknowledge({ id: rule, reason });
      }
    }
  }

  public get endpoint(): Endpoint {
    return new Endpoint(this.resource.attrEndpointAddress, Token.asNumber(this.resource.attrEndpointPort));
  }

  public get readerEndpoint(): Endpoint {
    if (!this.engine.supportsRbac) {
      throw new Error(`readerEndpoint is not available on a serverless Memcached cache (${this.node.path}): use endpoint`);
    }
    return new Endpoint(this.resource.attrReaderEndpointAddress, Token.asNumber(this.resource.attrReaderEndpointPort));
  }

  /**
   * Gives a consumer access: opens the security group to it on the endpoint port (and the reader
   * port for Valkey and Redis OSS), and hands it the connection contract (`CACHE_ENGINE`,
   * `CACHE_MODE=serverless`, `CACHE_HOST`, `CACHE_PORT`, `CACHE_READER_HOST`, `CACHE_READER_PORT`,
   * `CACHE_TLS=true`, `CACHE_AUTH`, `CACHE_ID` = the cache name, with the chosen prefix).
   *
   * With a user group the consumer connects as `options.user`: a password user gives
   * `CACHE_AUTH=password`, `CACHE_USER` and its readable `CACHE_SECRET_ARN`; an IAM user gives
   * `CACHE_AUTH=iam`, `CACHE_USER` and `elasticache:Connect` on the cache and the user. Without
   * `options.user` the consumer connects as the `generatedUser` of a cache that created its user
   * group; a user group given with `auth` needs `options.user`. Without a user group (Memcached,
   * `CacheAuth.none()`) `CACHE_AUTH` is `none`.
   */
  public addConsumer(consumer: CacheConsumer, options: AddConsumerOptions = {}): void {
    const access = userAccess(this, this.serverlessCacheArn, consumer.target, this.userGroup, options.user ?? this.generatedUser);
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    const endpoint = this.endpoint;
    const reader = this.engine.supportsRbac ? this.readerEndpoint : undefined;
    const environment = prefixContract(prefix, {
      ENGINE: this.engine.engineName,
      MODE: 'serverless',
      HOST: endpoint.hostname,
      PORT: portText(endpoint.port),
      READER_HOST: reader?.hostname,
      READER_PORT: reader ? portText(reader.port) : undefined,
      TLS: 'true',
      AUTH: 'none',
      ID: this.serverlessCacheName,
      ...access?.values,
    });
    addConsumerTo(consumer, {
      cache: this,
      connections: this.connections,
      environment,
      prefix,
      secrets: access?.secrets,
      connectResourceArns: access?.connectResourceArns,
      additionalPorts: reader ? [attributePort(reader.port, 'ReaderEndpoint.Port')] : undefined,
    });
  }

  /**
   * The authentication choice from `auth`, checked against the engine
   * (serverless caches support role-based access control only, Memcached no authentication);
   * undefined when the cache creates its own user group.
   */
  private resolveAuth(props: ServerlessCacheProps): CacheAuth | undefined {
    const auth = props.auth ?? (this.engine.supportsRbac ? undefined : CacheAuth.none());
    if (auth === undefined) return undefined;
    if (auth.type === CacheAuthType.TOKEN) {
      fail(this.engine.supportsRbac
        ? 'auth: serverless caches support role-based access control only, not an AUTH token: ' +
          'use CacheAuth.userGroup(group), or omit auth for a generated user group'
        : `auth: Memcached has no authentication, got an AUTH token on ${this.engine}: remove auth or use CacheAuth.none()`);
    }
    if (auth.type === CacheAuthType.RBAC && !this.engine.supportsRbac) {
      fail(`auth: CacheAuth.userGroup(group) is only supported by Valkey and Redis OSS serverless caches, got ${this.engine}: remove auth`);
    }
    return auth;
  }

  /**
   * The password user of the generated user group: the default access string, a password
   * generated in Secrets Manager (encrypted with the cache's key when it has one), and ids derived
   * from the construct path (lower case, at most 40 characters).
   */
  private generateUser(engine: CacheEngineType, removalPolicy: RemovalPolicy, kmsKey: kms.IKey | undefined): User {
    const user = new User(this, 'User', { engine, authentication: UserAuthentication.password({ encryptionKey: kmsKey }) });
    keepWithRetainedCache(user, removalPolicy);
    keepWithRetainedCache(user.node.findChild('Secret'), removalPolicy);
    return user;
  }

  /**
   * The generated user group, of the cache's engine: a REDIS group also gets its disabled
   * `default` user (UserGroup adds it), which Redis OSS groups must contain.
   */
  private generateUserGroup(engine: CacheEngineType, user: User, removalPolicy: RemovalPolicy): UserGroup {
    const group = new UserGroup(this, 'UserGroup', { engine, users: [user] });
    keepWithRetainedCache(group, removalPolicy);
    const defaultUser = group.node.tryFindChild('DefaultUser');
    if (defaultUser !== undefined) keepWithRetainedCache(defaultUser, removalPolicy);
    return group;
  }

  private validateDescription(description: string | undefined): void {
    if (description === undefined || Token.isUnresolved(description)) return;
    if (description.length > MAX_DESCRIPTION_LENGTH) {
      fail(`description must be at most ${MAX_DESCRIPTION_LENGTH} characters, got ${description.length}`);
    }
    if (/[<>]/.test(description)) {
      fail(`description must not contain '<' or '>', got '${description}'`);
    }
  }

  private usageLimit(what: string, min: Size | undefined, max: Size | undefined): CfnServerlessCache.DataStorageProperty | undefined {
    if (min === undefined && max === undefined) return undefined;
    const gb = (name: string, size: Size | undefined): number | undefined => {
      if (size === undefined || size.isUnresolved()) return size?.toGibibytes();
      const value = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
      if (!Number.isInteger(value) || value < MIN_DATA_STORAGE_GB || value > MAX_DATA_STORAGE_GB) {
        fail(`${name} must be a whole number of GB between ${MIN_DATA_STORAGE_GB} and ${MAX_DATA_STORAGE_GB}, got ${value} GB`);
      }
      return value;
    };
    const minimum = gb(`min${what}`, min);
    const maximum = gb(`max${what}`, max);
    if (minimum !== undefined && maximum !== undefined && !Token.isUnresolved(minimum) && !Token.isUnresolved(maximum) && minimum > maximum) {
      fail(`min${what} must not exceed max${what}, got ${minimum} GB and ${maximum} GB`);
    }
    return { unit: 'GB', minimum, maximum };
  }

  private ecpuLimit(min: number | undefined, max: number | undefined): CfnServerlessCache.ECPUPerSecondProperty | undefined {
    if (min === undefined && max === undefined) return undefined;
    checkIntegerRange('minEcpuPerSecond', min, MIN_ECPU_PER_SECOND, MAX_ECPU_PER_SECOND);
    checkIntegerRange('maxEcpuPerSecond', max, MIN_ECPU_PER_SECOND, MAX_ECPU_PER_SECOND);
    if (min !== undefined && max !== undefined && !Token.isUnresolved(min) && !Token.isUnresolved(max) && min > max) {
      fail(`minEcpuPerSecond must not exceed maxEcpuPerSecond, got ${min} and ${max}`);
    }
    return { minimum: min, maximum: max };
  }
}

/**
 * A TCP port from a CloudFormation attribute, named after the attribute: rules on different
 * attribute ports from the same peer then get different construct ids (a plain token port is
 * named `{IndirectPort}`, and a second rule would be taken for the first).
 */
function attributePort(port: number, attribute: string): ec2.Port {
  return new ec2.Port({ protocol: ec2.Protocol.TCP, fromPort: port, toPort: port, stringRepresentation: attribute });
}

/**
 * A retained cache keeps the user group and credentials it was created with: deleting them would
 * fail while the cache uses the group, and a deleted password secret could not be recovered.
 */
function keepWithRetainedCache(construct: IConstruct, removalPolicy: RemovalPolicy): void {
  if (removalPolicy !== RemovalPolicy.RETAIN && removalPolicy !== RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE) return;
  if (construct instanceof Resource) construct.applyRemovalPolicy(removalPolicy);
}
