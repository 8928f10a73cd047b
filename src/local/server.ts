import { randomBytes } from 'node:crypto';
import type * as net from 'node:net';
import { Acl, AclDenial, noPermissionMessage } from './acl';
import { BlockState, Client } from './client';
import type { ClusterTopology } from './cluster';
import { buildCommandTable } from './commands';
import { clientInfoLine } from './commands/client';
import { localNodes } from './commands/replication';
import { setInfoSection } from './commands/server';
import { Command, Errors, ReplyError, unknownCommand, unknownSubcommand, wrongArity } from './commands/types';
import { Config, MaxmemoryPolicy } from './config';
import { ConfigValueError } from './config-params';
import type { IamCredentials } from './iam';
import { LatencyMonitor, Slowlog } from './monitoring';
import { Listener, ListenerTls, startListener } from './net/listener';
import { Notify, parseNotifyFlags } from './notify';
import { PubSub } from './pubsub';
import { ReplicationState, replicationInfo } from './replication';
import { DoubleStyle } from './resp/reply';
import { ScriptingEngine, busyError } from './scripting/engine';
import { Clock, systemClock } from './store/clock';
import { Db, DbHost, Entry } from './store/db';
import { performEvictions } from './store/eviction';
import { activeExpireCycle, lazyfree } from './store/expire';
import { EncodingConfig, MemoryCounter } from './store/types';
import { Tracking } from './tracking';

/** Which server the local node imitates. */
export type EngineFlavor = 'valkey' | 'redis';

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 'valkey' */
  readonly engine?: EngineFlavor;
  /** Version reported by INFO and HELLO. @default '8.0.2' for valkey, '7.1.0' for redis */
  readonly version?: string;
  /** requirepass: the default user's password (an ElastiCache AUTH token). */
  readonly password?: string;
  /** ACL users as ACL SETUSER rule strings, e.g. `['alice on >secret ~app:* +@read']`. */
  readonly users?: readonly string[];
  /**
   * Credentials IAM authentication tokens must be signed with (users marked with
   * `AclUser.iam`). Without them a token's form, cache, user and validity are still checked.
   */
  readonly iamCredentials?: IamCredentials;
  /** Configuration parameters (CONFIG SET names), applied at startup. */
  readonly config?: Readonly<Record<string, string | number | boolean>>;
  /** Serve TLS with this key and certificate. */
  readonly tls?: ListenerTls & {
    /** Also accept plaintext on the same port (transit encryption mode `preferred`). */
    readonly allowPlaintext?: boolean;
  };
  /**
   * Refuse the commands ElastiCache restricts (CONFIG, SAVE, DEBUG, REPLICAOF...) as the service
   * does: they are unknown commands there. @default false
   */
  readonly elasticache?: boolean;
  /** Time source. @default the system clock */
  readonly clock?: Clock;
  /** Log sink. @default none */
  readonly log?: (line: string) => void;
}

/** A running server. */
export interface RunningRedisServer {
  readonly host: string;
  readonly port: number;
  readonly server: RedisServer;
  /** Closes every client connection and the listener. */
  stop(): Promise<void>;
}

/**
 * Commands ElastiCache does not offer: the service's "Restricted commands" list (bgrewriteaof,
 * bgsave, config, debug, migrate, replicaof, save, slaveof, shutdown, sync) and, from its list
 * of restricted Valkey and Redis OSS commands, psync and the ACL and CLUSTER subcommands that
 * manage users and the cluster topology (the service manages those). Clients see the engine's
 * usual unknown-command (or unknown-subcommand) error for them.
 */
export const ELASTICACHE_RESTRICTED = new Set([
  'bgrewriteaof', 'bgsave', 'config', 'debug', 'migrate', 'psync', 'replicaof', 'save', 'slaveof',
  'shutdown', 'sync', 'acl|setuser', 'acl|deluser', 'acl|load', 'acl|save',
  'cluster|addslots', 'cluster|addslotsrange', 'cluster|bumpepoch', 'cluster|delslots', 'cluster|delslotsrange',
  'cluster|failover', 'cluster|flushslots', 'cluster|forget', 'cluster|links', 'cluster|meet', 'cluster|setslot',
]);

/** Starts a Redis-protocol node on 127.0.0.1 (port 0 = a free port). */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RunningRedisServer> {
  const server = new RedisServer(options);
  await server.listen();
  return {
    host: server.host,
    port: server.port,
    server,
    stop: () => server.stop(),
  };
}

/** Listener for the write commands a server executes, in order (replication, AOF-like observers). */
export type PropagationListener = (db: number, argv: readonly string[]) => void;

/** Counters reported by INFO stats. */
export interface ServerStats {
  connectionsReceived: number;
  commandsProcessed: number;
  expiredKeys: number;
  evictedKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  rejectedConnections: number;
  totalErrorReplies: number;
  netInputBytes: number;
  netOutputBytes: number;
  errors: Map<string, number>;
  /** Values freed by UNLINK, FLUSHALL ASYNC and the lazyfree-* settings (INFO lazyfreed_objects). */
  lazyfreedObjects: number;
  /** Errors in replies the server did not expect to send (INFO unexpected_error_replies). */
  unexpectedErrorReplies: number;
  /** Socket reads and writes (INFO total_reads_processed, total_writes_processed). */
  readsProcessed: number;
  writesProcessed: number;
  /** Clients closed for their query or output buffer limits. */
  queryBufferLimitDisconnections: number;
  outputBufferLimitDisconnections: number;
  /** ACL refusals (INFO acl_access_denied_*). */
  aclDeniedAuth: number;
  aclDeniedCommand: number;
  aclDeniedKey: number;
  aclDeniedChannel: number;
}

/**
 * One Redis-protocol node: its keyspace, clients, configuration and command dispatch. Topologies
 * (replication, cluster slots) are built from several of these.
 */
export class RedisServer implements DbHost {
  public readonly engine: EngineFlavor;
  public readonly version: string;
  public readonly runId = randomBytes(20).toString('hex');
  public readonly clock: Clock;
  public readonly config: Config;
  public readonly acl: Acl;
  public readonly mem: MemoryCounter = { used: 0 };
  public readonly dbs: Db[];
  public readonly clients = new Map<number, Client>();
  public readonly pubsub: PubSub;
  public readonly commands: Map<string, Command>;
  /** Commands in table order (COMMAND, ACL ids). */
  public readonly commandList: Command[];
  public readonly stats: ServerStats = {
    connectionsReceived: 0,
    commandsProcessed: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    rejectedConnections: 0,
    totalErrorReplies: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    errors: new Map(),
    lazyfreedObjects: 0,
    unexpectedErrorReplies: 0,
    readsProcessed: 0,
    writesProcessed: 0,
    queryBufferLimitDisconnections: 0,
    outputBufferLimitDisconnections: 0,
    aclDeniedAuth: 0,
    aclDeniedCommand: 0,
    aclDeniedKey: 0,
    aclDeniedChannel: 0,
  };
  public readonly startedAt: number;
  public readonly doubleStyle: DoubleStyle;
  public readonly restricted: ReadonlySet<string> | null;

  /** Write operations since start (the server's "dirty" counter). */
  public dirty = 0;
  /** The most memory used so far (INFO used_memory_peak). */
  public peakMemory = 0;
  /** SAVE/BGSAVE and BGREWRITEAOF calls (INFO rdb_saves, aof_rewrites). */
  public rdbSaves = 0;
  public aofRewrites = 0;
  /** Milliseconds spent in active expiry (INFO expire_cycle_cpu_milliseconds). */
  public expireCycleMs = 0;
  /** Unix time (seconds) of the last successful save: SAVE/BGSAVE succeed without writing. */
  public lastSave: number;
  /** The dirty counter at the last save (INFO rdb_changes_since_last_save). */
  public dirtyAtLastSave = 0;
  /** The client whose command is running (tracking NOLOOP, CLIENT KILL of itself). */
  public currentClient: Client | null = null;
  /** Clients in MONITOR mode. */
  public readonly monitors = new Set<Client>();
  public readonly slowlog = new Slowlog();
  public readonly latency = new LatencyMonitor();
  public readonly tracking: Tracking;
  /** Active expiry can be switched off (DEBUG SET-ACTIVE-EXPIRE 0). */
  public activeExpireEnabled = true;
  /** Recent samples of counters for INFO's instantaneous_* fields. */
  private readonly instantaneous = new InstantaneousMetrics();
  /** Role: a replica refuses writes from ordinary clients and keeps expired keys until told. */
  public role: 'master' | 'replica' = 'master';
  /** Set while a replica applies its primary's write stream (see DbHost). */
  public applyingPrimaryStream = false;

  // Values cached from the configuration (read on hot paths).
  public maxmemory = 0;
  public maxmemoryPolicy: MaxmemoryPolicy = 'noeviction';
  public maxmemorySamples = 5;
  public notifyFlags = 0;
  public protoMaxBulkLen = 512 * 1024 * 1024;
  public queryBufferLimit = 1024 * 1024 * 1024;
  public timeoutSeconds = 0;
  public lfuLogFactor = 10;
  public lfuDecayTime = 1;
  public slowlogSlowerThan = 10000;
  public slowlogMaxLen = 128;
  public latencyThreshold = 0;
  public latencyTracking = true;
  public trackingTableMaxKeys = 1000000;
  /** busy-reply-threshold (lua-time-limit), in ms: when a long script starts answering BUSY. */
  public busyReplyThreshold = 5000;
  public maxclients = 10000;
  /** Client output buffer limits: hard bytes, soft bytes, soft seconds, per class. */
  public outputLimits: Record<'normal' | 'replica' | 'pubsub', [number, number, number]> = {
    normal: [0, 0, 0], replica: [256 * 1024 * 1024, 64 * 1024 * 1024, 60], pubsub: [32 * 1024 * 1024, 8 * 1024 * 1024, 60],
  };
  public encoding!: EncodingConfig;

  /** Replication: this node's links as a primary or as a replica. */
  public readonly replication: ReplicationState;
  /** The cluster this node belongs to (cluster mode enabled), if any. */
  public cluster: ClusterTopology | undefined;
  /** Called after each PUBLISH (cluster nodes forward messages to their peers). */
  public onPublish: ((channel: string, message: string) => void) | undefined;

  private listener: Listener | undefined;
  private scriptingEngine: ScriptingEngine | undefined;
  /** The client whose script runs long: other clients get BUSY until it ends. */
  public busyScriptCaller: Client | null = null;
  private nextClientId = 1;
  private readonly propagationListeners: PropagationListener[] = [];
  private pendingPropagation: Array<[number, string[]]> = [];
  private readonly pendingFlush = new Set<Client>();
  /** Per database: key -> clients blocked on it, in arrival order. */
  private readonly blockingKeys: Array<Map<string, Client[]>>;
  private readonly readyKeys: Array<[Db, string]> = [];
  private readonly readySet = new Set<string>();
  public blockedClients = 0;
  private servingBlocked = false;
  private cron: NodeJS.Timeout | undefined;
  private startingUp = false;
  /** CLIENT PAUSE: until when (ms) and whether reads are paused too. */
  private pause: { until: number; all: boolean; timer: NodeJS.Timeout } | null = null;
  /** Clients whose command waits for the end of a pause, in arrival order. */
  private readonly postponed: Client[] = [];
  private readonly logSink: ((line: string) => void) | undefined;
  private readonly options: RedisServerOptions;

  constructor(options: RedisServerOptions = {}) {
    this.options = options;
    this.engine = options.engine ?? 'valkey';
    this.version = options.version ?? (this.engine === 'valkey' ? '8.0.2' : '7.1.0');
    this.doubleStyle = this.engine === 'redis' && this.version.startsWith('7.0') ? 'g17' : 'shortest';
    this.clock = options.clock ?? systemClock;
    this.logSink = options.log;
    this.startedAt = this.clock.now();
    this.restricted = options.elasticache ? ELASTICACHE_RESTRICTED : null;
    this.pubsub = new PubSub((c) => this.pendingFlush.add(c));
    this.lastSave = Math.floor(this.startedAt / 1000);
    this.tracking = new Tracking(this);
    const table = buildCommandTable({ engine: this.engine, version: this.version });
    this.commands = table.byName;
    this.commandList = table.list;
    // Redis OSS 7.0 (and 6.x) describes ACL users and refusals its own way; ElastiCache's 7.1,
    // 7.2+ and Valkey share the 7.2 wording.
    this.acl = new Acl(this.commandList, this.olderThan(7, 1) ? '7.0' : '7.2');
    this.acl.iamCredentials = options.iamCredentials;
    // ACL LOG entries describe the client as CLIENT INFO does.
    this.acl.describeClient = (c) => clientInfoLine(this, c);

    this.config = new Config({ engine: this.engine, version: this.version });
    this.config.onChange((name, value) => this.applyConfig(name, value));
    this.config.onCheck((name, value) => this.checkConfig(name, value));
    for (const name of this.config.names()) this.applyConfig(name, this.config.get(name));
    const startup: Record<string, string | number | boolean> = {
      dir: process.cwd(),
      bind: options.host ?? '127.0.0.1',
      ...options.config,
    };
    if (options.port !== undefined) startup.port = options.port;
    if (options.password !== undefined) startup.requirepass = options.password;
    const pairs = Object.entries(startup).map(([k, v]) => [k, typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)] as const);
    this.startingUp = true;
    try {
      this.config.set(pairs, { startup: true });
    } finally {
      this.startingUp = false;
    }

    const databases = this.config.getNumber('databases');
    this.dbs = Array.from({ length: databases }, (_, i) => new Db(i, this));
    this.blockingKeys = Array.from({ length: databases }, () => new Map<string, Client[]>());

    this.replication = new ReplicationState(this);
    setInfoSection(this, 'replication', replicationInfo);
    for (const rules of options.users ?? []) this.defineUser(rules);
  }

  public get host(): string {
    return this.listener?.host ?? this.options.host ?? '127.0.0.1';
  }

  public get port(): number {
    return this.listener?.port ?? 0;
  }

  /**
   * Whether expired keys are deleted on access (primaries) or kept until the primary's DEL
   * (replicas). While clients are paused, expired keys are reported missing but not deleted.
   */
  public get deletesExpired(): boolean {
    return this.role === 'master' && this.pause === null;
  }

  /** Whether keyspace changes must reach client-side caching (some client has TRACKING on). */
  public get tracksKeys(): boolean {
    return this.tracking.active;
  }

  /** Called by databases for every changed key (client-side caching invalidation). */
  public keyModified(_db: Db, key: string): void {
    this.tracking.invalidateKey(key);
  }

  /** The Lua scripting engine (its Lua state is created on first use). */
  public get scripting(): ScriptingEngine {
    this.scriptingEngine ??= new ScriptingEngine(this);
    return this.scriptingEngine;
  }

  /** Whether the scripting engine exists (INFO reports an empty cache otherwise). */
  public get scriptingStarted(): boolean {
    return this.scriptingEngine !== undefined;
  }

  /**
   * A script has run longer than busy-reply-threshold and yields to the event loop: until it
   * ends, other clients get BUSY, and nothing else touches the keyspace.
   */
  public scriptBusy(caller: Client): void {
    this.busyScriptCaller = caller;
  }

  /** The long script of `caller` ended (its reply is written): everything held back goes on. */
  public scriptEnded(caller: Client): void {
    this.busyScriptCaller = null;
    this.flushPropagation();
    if (this.readyKeys.length > 0 && !this.servingBlocked) this.handleClientsBlockedOnKeys();
    this.markPending(caller);
    this.flushPending();
    setImmediate(() => {
      if (!caller.closed && caller.blocked === null) caller.processInput();
    });
  }

  public lookupClient(id: number): Client | undefined {
    return this.clients.get(id);
  }

  // ------------------------------------------------------------------------------------------
  // Lifecycle

  /** Starts listening. */
  public async listen(): Promise<void> {
    if (this.listener) return;
    this.listener = await startListener({
      host: this.options.host ?? '127.0.0.1',
      port: this.options.port ?? 0,
      tls: this.options.tls,
      allowPlaintext: this.options.tls?.allowPlaintext,
      // maxclients is enforced on accept (it can change at run time).
      maxConnections: Number.MAX_SAFE_INTEGER,
      onConnection: (socket) => {
        if (this.clients.size >= this.maxclients) {
          this.stats.rejectedConnections++;
          socket.end('-ERR max number of clients reached\r\n');
          return;
        }
        this.accept(socket);
      },
    });
    // The port and address actually in use are what CONFIG GET reports.
    this.startingUp = true;
    try {
      this.config.set([['port', String(this.listener.port)]], { startup: true });
    } finally {
      this.startingUp = false;
    }
    localNodes.set(`${this.host}:${this.port}`, this);
    this.startCron();
  }

  private startCron(): void {
    if (this.cron) clearInterval(this.cron);
    const hz = Math.min(500, Math.max(1, this.config.getNumber('hz')));
    this.cron = setInterval(() => this.serverCron(), Math.floor(1000 / hz));
    this.cron.unref();
  }

  /** Closes every connection and the listener. */
  public async stop(): Promise<void> {
    if (localNodes.get(`${this.host}:${this.port}`) === this) localNodes.delete(`${this.host}:${this.port}`);
    this.replication.master?.stop();
    for (const link of [...this.replication.replicas]) link.stop();
    if (this.cron) clearInterval(this.cron);
    this.cron = undefined;
    if (this.pause !== null) clearTimeout(this.pause.timer);
    for (const c of [...this.clients.values()]) {
      if (c.blocked?.timer) clearTimeout(c.blocked.timer);
      c.close();
    }
    await this.listener?.close();
  }

  /** Wraps an accepted socket in a client. */
  public accept(socket: net.Socket): Client {
    socket.setNoDelay(true);
    const c = new Client(this, socket, this.nextClientId++);
    this.clients.set(c.id, c);
    this.stats.connectionsReceived++;
    socket.on('data', (chunk: Buffer) => {
      this.stats.netInputBytes += chunk.length;
      this.stats.readsProcessed++;
      c.netInput += chunk.length;
      c.onData(chunk);
    });
    socket.on('error', () => c.close());
    socket.on('close', () => c.close());
    return c;
  }

  /** An internal client without a socket (scripts, the replication link, tests). */
  public createInternalClient(kind: Client['kind'] = 'normal'): Client {
    const c = new Client(this, null, this.nextClientId++);
    c.kind = kind;
    c.setAuthenticated(this.acl.defaultUser);
    return c;
  }

  /** Forgets a closed client: subscriptions, watches, blocking. */
  public removeClient(c: Client): void {
    if (!this.clients.delete(c.id)) return;
    this.pubsub.removeClient(c);
    this.unwatchAll(c);
    if (c.blocked) this.unblock(c, false);
    this.pendingFlush.delete(c);
    this.monitors.delete(c);
    this.tracking.disable(c);
    const i = this.postponed.indexOf(c);
    if (i >= 0) this.postponed.splice(i, 1);
  }

  public log(line: string): void {
    this.logSink?.(line);
  }

  // ------------------------------------------------------------------------------------------
  // Dispatch

  /** Looks up a command (exact or lower-cased name). */
  public lookupCommand(name: string): Command | undefined {
    return this.commands.get(name) ?? this.commands.get(name.toLowerCase());
  }

  /**
   * Runs one request of a client through the checks the real server makes, in its order:
   * lookup, arity, authentication, transaction rules, ACL, out-of-memory, read-only replica,
   * pub/sub context, then MULTI queueing or execution.
   */
  public execute(c: Client, argv: string[]): void {
    let cmd = this.lookupCommand(argv[0]);
    c.now = this.clock.now();
    if (cmd === undefined || (this.restricted !== null && this.restricted.has(cmd.name))) {
      this.reject(c, unknownCommand(argv));
      return;
    }
    // A container called alone runs its own handler when it has one (COMMAND).
    if (cmd.subcommands !== undefined && (argv.length >= 2 || cmd.handler === undefined)) {
      if (argv.length < 2) {
        this.reject(c, wrongArity(cmd.name), cmd);
        return;
      }
      const sub = cmd.subcommands.get(argv[1].toLowerCase());
      if (sub === undefined || (this.restricted !== null && this.restricted.has(sub.fullName))) {
        // No command was found: nothing is counted in commandstats (as for unknown commands).
        this.reject(c, unknownSubcommand(cmd.name, argv[1]));
        return;
      }
      cmd = sub;
    }
    if (!cmd.arityOk(argv.length)) {
      this.reject(c, wrongArity(cmd.fullName), cmd);
      return;
    }
    if (!c.authenticated && !cmd.noAuth) {
      this.reject(c, Errors.NOAUTH, cmd);
      return;
    }
    if (c.multi !== null && cmd.noMulti) {
      this.reject(c, 'ERR Command not allowed inside a transaction', cmd);
      return;
    }
    if (!c.user.allowsAll) {
      const denial = c.user.permits(cmd, argv);
      if (denial !== null) {
        if (denial.reason === 'key') this.stats.aclDeniedKey++;
        else if (denial.reason === 'channel') this.stats.aclDeniedChannel++;
        else this.stats.aclDeniedCommand++;
        // The log's client line names the refused command, as the server's does.
        c.lastCommand = cmd;
        this.acl.addLogEntry(c, denial.reason, denial.object);
        this.reject(c, this.noPermission(c, denial), cmd);
        return;
      }
    }
    if (this.cluster !== undefined && c.kind !== 'master') {
      const redirect = this.cluster.route(c, cmd, argv);
      if (redirect !== null) {
        // A redirected EXEC discards the transaction with the plain redirect, no EXECABORT.
        this.reject(c, redirect, cmd, true);
        return;
      }
    }
    if (this.maxmemory > 0 && c.kind !== 'master' && !this.freeMemoryIfNeeded() && this.refusedWhenOutOfMemory(c, cmd)) {
      this.reject(c, Errors.OOM, cmd);
      return;
    }
    if (this.role === 'replica' && cmd.isWrite && c.kind !== 'master') {
      this.reject(c, Errors.READONLY, cmd);
      return;
    }
    if (c.w.resp === 2 && c.subscribed && !cmd.isPubsub && !PUBSUB_CONTEXT.has(cmd.fullName)) {
      this.reject(c, `ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`, cmd);
      return;
    }
    if (this.busyScriptCaller !== null && !cmd.flags.includes('allow_busy')) {
      this.reject(c, busyError(this.engine, this.scriptingEngine?.run?.isFunction ?? false), cmd);
      return;
    }
    if (this.pause !== null && c.kind !== 'replica' && c.kind !== 'master' && (this.pause.all || mayWrite(c, cmd))) {
      // CLIENT PAUSE: the command waits for the end of the pause, then runs from the start.
      this.postponed.push(c);
      this.blockOther(c, cmd, argv, 'pause', 0, () => undefined);
      return;
    }
    if (c.multi !== null && !TRANSACTION_CONTROL.has(cmd.name)) {
      c.multi.push({ cmd, argv });
      c.w.status('QUEUED');
      return;
    }
    this.call(c, cmd, argv);
    // ASKING lets exactly one following command into an importing slot.
    if (c.asking && cmd.name !== 'asking') c.asking = false;
  }

  /**
   * Whether a command is refused while memory is over maxmemory: commands that may grow the
   * dataset (denyoom), EXEC of a transaction holding one, and anything queued inside MULTI.
   */
  private refusedWhenOutOfMemory(c: Client, cmd: Command): boolean {
    if (cmd.denyOom) return true;
    if (c.multi === null) return false;
    if (cmd.name === 'exec') return c.multi.some((queued) => queued.cmd.denyOom);
    return cmd.name !== 'discard' && cmd.name !== 'quit' && cmd.name !== 'reset';
  }

  /** Refuses a command: the error reply, statistics, and a queued transaction marked as failed. */
  private reject(c: Client, message: string, cmd?: Command, plain = false): void {
    if (cmd !== undefined) cmd.rejectedCalls++;
    if (cmd !== undefined && cmd.name === 'exec') {
      // A refused EXEC ends the transaction and says why; outside MULTI too (it still unwatches),
      // as the real server does.
      c.multi = null;
      c.multiError = false;
      this.unwatchAll(c);
      if (plain) {
        c.w.error(message);
        return;
      }
      // The reason keeps its own code (NOAUTH, OOM...) but not a plain ERR.
      c.w.error(`EXECABORT Transaction discarded because of: ${message.startsWith('ERR ') ? message.slice(4) : message}`);
      return;
    }
    if (c.multi !== null) c.multiError = true;
    c.w.error(message);
  }

  /**
   * Executes a command that passed every check: runs the handler, updates statistics, propagates
   * the writes it made and serves clients blocked on keys it made ready.
   */
  public call(c: Client, cmd: Command, argv: string[]): void {
    const dirty = this.dirty;
    const mark = c.replyMode === 'on' ? -1 : c.w.out.length;
    const callerBefore = this.currentClient;
    const started = performance.now();
    c.lastCommand = cmd;
    c.rewrittenArgv = null;
    c.extraPropagation = null;
    c.redactedArgs = null;
    const argvBefore = c.currentArgv;
    c.currentArgv = argv;
    this.currentClient = c;
    try {
      (cmd.handler as NonNullable<Command['handler']>)(c, argv);
    } catch (e) {
      if (e instanceof ReplyError) {
        cmd.failedCalls++;
        c.w.error(e.message);
      } else {
        cmd.failedCalls++;
        this.log(`Internal error in '${cmd.fullName}': ${(e as Error).stack ?? e}`);
        c.w.error(`ERR internal error while executing '${cmd.fullName}'`);
      }
    }
    const usec = Math.round((performance.now() - started) * 1000);
    this.currentClient = callerBefore;
    c.currentArgv = argvBefore;
    cmd.calls++;
    cmd.usec += usec;
    this.stats.commandsProcessed++;
    c.commandsProcessed++;
    if (mark >= 0) this.applyReplyMode(c, mark);
    this.afterCall(c, cmd, argv, usec);

    // The handler may have set these (TypeScript cannot see that through the call).
    const rewritten = c.rewrittenArgv as string[] | null;
    const extra = c.extraPropagation as string[][] | null;
    if (this.dirty !== dirty && (cmd.isWrite || cmd.mayReplicate) && c.kind !== 'master') {
      this.queuePropagation(c.db.id, rewritten ?? argv);
    }
    if (extra !== null) for (const more of extra) this.queuePropagation(c.db.id, more);
    if (!c.inExec && c.kind !== 'script') this.flushPropagation();
    if (this.readyKeys.length > 0 && !c.inExec && c.kind !== 'script' && !this.servingBlocked && this.busyScriptCaller === null) this.handleClientsBlockedOnKeys();
  }

  /**
   * What the server records about every executed command: latency samples and histograms, the
   * slow log, MONITOR output, the keys a tracking client read, and the invalidations it caused
   * for itself (sent after its reply).
   */
  private afterCall(c: Client, cmd: Command, argv: string[], usec: number): void {
    const blocked = c.blocked !== null;
    const used = BASELINE_MEMORY + this.mem.used;
    if (used > this.peakMemory) this.peakMemory = used;
    if (this.latencyThreshold > 0 && usec / 1000 >= this.latencyThreshold) {
      this.latency.add(cmd.isFast ? 'fast-command' : 'command', Math.floor(usec / 1000), Math.floor(this.clock.now() / 1000));
    }
    if (!blocked) {
      if (this.slowlogSlowerThan >= 0 && usec >= this.slowlogSlowerThan && !cmd.skipSlowlog && !c.reprocessing) {
        this.slowlog.push(c.redactedArgs ?? argv, usec, Math.floor(this.clock.now() / 1000), c.address, c.name, this.slowlogMaxLen);
      }
      if (this.latencyTracking) cmd.histogram.record(Math.max(1, usec) * 1000);
    }
    if (this.monitors.size > 0 && !cmd.isAdmin && !cmd.skipMonitor && !c.reprocessing) {
      this.feedMonitors(c, c.redactedArgs ?? argv);
    }
    const tracking = this.tracking;
    if (tracking.active) {
      const state = tracking.state(c);
      if (state !== undefined) {
        if (cmd.isReadonly && !state.bcast && !cmd.isPubsub && cmd.name !== 'eval_ro' && cmd.name !== 'evalsha_ro' && cmd.name !== 'fcall_ro') {
          const positions = cmd.keyIndexes(argv);
          if (positions.length > 0) tracking.remember(c, positions.map((i) => argv[i]), this.trackingTableMaxKeys);
        }
        // CLIENT CACHING applies to the next command only (CLIENT subcommands and MULTI keep it).
        if (c.multi === null && cmd.parent?.name !== 'client' && cmd.name !== 'client') state.caching = false;
        tracking.flushPendingFor(c);
      }
    }
  }

  /** Sends a command to the MONITOR clients, as `+<time> [<db> <addr>] "arg" ...`. */
  private feedMonitors(c: Client, argv: readonly string[]): void {
    const now = this.clock.now();
    const micros = Math.floor(now * 1000 + (performance.now() % 1) * 1000);
    const secs = Math.floor(micros / 1e6);
    const frac = String(micros % 1e6).padStart(6, '0');
    const where = c.kind === 'script' ? `${c.db.id} lua` : `${c.db.id} ${c.address}`;
    let line = `+${secs}.${frac} [${where}]`;
    for (const a of argv) line += ' ' + quoteRepr(a);
    line += '\r\n';
    for (const m of this.monitors) {
      if (m.closed) continue;
      m.w.raw(line);
      this.pendingFlush.add(m);
    }
  }

  private applyReplyMode(c: Client, mark: number): void {
    if (c.replyMode === 'off') {
      c.w.out = c.w.out.slice(0, mark);
    } else if (c.replyMode === 'skip') {
      c.w.out = c.w.out.slice(0, mark);
      c.replyMode = 'on';
    }
  }

  /** Counts an error reply for INFO errorstats. */
  public countError(message: string): void {
    this.stats.totalErrorReplies++;
    const space = message.indexOf(' ');
    const code = space < 0 ? message : message.slice(0, space);
    this.stats.errors.set(code, (this.stats.errors.get(code) ?? 0) + 1);
  }

  // ------------------------------------------------------------------------------------------
  // Propagation (replication of writes)

  /** Registers a listener for the write stream; returns a function that removes it. */
  public onPropagate(listener: PropagationListener): () => void {
    this.propagationListeners.push(listener);
    return () => {
      const i = this.propagationListeners.indexOf(listener);
      if (i >= 0) this.propagationListeners.splice(i, 1);
    };
  }

  /** Queues a write for the replication stream (sent when the top-level command ends). */
  public queuePropagation(db: number, argv: readonly string[]): void {
    if (this.propagationListeners.length === 0) return;
    this.pendingPropagation.push([db, [...argv]]);
  }

  /** Sends queued writes; several writes from one command (EXEC, scripts) go inside MULTI/EXEC. */
  public flushPropagation(): void {
    const pending = this.pendingPropagation;
    // A long script's writes go out together when it ends.
    if (pending.length === 0 || this.busyScriptCaller !== null || this.scriptingEngine?.run) return;
    this.pendingPropagation = [];
    const wrap = pending.length > 1;
    const emit = (db: number, argv: readonly string[]) => {
      for (const listener of this.propagationListeners) listener(db, argv);
    };
    if (wrap) emit(pending[0][0], ['MULTI']);
    for (const [db, argv] of pending) emit(db, argv);
    if (wrap) emit(pending[pending.length - 1][0], ['EXEC']);
  }

  // ------------------------------------------------------------------------------------------
  // Keyspace notifications

  /** Publishes a keyspace notification when the configuration asks for its class. */
  public notify(cls: number, event: string, key: string, db: number): void {
    const flags = this.notifyFlags;
    if (flags === 0 || (flags & cls) === 0) return;
    if (flags & Notify.KEYSPACE) this.pubsub.publish(`__keyspace@${db}__:${key}`, event);
    if (flags & Notify.KEYEVENT) this.pubsub.publish(`__keyevent@${db}__:${event}`, key);
  }

  // ------------------------------------------------------------------------------------------
  // DbHost

  public accessStamp(entry: Entry | undefined): number {
    if (this.maxmemoryPolicy.endsWith('lfu')) return this.lfuStamp(entry);
    return lruClock(this.clock.now());
  }

  public overwriteStamp(entry: Entry): number {
    return this.maxmemoryPolicy.endsWith('lfu') ? entry.lru : lruClock(this.clock.now());
  }

  /** An expired key was deleted: statistics, notification, and DEL (or UNLINK) for replicas. */
  public onExpired(db: Db, key: string): void {
    this.stats.expiredKeys++;
    db.signalModified(key);
    this.notify(Notify.EXPIRED, 'expired', key, db.id);
    this.queuePropagation(db.id, [lazyfree(this, 'expire') ? 'UNLINK' : 'DEL', key]);
  }

  /** Called by databases when a key is created (clients blocked on it may now be served). */
  public onKeyAdded(db: Db, key: string): void {
    if (this.blockedClients > 0 && this.blockingKeys[db.id].has(key)) {
      const id = db.id + '\0' + key;
      if (!this.readySet.has(id)) {
        this.readySet.add(id);
        this.readyKeys.push([db, key]);
      }
    }
  }

  /** LFU: decays the counter by the elapsed decay periods, then increments it logarithmically. */
  private lfuStamp(entry: Entry | undefined): number {
    const minutes = Math.floor(this.clock.now() / 60000) & 0xffff;
    if (entry === undefined) return (minutes << 8) | LFU_INIT_VAL;
    let counter = lfuDecayedCounter(entry.lru, minutes, this.lfuDecayTime);
    if (counter < 255) {
      const base = Math.max(0, counter - LFU_INIT_VAL);
      if (Math.random() < 1 / (base * this.lfuLogFactor + 1)) counter++;
    }
    return (minutes << 8) | counter;
  }

  /** The current LFU counter of an entry (OBJECT FREQ, eviction), decayed but not incremented. */
  public lfuCounter(entry: Entry): number {
    const minutes = Math.floor(this.clock.now() / 60000) & 0xffff;
    return lfuDecayedCounter(entry.lru, minutes, this.lfuDecayTime);
  }

  /** Milliseconds since the entry was last accessed (OBJECT IDLETIME, LRU eviction). */
  public idleTime(entry: Entry): number {
    const now = lruClock(this.clock.now());
    const diff = now >= entry.lru ? now - entry.lru : now + LRU_CLOCK_MAX - entry.lru;
    return diff * 1000;
  }

  // ------------------------------------------------------------------------------------------
  // Memory

  /** Evicts keys per maxmemory-policy until under maxmemory; false when that is impossible. */
  public freeMemoryIfNeeded(): boolean {
    if (this.maxmemory === 0 || this.usedMemory() <= this.maxmemory) return true;
    return performEvictions(this);
  }

  /** The dataset's approximate memory plus a fixed server baseline (INFO used_memory). */
  public usedMemory(): number {
    return BASELINE_MEMORY + this.mem.used;
  }

  /**
   * Removes a key for eviction: statistics, notification, and DEL (or UNLINK) for replicas, sent
   * at once and on its own, as the real server propagates evictions (never inside MULTI/EXEC).
   */
  public evict(db: Db, key: string): void {
    db.signalModified(key);
    db.delete(key);
    this.stats.evictedKeys++;
    this.notify(Notify.EVICTED, 'evicted', key, db.id);
    this.queuePropagation(db.id, [lazyfree(this, 'eviction') ? 'UNLINK' : 'DEL', key]);
    this.flushPropagation();
  }

  // ------------------------------------------------------------------------------------------
  // Output to clients other than the one executing

  /** Marks a client whose output must be flushed after the current batch. */
  public markPending(c: Client): void {
    this.pendingFlush.add(c);
  }

  /** Flushes clients that received output from other clients' commands (pub/sub, unblocking). */
  public flushPending(): void {
    if (this.tracking.active) this.tracking.broadcast();
    if (this.pendingFlush.size === 0) return;
    for (const c of this.pendingFlush) c.flush();
    this.pendingFlush.clear();
  }

  // ------------------------------------------------------------------------------------------
  // Blocking

  /**
   * Blocks the client on keys until one becomes ready or `timeoutMs` passes (0 = forever).
   * When the command is being re-run for a ready key and still finds nothing, the client stays
   * where it is in the queue.
   */
  public blockOnKeys(c: Client, cmd: Command, argv: string[], keys: readonly string[], timeoutMs: number, onTimeout: (c: Client) => void): void {
    if (c.reprocessing) {
      c.stillBlocked = true;
      return;
    }
    const deadline = timeoutMs > 0 ? this.clock.now() + timeoutMs : 0;
    const state: BlockState = { kind: 'keys', cmd, argv, db: c.db, keys, deadline, onTimeout };
    const registry = this.blockingKeys[c.db.id];
    for (const key of keys) {
      let queue = registry.get(key);
      if (queue === undefined) {
        queue = [];
        registry.set(key, queue);
      }
      if (!queue.includes(c)) queue.push(c);
    }
    this.setBlocked(c, state, timeoutMs);
  }

  /**
   * Ends a client's block with a reply written by `reply` (CLIENT UNBLOCK: the command's timeout
   * reply, or an error), then lets it go on with its pipelined requests.
   */
  public unblockWith(c: Client, reply: (c: Client) => void): void {
    if (c.blocked === null) return;
    this.unblock(c, false);
    reply(c);
    this.resume(c);
  }

  /** Blocks a client for another reason (WAIT, CLIENT PAUSE); `unblock` ends it. */
  public blockOther(c: Client, cmd: Command, argv: string[], kind: 'wait' | 'pause', timeoutMs: number, onTimeout: (c: Client) => void): void {
    const deadline = timeoutMs > 0 ? this.clock.now() + timeoutMs : 0;
    this.setBlocked(c, { kind, cmd, argv, db: c.db, keys: [], deadline, onTimeout }, timeoutMs);
  }

  private setBlocked(c: Client, state: BlockState, timeoutMs: number): void {
    c.blocked = state;
    this.blockedClients++;
    if (timeoutMs > 0) this.armBlockTimer(c, state, timeoutMs);
  }

  /**
   * Times a block out after `ms`. Node's timers hold at most 2^31-1 ms (about 24.8 days; a longer
   * delay fires at once), so a longer timeout waits in steps.
   */
  private armBlockTimer(c: Client, state: BlockState, ms: number): void {
    const step = Math.min(ms, MAX_TIMER_MS);
    state.timer = setTimeout(() => {
      if (c.blocked !== state) return;
      if (ms > step) {
        this.armBlockTimer(c, state, ms - step);
        return;
      }
      this.unblock(c, false);
      state.onTimeout(c);
      this.resume(c);
    }, step);
    state.timer.unref();
  }

  /**
   * CLIENT UNBLOCK: ends a client's block on keys or on WAIT, answering as on timeout or with the
   * UNBLOCKED error. Returns false when the client is not blocked that way.
   */
  public unblockClient(c: Client, withError: boolean): boolean {
    const state = c.blocked;
    if (state === null || state.kind === 'pause') return false;
    this.unblock(c, false);
    if (withError) c.w.error('UNBLOCKED client unblocked via CLIENT UNBLOCK');
    else state.onTimeout(c);
    this.resume(c);
    return true;
  }

  /**
   * Ends a block. With `resumeInput`, the client then runs the requests it had pipelined behind
   * the blocking one.
   */
  public unblock(c: Client, resumeInput = true): void {
    const state = c.blocked;
    if (state === null) return;
    c.blocked = null;
    this.blockedClients--;
    if (state.timer) clearTimeout(state.timer);
    if (state.kind === 'keys') {
      const registry = this.blockingKeys[state.db.id];
      for (const key of state.keys) {
        const queue = registry.get(key);
        if (queue === undefined) continue;
        const i = queue.indexOf(c);
        if (i >= 0) queue.splice(i, 1);
        if (queue.length === 0) registry.delete(key);
      }
    }
    if (resumeInput) this.resume(c);
  }

  private resume(c: Client): void {
    if (c.closed) return;
    if (c.w.out.length > 0) this.pendingFlush.add(c);
    // Run what the client pipelined behind the blocking command on the next turn, so that
    // serving one client never recurses into another's input.
    setImmediate(() => {
      if (!c.closed && c.blocked === null) c.processInput();
    });
  }

  /** Serves clients blocked on keys that became ready, in the order they blocked. */
  private handleClientsBlockedOnKeys(): void {
    this.servingBlocked = true;
    try {
      this.serveReadyKeys();
    } finally {
      this.servingBlocked = false;
    }
    this.flushPropagation();
    this.flushPending();
  }

  private serveReadyKeys(): void {
    while (this.readyKeys.length > 0) {
      const ready = this.readyKeys.splice(0);
      this.readySet.clear();
      for (const [db, key] of ready) {
        const queue = this.blockingKeys[db.id].get(key);
        if (queue === undefined) continue;
        for (const c of [...queue]) {
          const state = c.blocked;
          if (state === null || state.kind !== 'keys') continue;
          if (!db.exists(key, this.clock.now())) break;
          const savedDb = c.db;
          c.db = state.db;
          c.reprocessing = true;
          c.servingKey = key;
          c.now = this.clock.now();
          c.stillBlocked = false;
          this.call(c, state.cmd, state.argv);
          c.reprocessing = false;
          c.servingKey = null;
          c.db = savedDb;
          if (c.stillBlocked) continue;
          this.unblock(c);
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // WATCH

  public watch(c: Client, key: string): void {
    if (c.watching.some((w) => w.db === c.db && w.key === key)) return;
    // Remember whether the key was already logically expired: only a key that expires after
    // WATCH counts as a change at EXEC.
    const at = c.db.getExpire(key);
    c.watching.push({ db: c.db, key, expired: at !== undefined && at <= c.now });
    c.db.watch(key, c);
  }

  /** Whether a watched key that was live at WATCH time has logically expired since (EXEC aborts). */
  public watchedKeyExpired(c: Client): boolean {
    for (const w of c.watching) {
      if (w.expired) continue;
      const at = w.db.getExpire(w.key);
      if (at !== undefined && at <= c.now && w.db.dict.has(w.key)) return true;
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------
  // Pub/Sub

  /** PUBLISH: delivers locally; cluster layers add a hook to broadcast to the other nodes. */
  public publish(channel: string, message: string): number {
    const receivers = this.pubsub.publish(channel, message);
    this.onPublish?.(channel, message);
    return receivers;
  }

  /** SPUBLISH: delivers to shard channel subscribers of this node. */
  public publishShard(channel: string, message: string): number {
    return this.pubsub.publishShard(channel, message);
  }

  public unwatchAll(c: Client): void {
    for (const { db, key } of c.watching) db.unwatch(key, c);
    c.watching.length = 0;
    c.dirtyCas = false;
  }

  // ------------------------------------------------------------------------------------------
  // Periodic work

  /**
   * Whether a client's input processing is paused: CLIENT PAUSE ALL holds every command of
   * ordinary clients (replication links go on). CLIENT PAUSE WRITE is handled per command.
   */
  public paused(c: Client): boolean {
    // The caller of a long script reads nothing more until the script ends.
    if (this.busyScriptCaller === c) return true;
    return this.pause !== null && this.pause.all && c.kind !== 'replica' && c.kind !== 'master';
  }

  /** The current pause, if any: its end (ms) and whether it holds all commands or only writes. */
  public get clientPause(): { readonly until: number; readonly all: boolean } | null {
    return this.pause;
  }

  /**
   * CLIENT PAUSE: holds commands (all, or those that may write) until `until` (ms). A second
   * pause extends the end and can only widen the kind, as in the real server.
   */
  public pauseClients(until: number, all: boolean): void {
    const current = this.pause;
    if (current !== null) {
      clearTimeout(current.timer);
      until = Math.max(until, current.until);
      all = all || current.all;
    }
    const timer = setTimeout(() => this.unpauseClients(), Math.max(0, until - this.clock.now()));
    timer.unref();
    this.pause = { until, all, timer };
  }

  /** CLIENT UNPAUSE (or the end of the pause): runs the held commands in arrival order. */
  public unpauseClients(): void {
    if (this.pause === null) return;
    clearTimeout(this.pause.timer);
    this.pause = null;
    const held = this.postponed.splice(0);
    for (const c of held) {
      const state = c.blocked;
      if (state === null || state.kind !== 'pause' || c.closed) continue;
      this.unblock(c, false);
      this.execute(c, state.argv);
      if (c.w.out.length > 0) this.pendingFlush.add(c);
    }
    // Clients held by PAUSE ALL (and those just released) go on with their buffered input.
    for (const c of this.clients.values()) {
      if (c.socket !== null && !c.closed && c.blocked === null) {
        setImmediate(() => {
          if (!c.closed && c.blocked === null) c.processInput();
        });
      }
    }
    this.flushPending();
  }

  private serverCron(): void {
    const now = this.clock.now();
    this.instantaneous.sample(now, this.stats);
    if (this.pause !== null && this.pause.until <= now) this.unpauseClients();
    if (this.activeExpireEnabled && this.pause === null && this.busyScriptCaller === null) {
      const started = performance.now();
      this.activeExpireCycle(now);
      const ms = performance.now() - started;
      this.expireCycleMs += ms;
      if (this.latencyThreshold > 0 && ms >= this.latencyThreshold) this.latency.add('expire-cycle', Math.floor(ms), Math.floor(now / 1000));
    }
    if (this.timeoutSeconds > 0) {
      const limit = this.timeoutSeconds * 1000;
      for (const c of this.clients.values()) {
        if (c.socket === null || c.blocked !== null || c.subscribed || c.kind !== 'normal' || this.monitors.has(c)) continue;
        if (now - c.lastInteraction > limit) c.close();
      }
    }
    this.enforceOutputLimits(now);
    this.flushPropagation();
    this.flushPending();
  }

  /**
   * client-output-buffer-limit: a client whose unsent output passes the hard limit, or stays above
   * the soft limit for longer than its seconds, is disconnected.
   */
  private enforceOutputLimits(now: number): void {
    for (const c of this.clients.values()) {
      const socket = c.socket;
      if (socket === null || c.closed) continue;
      const pending = socket.writableLength + c.w.out.length;
      if (pending === 0) {
        c.softLimitSince = 0;
        continue;
      }
      if (this.outputLimitExceeded(c, pending, now)) {
        this.stats.outputBufferLimitDisconnections++;
        this.log(`Client id=${c.id} addr=${c.address} scheduled to be closed ASAP for overcoming of output buffer limits.`);
        c.close();
      }
    }
  }

  /** Whether a client's pending output breaks its class's limits (and tracks the soft-limit start). */
  public outputLimitExceeded(c: Client, pending: number, now: number): boolean {
    const cls = c.kind === 'replica' ? 'replica' : c.subscribed ? 'pubsub' : 'normal';
    const [hard, soft, seconds] = this.outputLimits[cls];
    if (hard > 0 && pending >= hard) return true;
    if (soft > 0 && pending >= soft) {
      if (c.softLimitSince === 0) c.softLimitSince = now;
      else if (now - c.softLimitSince > seconds * 1000) return true;
    } else {
      c.softLimitSince = 0;
    }
    return false;
  }

  /** Clients blocked with a timeout (INFO clients_in_timeout_table). */
  public clientsWithTimeout(): number {
    let n = 0;
    for (const c of this.clients.values()) if (c.blocked !== null && c.blocked.deadline > 0) n++;
    return n;
  }

  /** Keys clients are blocked on, over all databases (INFO total_blocking_keys). */
  public blockingKeyCount(): number {
    let n = 0;
    for (const registry of this.blockingKeys) n += registry.size;
    return n;
  }

  /** After SWAPDB: keys of a database that clients are blocked on may now be served. */
  public signalReadyKeys(db: Db): void {
    for (const key of this.blockingKeys[db.id].keys()) {
      if (db.exists(key, this.clock.now())) this.onKeyAdded(db, key);
    }
  }

  /** Recent per-second rates for INFO (instantaneous_ops_per_sec and friends). */
  public instantaneousMetrics(): { ops: number; inputKbps: number; outputKbps: number } {
    return this.instantaneous.rates();
  }

  /**
   * Samples keys with a TTL and deletes the expired ones, repeating while many of a sample were
   * expired, within a small time budget (see {@link activeExpireCycle}). Returns the number deleted.
   */
  public activeExpireCycle(now: number): number {
    return activeExpireCycle(this, now);
  }

  // ------------------------------------------------------------------------------------------
  // Configuration

  private applyConfig(name: string, value: string): void {
    switch (name) {
      case 'maxmemory': this.maxmemory = Number(value); break;
      case 'maxmemory-policy': this.maxmemoryPolicy = value as MaxmemoryPolicy; break;
      case 'maxmemory-samples': this.maxmemorySamples = Number(value); break;
      case 'notify-keyspace-events': this.notifyFlags = parseNotifyFlags(value) ?? 0; break;
      case 'proto-max-bulk-len':
        this.protoMaxBulkLen = Number(value);
        for (const c of this.clients.values()) c.parser.limits.maxBulkLen = this.protoMaxBulkLen;
        break;
      case 'client-query-buffer-limit':
        this.queryBufferLimit = Number(value);
        for (const c of this.clients.values()) c.parser.limits.maxQueryBuffer = this.queryBufferLimit;
        break;
      case 'timeout': this.timeoutSeconds = Number(value); break;
      case 'lfu-log-factor': this.lfuLogFactor = Number(value); break;
      case 'lfu-decay-time': this.lfuDecayTime = Number(value); break;
      case 'requirepass': this.acl.setRequirePass(value); break;
      case 'hz': if (this.cron !== undefined) this.startCron(); break;
      case 'maxclients': this.maxclients = Number(value); break;
      case 'slowlog-log-slower-than': this.slowlogSlowerThan = Number(value); break;
      case 'slowlog-max-len':
        this.slowlogMaxLen = Number(value);
        this.slowlog.trim(this.slowlogMaxLen);
        break;
      case 'latency-monitor-threshold': this.latencyThreshold = Number(value); break;
      case 'latency-tracking': this.latencyTracking = value === 'yes'; break;
      case 'tracking-table-max-keys': this.trackingTableMaxKeys = Number(value); break;
      case 'busy-reply-threshold': this.busyReplyThreshold = Number(value); break;
      case 'client-output-buffer-limit': {
        const w = value.split(' ');
        const limit = (i: number): [number, number, number] => [Number(w[i + 1]), Number(w[i + 2]), Number(w[i + 3])];
        this.outputLimits = { normal: limit(0), replica: limit(4), pubsub: limit(8) };
        break;
      }
      case 'acl-pubsub-default': this.acl.pubsubAllChannels = value === 'allchannels'; break;
      case 'acllog-max-len':
        this.acl.logMaxLen = Number(value);
        if (this.acl.log.length > this.acl.logMaxLen) this.acl.log.length = this.acl.logMaxLen;
        break;
      default:
        if (name.includes('-max-')) this.encoding = this.readEncodingConfig();
    }
    if (this.encoding === undefined) this.encoding = this.readEncodingConfig();
  }

  /**
   * Refuses changes the in-process engine cannot make: it never moves its listener, so `port`
   * and `bind` accept only values it already satisfies (the real server would re-listen).
   */
  private checkConfig(name: string, value: string): void {
    if (this.startingUp || this.listener === undefined) return;
    if (name === 'port' && Number(value) !== this.listener.port) {
      this.log(`CONFIG SET port ${value}: the local engine keeps listening on ${this.listener.port}`);
      throw new ConfigValueError('Unable to listen on this port. Check server logs.');
    }
    if (name === 'bind') {
      const host = this.listener.host;
      const ok = value.split(' ').some((a) => {
        const addr = a.replace(/^-/, '');
        return addr === host || addr === '*' || (addr === '0.0.0.0' && !host.includes(':'));
      });
      if (!ok) throw new ConfigValueError('Failed to bind to specified addresses.');
    }
  }

  private readEncodingConfig(): EncodingConfig {
    // Redis OSS before 7.2 has no listpack sets (0 entries: intset, then hashtable).
    const n = (name: string) => (this.config.has(name) ? this.config.getNumber(name) : 0);
    return {
      hashMaxListpackEntries: n('hash-max-listpack-entries'),
      hashMaxListpackValue: n('hash-max-listpack-value'),
      setMaxIntsetEntries: n('set-max-intset-entries'),
      setMaxListpackEntries: n('set-max-listpack-entries'),
      setMaxListpackValue: n('set-max-listpack-value'),
      zsetMaxListpackEntries: n('zset-max-listpack-entries'),
      zsetMaxListpackValue: n('zset-max-listpack-value'),
      listMaxListpackSize: n('list-max-listpack-size'),
      setListpack: !this.olderThan(7, 2),
      listpackLists: !this.olderThan(7, 2),
    };
  }

  /** Whether this node imitates a Redis OSS version before `major.minor` (Valkey counts as current). */
  public olderThan(major: number, minor: number): boolean {
    if (this.engine !== 'redis') return false;
    const [a, b] = this.version.split('.').map(Number);
    return a < major || (a === major && b < minor);
  }

  /** The -NOPERM reply for a command the client's user may not run, in this engine's wording. */
  public noPermission(c: Client, denial: AclDenial): string {
    return noPermissionMessage(this.acl.style, c.user.name, denial, denial.reason === 'command' ? denial.object : '');
  }

  /** Creates or updates a user from ACL SETUSER rule words ("name rule rule ..."). */
  public defineUser(rules: string): void {
    const setuser = this.commands.get('acl')?.subcommands?.get('setuser');
    if (setuser === undefined) throw new Error('ACL users need the ACL commands');
    const c = this.createInternalClient();
    this.call(c, setuser, ['ACL', 'SETUSER', ...rules.trim().split(/\s+/)]);
    const reply = c.w.take();
    if (reply.startsWith('-')) throw new Error(`Invalid ACL user '${rules}': ${reply.slice(1).trim()}`);
  }
}

/** Whether a command may write (CLIENT PAUSE WRITE holds it): write or may-replicate, or EXEC of such. */
function mayWrite(c: Client, cmd: Command): boolean {
  if (cmd.isWrite || cmd.mayReplicate) return true;
  if (cmd.name === 'exec' && c.multi !== null) return c.multi.some((q) => q.cmd.isWrite || q.cmd.mayReplicate);
  return false;
}

/** A string as the server's sdscatrepr quotes it (MONITOR lines). */
export function quoteRepr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    switch (ch) {
      case 0x5c: out += '\\\\'; break;
      case 0x22: out += '\\"'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x07: out += '\\a'; break;
      case 0x08: out += '\\b'; break;
      default:
        out += ch >= 0x20 && ch < 0x7f ? s[i] : '\\x' + ch.toString(16).padStart(2, '0');
    }
  }
  return out + '"';
}

/** Per-second rates from samples taken by the cron (INFO instantaneous_*). */
class InstantaneousMetrics {
  private readonly samples: Array<[number, number, number, number]> = [];

  public sample(now: number, stats: ServerStats): void {
    const last = this.samples[this.samples.length - 1];
    if (last !== undefined && now - last[0] < 100) return;
    this.samples.push([now, stats.commandsProcessed, stats.netInputBytes, stats.netOutputBytes]);
    if (this.samples.length > 16) this.samples.shift();
  }

  public rates(): { ops: number; inputKbps: number; outputKbps: number } {
    if (this.samples.length < 2) return { ops: 0, inputKbps: 0, outputKbps: 0 };
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const secs = (last[0] - first[0]) / 1000;
    if (secs <= 0) return { ops: 0, inputKbps: 0, outputKbps: 0 };
    return {
      ops: Math.round((last[1] - first[1]) / secs),
      inputKbps: (last[2] - first[2]) / secs / 1024,
      outputKbps: (last[3] - first[3]) / secs / 1024,
    };
  }
}

/** Commands allowed in the RESP2 subscribed context besides the pub/sub ones. */
const PUBSUB_CONTEXT = new Set(['ping', 'quit', 'reset']);
/** Commands that run at once inside MULTI instead of being queued. */
const TRANSACTION_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** The longest delay a Node.js timer accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The approximate memory of an empty server, so used_memory starts where the real one does. */
const BASELINE_MEMORY = 900 * 1024;

const LRU_CLOCK_MAX = (1 << 24) - 1;
const LFU_INIT_VAL = 5;

/** The server's LRU clock: seconds, 24 bits. */
export function lruClock(nowMs: number): number {
  return Math.floor(nowMs / 1000) & LRU_CLOCK_MAX;
}

function lfuDecayedCounter(packed: number, nowMinutes: number, decayTime: number): number {
  const last = packed >>> 8;
  const counter = packed & 0xff;
  const elapsed = nowMinutes >= last ? nowMinutes - last : 65535 - last + nowMinutes;
  const periods = decayTime > 0 ? Math.floor(elapsed / decayTime) : 0;
  return periods > counter ? 0 : counter - periods;
}

