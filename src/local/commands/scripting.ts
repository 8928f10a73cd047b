import type { Client } from '../client';
import { CommandDef, Errors, ReplyError } from './types';
import { ScriptingEngine } from '../scripting/engine';

/** Scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT. */

/** Key positions of EVAL-like commands: `numkeys` keys after the numkeys argument. */
export function evalKeys(argv: readonly string[]): number[] {
  if (argv.length < 3) return [];
  const n = Number(argv[2]);
  if (!Number.isInteger(n) || n <= 0 || n > argv.length - 3) return [];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(3 + i);
  return out;
}

/** The server's scripting engine, created on first use. */
export function scripting(c: Client): ScriptingEngine {
  return c.server.scripting;
}

function numKeys(argv: readonly string[]): number {
  const s = argv[2];
  if (!/^-?\d{1,19}$/.test(s) || (s.length > 1 && (s.startsWith('0') || s.startsWith('-0')))) throw new ReplyError(Errors.NOT_INTEGER);
  const n = Number(s);
  if (!Number.isSafeInteger(n) && BigInt(s) !== BigInt.asIntN(64, BigInt(s))) throw new ReplyError(Errors.NOT_INTEGER);
  if (n > argv.length - 3) throw new ReplyError("ERR Number of keys can't be greater than number of args");
  if (n < 0) throw new ReplyError("ERR Number of keys can't be negative");
  return n;
}

function evalCommand(bySha: boolean, readOnly: boolean) {
  return (c: Client, argv: string[]): void => {
    const n = numKeys(argv);
    const engine = scripting(c);
    let script;
    if (bySha) {
      script = engine.lookup(argv[1]);
      if (script === undefined) throw new ReplyError('NOSCRIPT No matching script. Please use EVAL.');
    } else {
      script = engine.load(argv[1]);
    }
    engine.eval(c, script, argv.slice(3, 3 + n), argv.slice(3 + n), readOnly);
  };
}

const EVAL_FLAGS = ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys'] as const;
const SCRIPT_HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
];

export const commands: CommandDef[] = [
  {
    name: 'eval',
    arity: -3,
    flags: [...EVAL_FLAGS],
    acl: ['scripting'],
    getKeys: evalKeys,
    keyAccess: 'readwrite',
    group: 'scripting',
    since: '2.6.0',
    summary: 'Executes a server-side Lua script.',
    complexity: 'Depends on the script that is executed.',
    handler: evalCommand(false, false),
  },
  {
    name: 'evalsha',
    arity: -3,
    flags: [...EVAL_FLAGS],
    acl: ['scripting'],
    getKeys: evalKeys,
    keyAccess: 'readwrite',
    group: 'scripting',
    since: '2.6.0',
    summary: 'Executes a server-side Lua script by SHA1 digest.',
    complexity: 'Depends on the script that is executed.',
    handler: evalCommand(true, false),
  },
  {
    name: 'eval_ro',
    arity: -3,
    flags: ['readonly', ...EVAL_FLAGS],
    acl: ['scripting'],
    getKeys: evalKeys,
    keyAccess: 'read',
    group: 'scripting',
    since: '7.0.0',
    summary: 'Executes a read-only server-side Lua script.',
    complexity: 'Depends on the script that is executed.',
    handler: evalCommand(false, true),
  },
  {
    name: 'evalsha_ro',
    arity: -3,
    flags: ['readonly', ...EVAL_FLAGS],
    acl: ['scripting'],
    getKeys: evalKeys,
    keyAccess: 'read',
    group: 'scripting',
    since: '7.0.0',
    summary: 'Executes a read-only server-side Lua script by SHA1 digest.',
    complexity: 'Depends on the script that is executed.',
    handler: evalCommand(true, true),
  },
  {
    name: 'script',
    arity: -2,
    flags: [],
    acl: [],
    group: 'scripting',
    since: '2.6.0',
    summary: 'A container for Lua scripts management commands.',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'debug',
        arity: 3,
        flags: ['noscript'],
        acl: ['scripting'],
        group: 'scripting',
        since: '3.2.0',
        summary: 'Sets the debug mode of server-side Lua scripts.',
        complexity: 'O(1)',
        handler: (c, argv) => {
          const mode = argv[2].toLowerCase();
          if (mode === 'no') {
            c.w.ok();
            return;
          }
          if (mode === 'yes' || mode === 'sync') {
            // The Lua debugger (LDB) is not part of the local engine (test/compat/DIFFERENCES.md).
            throw new ReplyError('ERR The Lua debugger is not available in this server');
          }
          throw new ReplyError('ERR Use SCRIPT DEBUG YES/SYNC/NO');
        },
      },
      {
        name: 'exists',
        arity: -3,
        flags: ['noscript'],
        acl: ['scripting'],
        group: 'scripting',
        since: '2.6.0',
        summary: 'Determines whether server-side Lua scripts exist in the script cache.',
        complexity: 'O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).',
        handler: (c, argv) => {
          const engine = scripting(c);
          c.w.array(argv.length - 2);
          for (let i = 2; i < argv.length; i++) c.w.int(engine.exists(argv[i]) ? 1 : 0);
        },
      },
      {
        name: 'flush',
        arity: -2,
        flags: ['noscript'],
        acl: ['scripting'],
        group: 'scripting',
        since: '2.6.0',
        summary: 'Removes all server-side Lua scripts from the script cache.',
        complexity: 'O(N) with N being the number of scripts in cache',
        handler: (c, argv) => {
          if (argv.length > 3) throw new ReplyError('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
          if (argv.length === 3) {
            const mode = argv[2].toLowerCase();
            if (mode !== 'sync' && mode !== 'async') throw new ReplyError('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
          }
          // ASYNC and SYNC free the same way here: a new Lua state replaces the old one.
          scripting(c).reset();
          c.w.ok();
        },
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['scripting'],
        group: 'scripting',
        since: '5.0.0',
        summary: 'Returns helpful text about the different subcommands.',
        complexity: 'O(1)',
        handler: (c) => {
          c.w.array(SCRIPT_HELP.length);
          for (const line of SCRIPT_HELP) c.w.status(line);
        },
      },
      {
        name: 'kill',
        arity: 2,
        flags: ['noscript', 'allow_busy'],
        acl: ['scripting'],
        group: 'scripting',
        since: '2.6.0',
        summary: 'Terminates a server-side Lua script during execution.',
        complexity: 'O(1)',
        handler: (c) => {
          c.server.scripting.kill();
          c.w.ok();
        },
      },
      {
        name: 'load',
        arity: 3,
        flags: ['noscript', 'stale'],
        acl: ['scripting'],
        group: 'scripting',
        since: '2.6.0',
        summary: 'Loads a server-side Lua script to the script cache.',
        complexity: 'O(N) with N being the length in bytes of the script body.',
        handler: (c, argv) => {
          c.w.bulk(scripting(c).load(argv[2]).sha);
        },
      },
    ],
  },
];
