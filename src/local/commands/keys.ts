import type { Client } from '../client';
import { Notify } from '../notify';
import { is, isLongString } from './args';
import { deleteKey, keyChanged, lookupWrite, notify } from './keyspace';
import { CommandDef, Errors, ReplyError } from './types';
import { typeOf } from '../store/types';

const ALL_KEYS = { first: 1, last: -1, step: 1 };
const ONE_KEY = { first: 1, last: 1, step: 1 };

/** Generic key commands. */
export const commands: CommandDef[] = [
  {
    name: 'del',
    arity: -2,
    flags: ['write'],
    acl: ['keyspace'],
    keys: ALL_KEYS,
    group: 'generic',
    since: '1.0.0',
    summary: 'Deletes one or more keys.',
    complexity: 'O(N) where N is the number of keys that will be removed.',
    handler: (c, argv) => c.w.int(deleteKeys(c, argv)),
  },
  {
    name: 'unlink',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keys: ALL_KEYS,
    group: 'generic',
    since: '4.0.0',
    summary: 'Asynchronously deletes one or more keys.',
    complexity: 'O(1) for each key removed regardless of its size.',
    handler: (c, argv) => c.w.int(deleteKeys(c, argv)),
  },
  {
    name: 'exists',
    arity: -2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keys: ALL_KEYS,
    group: 'generic',
    since: '1.0.0',
    summary: 'Determines whether one or more keys exist.',
    complexity: 'O(N) where N is the number of keys to check.',
    handler: (c, argv) => {
      let n = 0;
      for (let i = 1; i < argv.length; i++) if (c.db.lookup(argv[i], c.now, !c.noTouch) !== undefined) n++;
      c.w.int(n);
    },
  },
  {
    name: 'type',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keys: ONE_KEY,
    group: 'generic',
    since: '1.0.0',
    summary: 'Determines the type of value stored at a key.',
    complexity: 'O(1)',
    handler: (c, argv) => {
      const value = c.db.get(argv[1], c.now, false);
      c.w.status(value === undefined ? 'none' : typeOf(value));
    },
  },
  expireCommand('expire', 'EX', '1.0.0', 'Sets the expiration time of a key in seconds.'),
  expireCommand('pexpire', 'PX', '2.6.0', 'Sets the expiration time of a key in milliseconds.'),
  expireCommand('expireat', 'EXAT', '1.2.0', 'Sets the expiration time of a key to a Unix timestamp.'),
  expireCommand('pexpireat', 'PXAT', '2.6.0', 'Sets the expiration time of a key to a Unix milliseconds timestamp.'),
  ttlCommand('ttl', false, '1.0.0', 'Returns the expiration time in seconds of a key.'),
  ttlCommand('pttl', true, '2.6.0', 'Returns the expiration time in milliseconds of a key.'),
  {
    name: 'persist',
    arity: 2,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keys: ONE_KEY,
    group: 'generic',
    since: '2.2.0',
    summary: 'Removes the expiration time of a key.',
    complexity: 'O(1)',
    handler: (c, argv) => {
      const key = argv[1];
      if (lookupWrite(c, key) === undefined || !c.db.persist(key)) {
        c.w.int(0);
        return;
      }
      notify(c, Notify.GENERIC, 'persist', key);
      keyChanged(c, key);
      c.w.int(1);
    },
  },
];

function deleteKeys(c: Client, argv: string[]): number {
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i];
    if (lookupWrite(c, key) === undefined) continue;
    deleteKey(c, key);
    notify(c, Notify.GENERIC, 'del', key);
    n++;
  }
  return n;
}

function ttlCommand(name: string, ms: boolean, since: string, summary: string): CommandDef {
  return {
    name,
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['keyspace'],
    keys: ONE_KEY,
    group: 'generic',
    since,
    summary,
    complexity: 'O(1)',
    handler: (c, argv) => {
      if (c.db.lookup(argv[1], c.now, !c.noTouch) === undefined) {
        c.w.int(-2);
        return;
      }
      const at = c.db.getExpire(argv[1]);
      if (at === undefined) {
        c.w.int(-1);
        return;
      }
      const ttl = Math.max(0, at - c.now);
      c.w.int(ms ? ttl : Math.floor((ttl + 500) / 1000));
    },
  };
}

/** EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT key time [NX|XX|GT|LT] */
function expireCommand(name: string, unit: 'EX' | 'PX' | 'EXAT' | 'PXAT', since: string, summary: string): CommandDef {
  return {
    name,
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['keyspace'],
    keys: ONE_KEY,
    group: 'generic',
    since,
    summary,
    complexity: 'O(1)',
    handler: (c, argv) => {
      let nx = false;
      let xx = false;
      let gt = false;
      let lt = false;
      for (let i = 3; i < argv.length; i++) {
        const a = argv[i];
        if (is(a, 'NX')) nx = true;
        else if (is(a, 'XX')) xx = true;
        else if (is(a, 'GT')) gt = true;
        else if (is(a, 'LT')) lt = true;
        else throw new ReplyError(`ERR Unsupported option ${a}`);
      }
      if (nx && (xx || gt || lt)) throw new ReplyError('ERR NX and XX, GT or LT options at the same time are not compatible');
      if (gt && lt) throw new ReplyError('ERR GT and LT options at the same time are not compatible');
      if (!isLongString(argv[2])) throw new ReplyError(Errors.NOT_INTEGER);
      const invalid = `ERR invalid expire time in '${name}' command`;
      let when = BigInt(argv[2]);
      const seconds = unit === 'EX' || unit === 'EXAT';
      if (seconds) {
        if (when > 9223372036854775807n / 1000n || when < -9223372036854775808n / 1000n) throw new ReplyError(invalid);
        when *= 1000n;
      }
      if (unit === 'EX' || unit === 'PX') {
        when += BigInt(c.now);
        if (when > 9223372036854775807n) throw new ReplyError(invalid);
      }
      const key = argv[1];
      if (lookupWrite(c, key) === undefined) {
        c.w.int(0);
        return;
      }
      const current = c.db.getExpire(key);
      if ((nx && current !== undefined) || (xx && current === undefined)) {
        c.w.int(0);
        return;
      }
      if (gt && (current === undefined || when <= BigInt(current))) {
        c.w.int(0);
        return;
      }
      if (lt && current !== undefined && when >= BigInt(current)) {
        c.w.int(0);
        return;
      }
      const at = Number(when);
      if (at <= c.now && c.server.role === 'master') {
        // Already in the past: the key goes now, and replicas are told to delete it.
        deleteKey(c, key);
        notify(c, Notify.GENERIC, 'del', key);
        c.rewrittenArgv = ['DEL', key];
        c.w.int(1);
        return;
      }
      c.db.setExpire(key, at);
      keyChanged(c, key);
      notify(c, Notify.GENERIC, 'expire', key);
      c.rewrittenArgv = ['PEXPIREAT', key, String(at)];
      c.w.int(1);
    },
  };
}
