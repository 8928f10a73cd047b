import type * as net from 'node:net';
import type { AclUser } from './acl';
import type { Command } from './commands/types';
import { ProtocolError, QueryBufferLimitError, RequestParser } from './resp/parser';
import { ReplyWriter } from './resp/reply';
import type { RedisServer } from './server';
import type { Db, Watcher } from './store/db';

/** Flush pending output once it grows past this, even mid-batch. */
const FLUSH_THRESHOLD = 64 * 1024;
/** Stop reading from a client whose unsent output exceeds this, until it drains. */
const OUTPUT_HIGH_WATER = 64 * 1024 * 1024;

/** A client blocked on keys (BLPOP...), on replication (WAIT) or paused. */
export interface BlockState {
  readonly kind: 'keys' | 'wait' | 'pause';
  readonly cmd: Command;
  readonly argv: string[];
  readonly db: Db;
  readonly keys: readonly string[];
  /** Absolute ms deadline, 0 for none. */
  readonly deadline: number;
  /** Writes the reply for a timeout. */
  readonly onTimeout: (c: Client) => void;
  timer?: NodeJS.Timeout;
}

export type ClientKind = 'normal' | 'pubsub' | 'master' | 'replica' | 'script';

/** One connection (or an internal client such as the script caller or the replication link). */
export class Client implements Watcher {
  public readonly id: number;
  public readonly w = new ReplyWriter();
  public readonly parser: RequestParser;
  public db: Db;
  public user: AclUser;
  public authenticated: boolean;
  public name = '';
  public libName = '';
  public libVersion = '';
  public kind: ClientKind = 'normal';
  public readonly createdAt: number;
  public lastInteraction: number;
  /** Time of the command being executed (ms), cached once per command. */
  public now = 0;
  /** The command being (or last) executed, for CLIENT LIST. */
  public lastCommand: Command | null = null;

  // MULTI / WATCH
  public multi: Array<{ cmd: Command; argv: string[] }> | null = null;
  public multiError = false;
  public dirtyCas = false;
  public readonly watching: Array<{ db: Db; key: string; expired: boolean }> = [];
  public inExec = false;

  // Blocking
  public blocked: BlockState | null = null;
  /** Set while a blocked command is re-run because one of its keys became ready. */
  public reprocessing = false;
  /** Set by a re-run command that still found nothing to serve. */
  public stillBlocked = false;
  /**
   * During a re-run: the key that became ready. Redis OSS before 7.2 serves a client from exactly
   * this key; later versions (and Valkey) run the command again over all its keys.
   */
  public servingKey: string | null = null;

  // Pub/Sub
  public readonly channels = new Set<string>();
  public readonly patterns = new Set<string>();
  public readonly shardChannels = new Set<string>();

  // Propagation overrides set by the running command
  public rewrittenArgv: string[] | null = null;
  public extraPropagation: string[][] | null = null;

  /** CLIENT REPLY: on, off or skip (the next reply). */
  public replyMode: 'on' | 'off' | 'skip' = 'on';
  public noEvict = false;
  public noTouch = false;
  /** READONLY was sent on a cluster replica connection. */
  public readonlyMode = false;
  /** ASKING was sent: the next command may hit an importing slot. */
  public asking = false;
  public closeAfterReply = false;
  public closed = false;
  private readingPaused = false;

  constructor(
    public readonly server: RedisServer,
    public readonly socket: net.Socket | null,
    id: number,
  ) {
    this.id = id;
    this.db = server.dbs[0];
    this.user = server.acl.defaultUser;
    this.authenticated = !server.acl.authRequired;
    this.createdAt = this.lastInteraction = server.clock.now();
    this.w.doubleStyle = server.doubleStyle;
    this.w.onError = (message) => server.countError(message);
    this.parser = new RequestParser({
      maxBulkLen: server.protoMaxBulkLen,
      maxQueryBuffer: server.queryBufferLimit,
      authRequired: !this.authenticated,
    });
  }

  /** Whether the connection is subscribed to anything (RESP2 then restricts commands). */
  public get subscribed(): boolean {
    return this.channels.size + this.patterns.size + this.shardChannels.size > 0;
  }

  /** Whether a command may block here (not inside MULTI/EXEC or a script). */
  public get canBlock(): boolean {
    return !this.inExec && this.kind !== 'script';
  }

  /** Peer address as ip:port. */
  public get address(): string {
    const s = this.socket;
    return s ? `${s.remoteAddress}:${s.remotePort}` : '';
  }

  public get localAddress(): string {
    const s = this.socket;
    return s ? `${s.localAddress}:${s.localPort}` : '';
  }

  // ------------------------------------------------------------------------------------------
  // Socket I/O

  /** Feeds bytes received from the socket and runs the complete requests. */
  public onData(chunk: Buffer): void {
    this.lastInteraction = this.server.clock.now();
    try {
      this.parser.feed(chunk);
    } catch (e) {
      if (e instanceof QueryBufferLimitError) {
        this.server.log(`Closing client ${this.id}: ${e.message}`);
        this.close();
        return;
      }
      throw e;
    }
    this.processInput();
  }

  /** Runs buffered requests until input runs out, the client blocks, or it must close. */
  public processInput(): void {
    const server = this.server;
    while (this.blocked === null && !this.closeAfterReply && !this.closed && !server.paused(this)) {
      let argv: string[] | undefined;
      try {
        argv = this.parser.next();
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        this.w.error('ERR ' + e.message);
        this.closeAfterReply = true;
        break;
      }
      if (argv === undefined) break;
      if (argv.length === 0) continue;
      server.execute(this, argv);
      if (this.w.out.length > FLUSH_THRESHOLD) this.flush();
    }
    this.flush();
    server.flushPending();
  }

  /** Sends pending output with one socket write. */
  public flush(): void {
    const socket = this.socket;
    if (this.w.out.length > 0) {
      const out = this.w.take();
      if (socket !== null && !this.closed) {
        socket.write(out, 'latin1');
        if (!this.readingPaused && socket.writableLength > OUTPUT_HIGH_WATER) {
          // The client is not reading its replies: stop reading its requests until it does.
          this.readingPaused = true;
          socket.pause();
          socket.once('drain', () => {
            this.readingPaused = false;
            if (!this.closed) socket.resume();
          });
        }
      }
    }
    if (this.closeAfterReply && socket !== null && !this.closed) {
      this.closed = true;
      socket.end();
      this.server.removeClient(this);
    }
  }

  /** Closes the connection now. */
  public close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket?.destroy();
    this.server.removeClient(this);
  }

  /** Marks the parser as authenticated (lifts the stricter unauthenticated limits). */
  public setAuthenticated(user: AclUser): void {
    this.user = user;
    this.authenticated = true;
    this.parser.limits.authRequired = false;
  }
}
