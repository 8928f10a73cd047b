import type { Client } from '../client';
import { evalKeys } from './scripting';
import { CommandDef, CommandFlag, ReplyError } from './types';
import { FunctionLibrary, ScriptFlag, sha1hex } from '../scripting/engine';
import { globMatch } from '../util/glob';

/** Redis 7 functions: FCALL, FCALL_RO and FUNCTION. */

const FLAG_ORDER: ReadonlyArray<[ScriptFlag, string]> = [
  [ScriptFlag.NO_WRITES, 'no-writes'], [ScriptFlag.ALLOW_OOM, 'allow-oom'], [ScriptFlag.ALLOW_STALE, 'allow-stale'],
  [ScriptFlag.NO_CLUSTER, 'no-cluster'], [ScriptFlag.ALLOW_CROSS_SLOT, 'allow-cross-slot-keys'],
];

/** FCALL's numkeys: an integer, not negative, not more than the arguments. */
function numKeys(argv: readonly string[]): number {
  const s = argv[2];
  if (!/^-?\d{1,19}$/.test(s) || (s.length > 1 && (s.startsWith('0') || s.startsWith('-0')))) throw new ReplyError('ERR Bad number of keys provided');
  const n = Number(s);
  if (n > argv.length - 3) throw new ReplyError("ERR Number of keys can't be greater than number of args");
  if (n < 0) throw new ReplyError("ERR Number of keys can't be negative");
  return n;
}

function fcall(readOnly: boolean) {
  return (c: Client, argv: string[]): void => {
    const n = numKeys(argv);
    const engine = c.server.scripting;
    const fn = engine.functions.get(argv[1].toLowerCase());
    if (fn === undefined) throw new ReplyError('ERR Function not found');
    engine.fcall(c, fn, argv.slice(3, 3 + n), argv.slice(3 + n), readOnly);
  };
}

/** FUNCTION DUMP's payload: a magic prefix, each library's code with its length, a checksum. */
const DUMP_MAGIC = '\x07LUAFN1';

export function dumpLibraries(libraries: Iterable<FunctionLibrary>): string {
  let body = DUMP_MAGIC;
  for (const lib of libraries) body += lib.code.length + ':' + lib.code;
  return body + sha1hex(body).slice(0, 16);
}

/** The library codes of a FUNCTION DUMP payload; throws the real server's error when it is not one. */
export function parseDump(payload: string): string[] {
  const bad = new ReplyError('ERR DUMP payload version or checksum are wrong');
  if (payload.length < DUMP_MAGIC.length + 16 || !payload.startsWith(DUMP_MAGIC)) throw bad;
  const body = payload.slice(0, -16);
  if (sha1hex(body).slice(0, 16) !== payload.slice(-16)) throw bad;
  const codes: string[] = [];
  let pos = DUMP_MAGIC.length;
  while (pos < body.length) {
    const colon = body.indexOf(':', pos);
    const len = Number(body.slice(pos, colon));
    if (colon < 0 || !Number.isSafeInteger(len) || colon + 1 + len > body.length) throw bad;
    codes.push(body.slice(colon + 1, colon + 1 + len));
    pos = colon + 1 + len;
  }
  return codes;
}

const FUNCTION_HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'HELP',
  '    Prints this help.',
];

const FCALL_FLAGS = ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys'] as const;

function sub(name: string, arity: number, flags: CommandFlag[], summary: string, handler: CommandDef['handler']): CommandDef {
  return { name, arity, flags, acl: ['scripting'], group: 'scripting', since: '7.0.0', summary, complexity: '', handler };
}

export const commands: CommandDef[] = [
  {
    name: 'fcall',
    arity: -3,
    flags: [...FCALL_FLAGS],
    acl: ['scripting'],
    getKeys: evalKeys,
    keyAccess: 'readwrite',
    group: 'scripting',
    since: '7.0.0',
    summary: 'Invoke a function',
    complexity: 'Depends on the function that is executed.',
    handler: fcall(false),
  },
  {
    name: 'fcall_ro',
    arity: -3,
    flags: ['readonly', ...FCALL_FLAGS],
    acl: ['scripting'],
    getKeys: evalKeys,
    keyAccess: 'read',
    group: 'scripting',
    since: '7.0.0',
    summary: 'Invoke a read-only function',
    complexity: 'Depends on the function that is executed.',
    handler: fcall(true),
  },
  {
    name: 'function',
    arity: -2,
    flags: [],
    acl: [],
    group: 'scripting',
    since: '7.0.0',
    summary: 'A container for function commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub('delete', 3, ['write', 'noscript'], 'Delete a function by name', (c, argv) => {
        if (!c.server.scripting.deleteLibrary(argv[2])) throw new ReplyError('ERR Library not found');
        c.server.dirty++;
        c.w.ok();
      }),
      sub('dump', 2, ['noscript'], 'Dump all functions into a serialized binary payload', (c) => {
        c.w.bulk(dumpLibraries(c.server.scripting.libraries.values()));
      }),
      sub('flush', -2, ['write', 'noscript'], 'Deleting all functions', (c, argv) => {
        const mode = argv.length === 3 ? argv[2].toLowerCase() : 'sync';
        if (argv.length > 3 || (mode !== 'sync' && mode !== 'async')) throw new ReplyError('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
        c.server.scripting.flushLibraries();
        c.server.dirty++;
        c.w.ok();
      }),
      sub('help', 2, ['loading', 'stale'], 'Show helpful text about the different subcommands', (c) => {
        c.w.array(FUNCTION_HELP.length);
        for (const line of FUNCTION_HELP) c.w.status(line);
      }),
      sub('kill', 2, ['noscript', 'allow_busy'], 'Kill the function currently in execution.', (c) => {
        c.server.scripting.kill(false);
        c.w.ok();
      }),
      sub('list', -2, ['noscript'], 'List information about all the functions', (c, argv) => {
        let pattern: string | null = null;
        let withCode = false;
        for (let i = 2; i < argv.length; i++) {
          const opt = argv[i].toLowerCase();
          if (opt === 'withcode' && !withCode) {
            withCode = true;
          } else if (opt === 'libraryname' && pattern === null) {
            if (i + 1 >= argv.length) throw new ReplyError('ERR library name argument was not given');
            pattern = argv[++i];
          } else {
            throw new ReplyError(`ERR Unknown argument ${argv[i]}`);
          }
        }
        const libs = [...c.server.scripting.libraries.values()].filter((l) => pattern === null || globMatch(pattern, l.name, true));
        const w = c.w;
        w.array(libs.length);
        for (const lib of libs) {
          w.map(withCode ? 4 : 3);
          w.bulk('library_name');
          w.bulk(lib.name);
          w.bulk('engine');
          w.bulk('LUA');
          w.bulk('functions');
          w.array(lib.functions.size);
          for (const fn of lib.functions.values()) {
            w.map(3);
            w.bulk('name');
            w.bulk(fn.name);
            w.bulk('description');
            w.bulkOrNull(fn.description);
            w.bulk('flags');
            const names = FLAG_ORDER.filter(([f]) => fn.flags & f).map(([, n]) => n);
            w.set(names.length);
            for (const n of names) w.status(n);
          }
          if (withCode) {
            w.bulk('library_code');
            w.bulk(lib.code);
          }
        }
      }),
      sub('load', -3, ['write', 'denyoom', 'noscript'], 'Create a function with the given arguments (name, code, description)', (c, argv) => {
        let replace = false;
        let i = 2;
        for (; i < argv.length - 1; i++) {
          if (argv[i].toLowerCase() === 'replace') replace = true;
          else throw new ReplyError(`ERR Unknown option given: ${argv[i]}`);
        }
        c.w.bulk(c.server.scripting.loadLibrary(argv[i], replace));
        c.server.dirty++;
      }),
      sub('restore', -3, ['write', 'denyoom', 'noscript'], 'Restore all the functions on the given payload', (c, argv) => {
        if (argv.length > 4) throw new ReplyError(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try FUNCTION HELP.`);
        const policy = argv.length === 4 ? argv[3].toLowerCase() : 'append';
        if (policy !== 'flush' && policy !== 'append' && policy !== 'replace') {
          throw new ReplyError('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');
        }
        const codes = parseDump(argv[2]);
        const engine = c.server.scripting;
        const saved = [...engine.libraries.values()].map((l) => l.code);
        if (policy === 'append') {
          for (const code of codes) {
            const name = code.match(/^#!lua name=([A-Za-z0-9_]+)/)?.[1];
            if (name !== undefined && engine.libraries.has(name)) throw new ReplyError(`ERR Library ${name} already exists`);
          }
        }
        if (policy === 'flush') engine.flushLibraries();
        try {
          for (const code of codes) engine.loadLibrary(code, policy === 'replace');
        } catch (e) {
          // All or nothing: the libraries go back to what they were.
          engine.flushLibraries();
          for (const code of saved) engine.loadLibrary(code, false);
          throw e;
        }
        c.server.dirty++;
        c.w.ok();
      }),
      sub('stats', 2, ['noscript', 'allow_busy'], 'Return information about the function currently running (name, description, duration)', (c) => {
        const engine = c.server.scripting;
        const run = engine.running;
        const w = c.w;
        w.map(2);
        w.bulk('running_script');
        if (run === null || !run.isFunction) {
          w.nullBulk();
        } else {
          w.map(3);
          w.bulk('name');
          w.bulk(run.script.sha);
          w.bulk('command');
          w.bulkArray(run.argv);
          w.bulk('duration_ms');
          w.int(Math.floor(performance.now() - run.started));
        }
        w.bulk('engines');
        w.map(1);
        w.bulk('LUA');
        w.map(2);
        w.bulk('libraries_count');
        w.int(engine.libraries.size);
        w.bulk('functions_count');
        w.int(engine.functions.size);
      }),
    ],
  },
];
