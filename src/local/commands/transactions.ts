import type { Client } from '../client';
import { CommandDef, Errors, ReplyError } from './types';

/** Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. */
export const commands: CommandDef[] = [
  {
    name: 'multi',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
    group: 'transactions',
    since: '1.2.0',
    summary: 'Starts a transaction.',
    complexity: 'O(1)',
    handler: (c) => {
      if (c.multi !== null) throw new ReplyError(Errors.NESTED_MULTI);
      c.multi = [];
      c.multiError = false;
      c.w.ok();
    },
  },
  {
    name: 'exec',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    acl: ['transaction'],
    group: 'transactions',
    since: '1.2.0',
    summary: 'Executes all commands in a transaction.',
    complexity: 'Depends on commands in the transaction',
    handler: exec,
  },
  {
    name: 'discard',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
    group: 'transactions',
    since: '2.0.0',
    summary: 'Discards a transaction.',
    complexity: 'O(N), when N is the number of queued commands',
    handler: (c) => {
      if (c.multi === null) throw new ReplyError(Errors.DISCARD_WITHOUT_MULTI);
      discard(c);
      c.w.ok();
    },
  },
  {
    name: 'watch',
    arity: -2,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
    keys: { first: 1, last: -1, step: 1 },
    group: 'transactions',
    since: '2.2.0',
    summary: 'Monitors changes to keys to determine the execution of a transaction.',
    complexity: 'O(1) for every key.',
    handler: (c, argv) => {
      if (c.multi !== null) throw new ReplyError('ERR WATCH inside MULTI is not allowed');
      for (let i = 1; i < argv.length; i++) c.server.watch(c, argv[i]);
      c.w.ok();
    },
  },
  {
    name: 'unwatch',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    acl: ['transaction'],
    group: 'transactions',
    since: '2.2.0',
    summary: 'Forgets about watched keys of a transaction.',
    complexity: 'O(1)',
    handler: (c) => {
      c.server.unwatchAll(c);
      c.w.ok();
    },
  },
];

/** Leaves MULTI without running anything and forgets watched keys. */
export function discard(c: Client): void {
  c.multi = null;
  c.multiError = false;
  c.server.unwatchAll(c);
}

function exec(c: Client): void {
  const queued = c.multi;
  if (queued === null) throw new ReplyError(Errors.EXEC_WITHOUT_MULTI);
  const server = c.server;
  if (c.multiError) {
    discard(c);
    throw new ReplyError(Errors.EXECABORT);
  }
  if (c.dirtyCas || server.watchedKeyExpired(c)) {
    // A watched key changed (or expired) since WATCH: nothing runs.
    discard(c);
    c.w.nullArray();
    return;
  }
  c.multi = null;
  server.unwatchAll(c);
  c.w.array(queued.length);
  c.inExec = true;
  try {
    for (const { cmd, argv } of queued) {
      // Permissions may have changed since the command was queued.
      const denial = c.user.allowsAll ? null : c.user.permits(cmd, argv);
      if (denial !== null) {
        server.acl.addLogEntry(c, denial.reason, denial.object);
        c.w.error(`NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ${EXEC_DENIAL[denial.reason]}`);
        continue;
      }
      if (server.role === 'replica' && cmd.isWrite && c.kind !== 'master') {
        c.w.error(Errors.READONLY);
        continue;
      }
      server.call(c, cmd, argv);
    }
  } finally {
    c.inExec = false;
  }
}

/** Why a queued command was refused at EXEC, as the server words it. */
const EXEC_DENIAL: Record<string, string> = {
  command: 'no permission to execute the command or subcommand',
  key: 'no permission to touch the specified keys',
  channel: 'no permission to access one of the channels used as arguments',
  auth: 'no permission',
};
