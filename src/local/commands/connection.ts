import type { Client } from '../client';
import { compareVersions } from '../config';
import { is } from './args';
import { CommandDef, Errors, ReplyError, redisBaseVersion } from './types';

/** Connection commands: PING, ECHO, AUTH, HELLO, SELECT, QUIT, RESET. */
export const commands: CommandDef[] = [
  {
    name: 'ping',
    arity: -1,
    flags: ['fast'],
    acl: ['connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Returns the server\'s liveliness response.',
    complexity: 'O(1)',
    handler: (c, argv) => {
      if (argv.length > 2) throw new ReplyError("ERR wrong number of arguments for 'ping' command");
      if (c.w.resp === 2 && c.subscribed) {
        // In the RESP2 subscribed context PING answers like a pub/sub message.
        c.w.array(2);
        c.w.bulk('pong');
        c.w.bulk(argv.length === 2 ? argv[1] : '');
      } else if (argv.length === 2) {
        c.w.bulk(argv[1]);
      } else {
        c.w.status('PONG');
      }
    },
  },
  {
    name: 'echo',
    arity: 2,
    flags: ['fast', 'stale', 'loading'],
    acl: ['connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Returns the given string.',
    complexity: 'O(1)',
    handler: (c, argv) => c.w.bulk(argv[1]),
  },
  {
    name: 'auth',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Authenticates the connection.',
    complexity: 'O(N) where N is the number of passwords defined for the user',
    handler: (c, argv) => {
      // Passwords never reach the slow log or MONITOR.
      c.redactedArgs = argv.map((a, i) => (i === 0 ? a : '(redacted)'));
      if (argv.length > 3) throw new ReplyError(Errors.SYNTAX);
      const acl = c.server.acl;
      if (argv.length === 2 && acl.defaultUser.nopass) {
        throw new ReplyError('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
      }
      const username = argv.length === 3 ? argv[1] : 'default';
      const password = argv.length === 3 ? argv[2] : argv[1];
      authenticate(c, username, password, argv[0]);
      c.w.ok();
    },
  },
  {
    name: 'hello',
    arity: -1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['connection'],
    group: 'connection',
    since: '6.0.0',
    summary: 'Handshakes with the server.',
    complexity: 'O(1)',
    handler: hello,
  },
  {
    name: 'select',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    acl: ['connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Changes the selected database.',
    complexity: 'O(1)',
    handler: (c, argv) => {
      if (c.server.config.getBool('cluster-enabled') && argv[1] !== '0') {
        throw new ReplyError('ERR SELECT is not allowed in cluster mode');
      }
      const index = parseIndex(argv[1]);
      if (index === undefined) throw new ReplyError(Errors.NOT_INTEGER);
      if (index < 0 || index >= c.server.dbs.length) throw new ReplyError(Errors.DB_INDEX);
      c.db = c.server.dbs[index];
      c.w.ok();
    },
  },
  {
    name: 'quit',
    arity: -1,
    flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'],
    acl: ['connection'],
    group: 'connection',
    since: '1.0.0',
    summary: 'Closes the connection.',
    complexity: 'O(1)',
    handler: (c) => {
      c.w.ok();
      c.closeAfterReply = true;
    },
  },
  {
    name: 'reset',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
    acl: ['connection'],
    group: 'connection',
    since: '6.2.0',
    summary: 'Resets the connection.',
    complexity: 'O(1)',
    handler: (c) => {
      if (c.kind === 'master' || (c.kind === 'replica' && !c.server.monitors.has(c))) {
        throw new ReplyError('ERR can only reset normal client connections');
      }
      resetConnection(c);
      c.w.status('RESET');
    },
  },
];

/**
 * Authenticates a client or throws the server's error (WRONGPASS), logging the failure in the
 * ACL log under the command's name as sent (`command`). IAM users authenticate with a token.
 */
export function authenticate(c: Client, username: string, password: string, command = 'AUTH'): void {
  const acl = c.server.acl;
  const user = acl.authenticate(username, password, c.server.clock.now());
  if (user === null) {
    c.server.stats.aclDeniedAuth++;
    acl.addLogEntry(c, 'auth', command, username);
    throw new ReplyError(Errors.WRONGPASS);
  }
  c.setAuthenticated(user);
}

function parseIndex(s: string): number | undefined {
  return /^-?\d{1,10}$/.test(s) ? Number(s) : undefined;
}

/** HELLO [protover [AUTH username password] [SETNAME clientname]] */
function hello(c: Client, argv: string[]): void {
  let version: 2 | 3 = c.w.resp;
  let i = 1;
  if (argv.length >= 2) {
    const n = /^-?\d+$/.test(argv[1]) ? Number(argv[1]) : NaN;
    if (!Number.isInteger(n)) throw new ReplyError('ERR Protocol version is not an integer or out of range');
    if (n < 2 || n > 3) throw new ReplyError('NOPROTO unsupported protocol version');
    version = n as 2 | 3;
    i = 2;
  }
  let auth: [string, string] | undefined;
  let name: string | undefined;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    if (is(argv[i], 'AUTH') && more >= 2) {
      auth = [argv[i + 1], argv[i + 2]];
      c.redactedArgs ??= [...argv];
      c.redactedArgs[i + 1] = '(redacted)';
      c.redactedArgs[i + 2] = '(redacted)';
      i += 2;
    } else if (is(argv[i], 'SETNAME') && more >= 1) {
      name = argv[i + 1];
      i += 1;
    } else {
      throw new ReplyError(`ERR Syntax error in HELLO option '${argv[i]}'`);
    }
  }
  if (auth !== undefined) authenticate(c, auth[0], auth[1], argv[0]);
  if (!c.authenticated) {
    // Redis OSS 7.2 added `<proto>` to the suggested syntax (HELLO AUTH alone is a syntax error).
    const syntax = compareVersions(redisBaseVersion(c.server), '7.2.0') >= 0 ? 'HELLO <proto> AUTH <user> <pass>' : 'HELLO AUTH <user> <pass>';
    throw new ReplyError(`NOAUTH HELLO must be called with the client already authenticated, otherwise the ${syntax} option can be used to authenticate the client and select the RESP protocol version at the same time`);
  }
  if (name !== undefined) {
    if (!validClientName(name)) throw new ReplyError('ERR Client names cannot contain spaces, newlines or special characters.');
    c.name = name;
  }
  c.w.resp = version;
  const server = c.server;
  c.w.map(7);
  c.w.bulk('server');
  c.w.bulk(server.engine);
  c.w.bulk('version');
  c.w.bulk(server.version);
  c.w.bulk('proto');
  c.w.int(version);
  c.w.bulk('id');
  c.w.int(c.id);
  c.w.bulk('mode');
  c.w.bulk(server.config.getBool('cluster-enabled') ? 'cluster' : 'standalone');
  c.w.bulk('role');
  c.w.bulk(server.role === 'master' ? 'master' : 'replica');
  c.w.bulk('modules');
  c.w.array(0);
}

/** Client names are printable ASCII without spaces. */
export function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 33 || code > 126) return false;
  }
  return true;
}

/**
 * RESET: back to a fresh connection's state (keeping the library name and version). Redis OSS
 * 7.0 keeps CLIENT NO-EVICT; Valkey (and Redis 7.2) also clear it and NO-TOUCH.
 */
export function resetConnection(c: Client): void {
  const server = c.server;
  server.monitors.delete(c);
  server.tracking.disable(c);
  c.multi = null;
  c.multiError = false;
  server.unwatchAll(c);
  server.pubsub.removeClient(c);
  c.db = server.dbs[0];
  c.w.resp = 2;
  c.name = '';
  c.user = server.acl.defaultUser;
  c.authenticated = !server.acl.authRequired;
  c.parser.limits.authRequired = !c.authenticated;
  c.replyMode = 'on';
  if (server.engine === 'valkey' || compareVersions(server.version, '7.2.0') >= 0) {
    c.noEvict = false;
    c.noTouch = false;
  }
  c.readonlyMode = false;
  c.asking = false;
}
