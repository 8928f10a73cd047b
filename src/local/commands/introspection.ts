import type { Client } from '../client';
import type { RedisServer } from '../server';
import { is, isLongString } from './args';
import { writeHelp } from './config';
import { ArgMeta, COMMAND_METADATA, KeySpecTuple } from './metadata';
import { ACL_CATEGORIES, AclCategory, Command, CommandArg, CommandDef, CommandFlag, Errors, KeySpec, KeySpecFlag, ReplyError, redisBaseVersion } from './types';
import { compareVersions } from '../config';
import { valueBytes, KEY_OVERHEAD } from '../store/types';
import { globMatch } from '../util/glob';

/** COMMAND, SLOWLOG, LATENCY and MEMORY. */
export const commands: CommandDef[] = [
  {
    name: 'command',
    arity: -1,
    flags: ['loading', 'stale'],
    acl: ['connection'],
    group: 'server',
    since: '2.8.13',
    summary: 'Returns detailed information about all commands.',
    complexity: 'O(N) where N is the total number of Redis commands',
    handler: (c) => writeCommandInfos(c, allCommands(c.server)),
    subcommands: [
      {
        name: 'count',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['connection'],
        group: 'server',
        since: '2.8.13',
        summary: 'Returns a count of commands.',
        complexity: 'O(1)',
        handler: (c) => c.w.int(c.server.commandList.length),
      },
      {
        name: 'docs',
        arity: -2,
        flags: ['loading', 'stale'],
        acl: ['connection'],
        group: 'server',
        since: '7.0.0',
        summary: 'Returns documentary information about one, multiple or all commands.',
        complexity: 'O(N) where N is the number of commands to look up',
        handler: commandDocs,
      },
      {
        name: 'getkeys',
        arity: -4,
        flags: ['loading', 'stale'],
        acl: ['connection'],
        group: 'server',
        since: '2.8.13',
        summary: 'Extracts the key names from an arbitrary command.',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler: (c, argv) => getKeys(c, argv, false),
      },
      {
        name: 'getkeysandflags',
        arity: -4,
        flags: ['loading', 'stale'],
        acl: ['connection'],
        group: 'server',
        since: '7.0.0',
        summary: 'Extracts the key names and access flags for an arbitrary command.',
        complexity: 'O(N) where N is the number of arguments to the command',
        handler: (c, argv) => getKeys(c, argv, true),
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['connection'],
        group: 'server',
        since: '5.0.0',
        summary: 'Returns helpful text about the different subcommands.',
        complexity: 'O(1)',
        handler: (c) => writeHelp(c, 'COMMAND', [
          '(no subcommand)',
          '    Describe every command of this server.',
          'COUNT',
          '    Count the commands of this server.',
          'LIST',
          '    Name every command and subcommand of this server.',
          'INFO [<command-name> ...]',
          '    Describe the given commands (all when none is given).',
          'DOCS [<command-name> ...]',
          '    Document the given commands: summary, version, arguments (all when none is given).',
          'GETKEYS <full-command>',
          '    Name the keys a command would access.',
          'GETKEYSANDFLAGS <full-command>',
          '    Name the keys a command would access, with how it accesses each one.',
        ]),
      },
      {
        name: 'info',
        arity: -2,
        flags: ['loading', 'stale'],
        acl: ['connection'],
        group: 'server',
        since: '2.8.13',
        summary: 'Returns information about one, multiple or all commands.',
        complexity: 'O(N) where N is the number of commands to look up',
        handler: (c, argv) => {
          if (argv.length === 2) {
            writeCommandInfos(c, allCommands(c.server));
            return;
          }
          writeCommandInfos(c, argv.slice(2).map((name) => lookupByFullName(c.server, name)));
        },
      },
      {
        name: 'list',
        arity: -2,
        flags: ['loading', 'stale'],
        acl: ['connection'],
        group: 'server',
        since: '7.0.0',
        summary: 'Returns a list of command names.',
        complexity: 'O(N) where N is the total number of Redis commands',
        handler: commandList,
      },
    ],
  },
  {
    name: 'slowlog',
    arity: -2,
    flags: [],
    acl: [],
    group: 'server',
    since: '2.2.12',
    summary: 'A container for slow log commands.',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'get',
        arity: -2,
        flags: ['admin', 'loading', 'stale'],
        acl: [],
        group: 'server',
        since: '2.2.12',
        summary: 'Returns the slow log\'s entries.',
        complexity: 'O(N) where N is the number of entries returned',
        handler: slowlogGet,
      },
      {
        name: 'len',
        arity: 2,
        flags: ['admin', 'loading', 'stale'],
        acl: [],
        group: 'server',
        since: '2.2.12',
        summary: 'Returns the number of entries in the slow log.',
        complexity: 'O(1)',
        handler: (c) => c.w.int(c.server.slowlog.entries.length),
      },
      {
        name: 'reset',
        arity: 2,
        flags: ['admin', 'loading', 'stale'],
        acl: [],
        group: 'server',
        since: '2.2.12',
        summary: 'Clears all entries from the slow log.',
        complexity: 'O(N) where N is the number of entries in the slowlog',
        handler: (c) => {
          c.server.slowlog.reset();
          c.w.ok();
        },
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: [],
        group: 'server',
        since: '6.2.0',
        summary: 'Show helpful text about the different subcommands',
        complexity: 'O(1)',
        handler: (c) => writeHelp(c, 'SLOWLOG', [
          'GET [<count>]',
          '    Show the <count> most recent entries (10 by default, -1 for all). Each entry holds',
          '    its id, the Unix time it was logged at, the command\'s duration in microseconds,',
          '    the command\'s arguments, the client\'s address and the client\'s name.',
          'LEN',
          '    Count the entries.',
          'RESET',
          '    Remove every entry.',
        ]),
      },
    ],
  },
  {
    name: 'latency',
    arity: -2,
    flags: [],
    acl: [],
    group: 'server',
    since: '2.8.13',
    summary: 'A container for latency diagnostics commands.',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'doctor',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: [],
        group: 'server',
        since: '2.8.13',
        summary: 'Returns a human-readable latency analysis report.',
        complexity: 'O(1)',
        handler: (c) => c.w.verbatim(latencyDoctor(c.server)),
      },
      {
        name: 'graph',
        arity: 3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: [],
        group: 'server',
        since: '2.8.13',
        summary: 'Returns a latency graph for an event.',
        complexity: 'O(1)',
        handler: latencyGraph,
      },
      {
        name: 'histogram',
        arity: -2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: [],
        group: 'server',
        since: '7.0.0',
        summary: 'Returns the cumulative distribution of latencies of a subset or all commands.',
        complexity: 'O(N) where N is the number of commands with latency information being retrieved.',
        handler: latencyHistogram,
      },
      {
        name: 'history',
        arity: 3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: [],
        group: 'server',
        since: '2.8.13',
        summary: 'Returns timestamp-latency samples for an event.',
        complexity: 'O(1)',
        handler: (c, argv) => {
          const series = c.server.latency.events.get(argv[2]);
          const samples = series?.samples ?? [];
          c.w.array(samples.length);
          for (const s of samples) {
            c.w.array(2);
            c.w.int(s.time);
            c.w.int(s.latency);
          }
        },
      },
      {
        name: 'latest',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: [],
        group: 'server',
        since: '2.8.13',
        summary: 'Returns the latest latency samples for all events.',
        complexity: 'O(1)',
        handler: (c) => {
          const events = [...c.server.latency.events].filter(([, s]) => s.samples.length > 0);
          c.w.array(events.length);
          for (const [name, series] of events) {
            const last = series.samples[series.samples.length - 1];
            c.w.array(4);
            c.w.bulk(name);
            c.w.int(last.time);
            c.w.int(last.latency);
            c.w.int(series.max);
          }
        },
      },
      {
        name: 'reset',
        arity: -2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: [],
        group: 'server',
        since: '2.8.13',
        summary: 'Resets the latency data for one or more events.',
        complexity: 'O(1)',
        handler: (c, argv) => c.w.int(c.server.latency.reset(argv.slice(2))),
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: [],
        group: 'server',
        since: '2.8.13',
        summary: 'Returns helpful text about the different subcommands.',
        complexity: 'O(1)',
        handler: (c) => writeHelp(c, 'LATENCY', [
          'DOCTOR',
          '    Describe the latency spikes observed, in words.',
          'GRAPH <event>',
          '    Draw the recent samples of <event> as a text chart.',
          'HISTORY <event>',
          '    List the recent samples of <event>: Unix time and milliseconds.',
          'LATEST',
          '    Show the latest and the largest sample of every event.',
          'RESET [<event> ...]',
          '    Forget the samples of the given events (of all events when none is given).',
          'HISTOGRAM [COMMAND ...]',
          '    Show how the execution times of the given commands (all when none is given)',
          '    are distributed, in power-of-two microsecond buckets.',
        ]),
      },
    ],
  },
  {
    name: 'memory',
    arity: -2,
    flags: [],
    acl: [],
    group: 'server',
    since: '4.0.0',
    summary: 'A container for memory diagnostics commands.',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'doctor',
        arity: 2,
        flags: [],
        acl: [],
        group: 'server',
        since: '4.0.0',
        summary: 'Outputs a memory problems report.',
        complexity: 'O(1)',
        handler: (c) => c.w.verbatim(memoryDoctor(c.server)),
      },
      {
        name: 'malloc-stats',
        arity: 2,
        flags: [],
        acl: [],
        group: 'server',
        since: '4.0.0',
        summary: 'Returns the allocator statistics.',
        complexity: 'Depends on how much memory is allocated, could be slow',
        // The engine's memory is managed by V8: there is no allocator to report on.
        handler: (c) => c.w.verbatim('Stats not supported for the current allocator'),
      },
      {
        name: 'purge',
        arity: 2,
        flags: [],
        acl: [],
        group: 'server',
        since: '4.0.0',
        summary: 'Asks the allocator to release memory.',
        complexity: 'Depends on how much memory is allocated, could be slow',
        handler: (c) => c.w.ok(),
      },
      {
        name: 'stats',
        arity: 2,
        flags: [],
        acl: [],
        group: 'server',
        since: '4.0.0',
        summary: 'Returns details about memory usage.',
        complexity: 'O(1)',
        handler: memoryStats,
      },
      {
        name: 'usage',
        arity: -3,
        flags: ['readonly'],
        acl: [],
        keys: { first: 2, last: 2, step: 1 },
        group: 'server',
        since: '4.0.0',
        summary: 'Estimates the memory usage of a key.',
        complexity: 'O(N) where N is the number of samples.',
        handler: memoryUsage,
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: [],
        group: 'server',
        since: '4.0.0',
        summary: 'Returns helpful text about the different subcommands.',
        complexity: 'O(1)',
        handler: (c) => writeHelp(c, 'MEMORY', [
          'DOCTOR',
          '    Describe memory problems, in words.',
          'MALLOC-STATS',
          '    Show the memory allocator\'s own statistics.',
          'PURGE',
          '    Ask the allocator to give unused memory back.',
          'STATS',
          '    Show what the memory is used for.',
          'USAGE <key> [SAMPLES <count>]',
          '    Estimate the bytes <key> and its value take; nested values are sampled',
          '    <count> times (5 by default, 0 for all).',
        ]),
      },
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Command metadata: key specs, tips, arguments

const specCache = new WeakMap<Command, readonly KeySpec[]>();
const argsCache = new WeakMap<Command, readonly CommandArg[] | undefined>();

/** A command's key specifications: its own, the reference data's, or derived from its key range. */
export function keySpecsOf(cmd: Command): readonly KeySpec[] {
  let specs = specCache.get(cmd);
  if (specs !== undefined) return specs;
  const def = cmd.def;
  const meta = COMMAND_METADATA[cmd.fullName];
  if (def.keySpecs !== undefined) specs = def.keySpecs;
  else if (meta !== undefined) specs = (meta.ks ?? []).map(specFromTuple);
  else specs = derivedKeySpecs(cmd);
  specCache.set(cmd, specs);
  return specs;
}

function specFromTuple(t: KeySpecTuple): KeySpec {
  const flags = String(t[0]).split(' ').filter((f) => f !== '') as KeySpecFlag[];
  let i = 1;
  let begin: KeySpec['begin'] = null;
  if (t[i] === 'i') {
    begin = { index: t[i + 1] as number };
    i += 2;
  } else if (t[i] === 'k') {
    begin = { keyword: t[i + 1] as string, startFrom: t[i + 2] as number };
    i += 3;
  } else {
    i += 1;
  }
  let find: KeySpec['find'] = null;
  if (t[i] === 'r') find = { lastKey: t[i + 1] as number, keyStep: t[i + 2] as number, limit: t[i + 3] as number };
  else if (t[i] === 'n') find = { keyNumIndex: t[i + 1] as number, firstKey: t[i + 2] as number, keyStep: t[i + 3] as number };
  return { flags, begin, find };
}

/** For commands outside the reference data: one spec from the fixed key range. */
function derivedKeySpecs(cmd: Command): KeySpec[] {
  const range = cmd.def.keys;
  if (range === undefined || range.first === 0) return [];
  const access = cmd.keyAccess;
  const flags: KeySpecFlag[] = access === 'read' ? ['RO', 'access'] : access === 'write' ? ['RW', 'update'] : ['RW', 'access', 'update'];
  const lastKey = range.last < 0 ? range.last : range.last - range.first;
  return [{ flags, begin: { index: range.first }, find: { lastKey, keyStep: range.step, limit: 0 } }];
}

export function tipsOf(cmd: Command): readonly string[] {
  return cmd.def.tips ?? COMMAND_METADATA[cmd.fullName]?.tips ?? [];
}

/** A command's arguments as the server's engine version documents them (newer ones left out). */
function argsOf(server: RedisServer, cmd: Command): readonly CommandArg[] | undefined {
  if (argsCache.has(cmd)) return argsCache.get(cmd);
  const base = redisBaseVersion(server);
  const known = (args: readonly CommandArg[]): CommandArg[] => args
    .filter((a) => a.since === undefined || compareVersions(a.since, base) <= 0)
    .map((a) => (a.args === undefined ? a : { ...a, args: known(a.args) }));
  const all = cmd.def.args ?? COMMAND_METADATA[cmd.fullName]?.args?.map(argFromMeta);
  const args = all === undefined ? undefined : known(all);
  argsCache.set(cmd, args);
  return args;
}

function argFromMeta(a: ArgMeta): CommandArg {
  return {
    name: a.n,
    type: a.t as CommandArg['type'],
    keySpecIndex: a.k,
    token: a.tok,
    since: a.s,
    deprecatedSince: a.d,
    flags: a.f === undefined ? undefined : (a.f.split(' ') as CommandArg['flags']),
    args: a.a?.map(argFromMeta),
  };
}

/** Command flags in the order COMMAND INFO lists them (may_replicate is never shown). */
const SHOWN_FLAGS: readonly CommandFlag[] = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'no_mandatory_keys', 'no_async_loading', 'no_multi',
  'movablekeys', 'allow_busy',
];

const SPEC_FLAG_ORDER: readonly KeySpecFlag[] = [
  'RO', 'RW', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete', 'variable_flags',
];

function allCommands(server: RedisServer): Command[] {
  return server.commandList;
}

/** `name` or `container|subcommand`, case-insensitive (COMMAND INFO and DOCS). */
function lookupByFullName(server: RedisServer, name: string): Command | undefined {
  const parts = name.split('|');
  if (parts.length > 2) return undefined;
  const cmd = server.lookupCommand(parts[0]);
  if (cmd === undefined || parts.length === 1) return cmd;
  return cmd.subcommands?.get(parts[1].toLowerCase());
}

function writeCommandInfos(c: Client, cmds: ReadonlyArray<Command | undefined>): void {
  c.w.array(cmds.length);
  for (const cmd of cmds) writeCommandInfo(c, cmd);
}

/** One COMMAND INFO entry: name, arity, flags, first/last/step, categories, tips, key specs, subcommands. */
function writeCommandInfo(c: Client, cmd: Command | undefined): void {
  const w = c.w;
  if (cmd === undefined) {
    w.nullArray();
    return;
  }
  const range = cmd.def.keys;
  w.array(10);
  w.bulk(cmd.fullName);
  w.int(cmd.arity);
  const flags = SHOWN_FLAGS.filter((f) => cmd.flags.includes(f));
  w.set(flags.length);
  for (const f of flags) w.status(f);
  w.int(range?.first ?? 0);
  w.int(range?.last ?? 0);
  w.int(range?.step ?? 0);
  w.set(cmd.categories.length);
  for (const category of cmd.categories) w.status('@' + category);
  const tips = tipsOf(cmd);
  w.set(tips.length);
  for (const tip of tips) w.bulk(tip);
  writeKeySpecs(c, keySpecsOf(cmd));
  if (cmd.subcommands === undefined) {
    w.set(0);
  } else {
    w.array(cmd.subcommands.size);
    for (const sub of cmd.subcommands.values()) writeCommandInfo(c, sub);
  }
}

function writeKeySpecs(c: Client, specs: readonly KeySpec[]): void {
  const w = c.w;
  w.set(specs.length);
  for (const spec of specs) {
    w.map(spec.notes !== undefined ? 4 : 3);
    if (spec.notes !== undefined) {
      w.bulk('notes');
      w.bulk(spec.notes);
    }
    w.bulk('flags');
    writeSpecFlags(c, spec.flags);
    w.bulk('begin_search');
    w.map(2);
    w.bulk('type');
    const begin = spec.begin;
    if (begin === null) {
      w.bulk('unknown');
      w.bulk('spec');
      w.map(0);
    } else if ('index' in begin) {
      w.bulk('index');
      w.bulk('spec');
      w.map(1);
      w.bulk('index');
      w.int(begin.index);
    } else {
      w.bulk('keyword');
      w.bulk('spec');
      w.map(2);
      w.bulk('keyword');
      w.bulk(begin.keyword);
      w.bulk('startfrom');
      w.int(begin.startFrom);
    }
    w.bulk('find_keys');
    w.map(2);
    w.bulk('type');
    const find = spec.find;
    if (find === null) {
      w.bulk('unknown');
      w.bulk('spec');
      w.map(0);
    } else if ('lastKey' in find) {
      w.bulk('range');
      w.bulk('spec');
      w.map(3);
      w.bulk('lastkey');
      w.int(find.lastKey);
      w.bulk('keystep');
      w.int(find.keyStep);
      w.bulk('limit');
      w.int(find.limit);
    } else {
      w.bulk('keynum');
      w.bulk('spec');
      w.map(3);
      w.bulk('keynumidx');
      w.int(find.keyNumIndex);
      w.bulk('firstkey');
      w.int(find.firstKey);
      w.bulk('keystep');
      w.int(find.keyStep);
    }
  }
}

function writeSpecFlags(c: Client, flags: readonly KeySpecFlag[]): void {
  const ordered = SPEC_FLAG_ORDER.filter((f) => flags.includes(f));
  c.w.set(ordered.length);
  for (const f of ordered) c.w.status(f);
}

// ---------------------------------------------------------------------------------------------
// COMMAND DOCS

function commandDocs(c: Client, argv: string[]): void {
  const cmds = argv.length === 2
    ? allCommands(c.server)
    : argv.slice(2).map((name) => lookupByFullName(c.server, name)).filter((cmd): cmd is Command => cmd !== undefined);
  c.w.map(cmds.length);
  for (const cmd of cmds) {
    c.w.bulk(cmd.fullName);
    writeDocs(c, cmd);
  }
}

function writeDocs(c: Client, cmd: Command): void {
  const w = c.w;
  const def = cmd.def;
  const meta = COMMAND_METADATA[cmd.fullName];
  const docFlags = def.docFlags ?? meta?.df ?? [];
  const deprecatedSince = def.deprecatedSince ?? meta?.ds;
  const args = argsOf(c.server, cmd);
  let fields = 3; // summary, since, group
  if (def.complexity !== undefined) fields++;
  if (docFlags.length > 0) fields++;
  if (deprecatedSince !== undefined) fields++;
  if (def.replacedBy !== undefined) fields++;
  if (def.history !== undefined) fields++;
  if (args !== undefined) fields++;
  if (cmd.subcommands !== undefined) fields++;
  w.map(fields);
  w.bulk('summary');
  w.bulk(def.summary);
  w.bulk('since');
  w.bulk(def.since);
  w.bulk('group');
  w.bulk(def.group);
  if (def.complexity !== undefined) {
    w.bulk('complexity');
    w.bulk(def.complexity);
  }
  if (docFlags.length > 0) {
    w.bulk('doc_flags');
    w.set(docFlags.length);
    for (const f of docFlags) w.status(f);
  }
  if (deprecatedSince !== undefined) {
    w.bulk('deprecated_since');
    w.bulk(deprecatedSince);
  }
  if (def.replacedBy !== undefined) {
    w.bulk('replaced_by');
    w.bulk(def.replacedBy);
  }
  if (def.history !== undefined) {
    w.bulk('history');
    w.set(def.history.length);
    for (const [version, change] of def.history) {
      w.array(2);
      w.bulk(version);
      w.bulk(change);
    }
  }
  if (args !== undefined) {
    w.bulk('arguments');
    writeArgs(c, args);
  }
  if (cmd.subcommands !== undefined) {
    w.bulk('subcommands');
    w.map(cmd.subcommands.size);
    for (const sub of cmd.subcommands.values()) {
      w.bulk(sub.fullName);
      writeDocs(c, sub);
    }
  }
}

function writeArgs(c: Client, args: readonly CommandArg[]): void {
  const w = c.w;
  w.array(args.length);
  for (const a of args) {
    const nested = a.type === 'oneof' || a.type === 'block';
    let fields = 2;
    if (a.keySpecIndex !== undefined) fields++;
    if (a.token !== undefined) fields++;
    if (a.since !== undefined) fields++;
    if (a.deprecatedSince !== undefined) fields++;
    if (a.flags !== undefined && a.flags.length > 0) fields++;
    if (nested) fields++;
    w.map(fields);
    w.bulk('name');
    w.bulk(a.name);
    w.bulk('type');
    w.bulk(a.type);
    if (a.keySpecIndex !== undefined) {
      w.bulk('key_spec_index');
      w.int(a.keySpecIndex);
    }
    if (a.token !== undefined) {
      w.bulk('token');
      w.bulk(a.token);
    }
    if (a.since !== undefined) {
      w.bulk('since');
      w.bulk(a.since);
    }
    if (a.deprecatedSince !== undefined) {
      w.bulk('deprecated_since');
      w.bulk(a.deprecatedSince);
    }
    if (a.flags !== undefined && a.flags.length > 0) {
      w.bulk('flags');
      w.set(a.flags.length);
      for (const f of a.flags) w.status(f);
    }
    if (nested) {
      w.bulk('arguments');
      writeArgs(c, a.args ?? []);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// COMMAND LIST

/** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern] */
function commandList(c: Client, argv: string[]): void {
  let filter: ((cmd: Command) => boolean) | null = null;
  if (argv.length === 5 && is(argv[2], 'FILTERBY')) {
    const value = argv[4];
    if (is(argv[3], 'MODULE')) {
      filter = () => false; // no module commands here
    } else if (is(argv[3], 'ACLCAT')) {
      const category = ACL_CATEGORIES.find((cat) => cat === value.toLowerCase()) as AclCategory | undefined;
      filter = (cmd) => category !== undefined && cmd.categories.includes(category);
    } else if (is(argv[3], 'PATTERN')) {
      filter = (cmd) => globMatch(value, cmd.fullName, true);
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  } else if (argv.length !== 2) {
    throw new ReplyError(Errors.SYNTAX);
  }
  const names: string[] = [];
  for (const cmd of c.server.commandList) {
    if (filter === null || filter(cmd)) names.push(cmd.fullName);
    for (const sub of cmd.subcommands?.values() ?? []) if (filter === null || filter(sub)) names.push(sub.fullName);
  }
  c.w.bulkArray(names);
}

// ---------------------------------------------------------------------------------------------
// COMMAND GETKEYS / GETKEYSANDFLAGS

/** A key position and how the command accesses it. */
export interface KeyRef {
  readonly pos: number;
  readonly flags: readonly KeySpecFlag[];
}

function getKeys(c: Client, argv: string[], withFlags: boolean): void {
  const args = argv.slice(2);
  let cmd = c.server.lookupCommand(args[0]);
  if (cmd !== undefined && cmd.subcommands !== undefined && args.length >= 2) cmd = cmd.subcommands.get(args[1].toLowerCase());
  if (cmd === undefined) throw new ReplyError('ERR Invalid command specified');
  const specs = keySpecsOf(cmd);
  const hasKeys = cmd.def.getKeys !== undefined || specs.some((s) => !s.flags.includes('not_key'));
  if (!hasKeys) throw new ReplyError('ERR The command has no key arguments');
  if (!cmd.arityOk(args.length)) throw new ReplyError('ERR Invalid number of arguments specified for command');
  const keys = commandKeys(cmd, specs, args);
  if (keys.length === 0) {
    if (cmd.flags.includes('no_mandatory_keys')) {
      c.w.array(0);
      return;
    }
    throw new ReplyError('ERR Invalid arguments specified for command');
  }
  c.w.array(keys.length);
  for (const key of keys) {
    if (withFlags) {
      c.w.array(2);
      c.w.bulk(args[key.pos]);
      writeSpecFlags(c, key.flags);
    } else {
      c.w.bulk(args[key.pos]);
    }
  }
}

/**
 * The keys of a command, as the real server finds them: through the key specs when they are
 * complete and their flags fixed, otherwise through the command's own key finder.
 */
export function commandKeys(cmd: Command, specs: readonly KeySpec[], args: readonly string[]): KeyRef[] {
  const real = specs.filter((s) => !s.flags.includes('not_key'));
  const variable = specs.some((s) => s.flags.includes('variable_flags'));
  if (real.length > 0 && !variable) {
    const found = keysFromSpecs(specs, args);
    if (found !== null) return found;
  }
  const special = SPECIAL_KEY_FLAGS[cmd.fullName];
  const positions = cmd.keyIndexes(args);
  return positions.map((pos, i) => ({
    pos,
    flags: special?.(args, i) ?? (real[0]?.flags ?? []).filter((f) => f !== 'variable_flags' && f !== 'incomplete'),
  }));
}

/** Keys located by the key specs; null when a spec cannot locate them (unknown or incomplete). */
function keysFromSpecs(specs: readonly KeySpec[], args: readonly string[]): KeyRef[] | null {
  const argc = args.length;
  const out: KeyRef[] = [];
  for (const spec of specs) {
    if (spec.flags.includes('not_key')) continue;
    const begin = spec.begin;
    if (begin === null || spec.find === null) return null;
    let first = 0;
    if ('index' in begin) {
      first = begin.index;
    } else {
      const start = begin.startFrom > 0 ? begin.startFrom : argc + begin.startFrom;
      const end = begin.startFrom > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (args[i].toLowerCase() === begin.keyword.toLowerCase()) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    }
    const find = spec.find;
    let last: number;
    let step: number;
    if ('lastKey' in find) {
      step = find.keyStep;
      if (find.lastKey >= 0) last = first + find.lastKey;
      else if (find.limit === 0) last = argc + find.lastKey;
      else last = first + (Math.floor((argc - first) / find.limit) + find.lastKey);
    } else {
      step = find.keyStep;
      if (find.keyNumIndex >= argc || first + find.keyNumIndex >= argc) return null;
      const numkeys = args[first + find.keyNumIndex];
      if (!isLongString(numkeys) || Number(numkeys) < 0) return null;
      first += find.firstKey;
      last = first + Number(numkeys) - 1;
    }
    if (last >= argc || last < first || first >= argc) {
      if ('keyNumIndex' in find && last === first - 1) continue; // zero keys
      return null;
    }
    for (let i = first; i <= last; i += step) out.push({ pos: i, flags: spec.flags });
    if (spec.flags.includes('incomplete')) return null;
  }
  return out;
}

/** Commands whose key flags depend on their arguments (the real server's own key finders). */
const SPECIAL_KEY_FLAGS: Record<string, (args: readonly string[], index: number) => KeySpecFlag[]> = {
  set: (args) => (args.slice(3).some((a) => is(a, 'GET')) ? ['RW', 'access', 'update'] : ['OW', 'update']),
  bitfield: (args) => {
    for (let i = 2; i < args.length; i++) {
      const more = args.length - i - 1;
      if (is(args[i], 'GET') && more >= 2) i += 2;
      else if (is(args[i], 'OVERFLOW') && more >= 1) i += 1;
      else return ['RW', 'access', 'update'];
    }
    return ['RO', 'access'];
  },
  sort: (_args, index) => (index === 0 ? ['RO', 'access'] : ['OW', 'update']),
  migrate: () => ['RW', 'access', 'delete'],
};

// ---------------------------------------------------------------------------------------------
// SLOWLOG

function slowlogGet(c: Client, argv: string[]): void {
  if (argv.length > 3) throw new ReplyError("ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.");
  let count = 10;
  if (argv.length === 3) {
    if (!isLongString(argv[2]) || Number(argv[2]) < -1) throw new ReplyError('ERR count should be greater than or equal to -1');
    count = Number(argv[2]);
  }
  const entries = c.server.slowlog.entries;
  const n = count === -1 ? entries.length : Math.min(count, entries.length);
  c.w.array(n);
  for (let i = 0; i < n; i++) {
    const e = entries[i];
    c.w.array(6);
    c.w.int(e.id);
    c.w.int(e.time);
    c.w.int(e.duration);
    c.w.bulkArray(e.argv);
    c.w.bulk(e.peer);
    c.w.bulk(e.name);
  }
}

// ---------------------------------------------------------------------------------------------
// LATENCY

function latencyGraph(c: Client, argv: string[]): void {
  const event = argv[2];
  const series = c.server.latency.events.get(event);
  if (series === undefined || series.samples.length === 0) throw new ReplyError(`ERR No samples available for event '${event}'`);
  const samples = series.samples;
  const max = Math.max(...samples.map((s) => s.latency));
  const min = Math.min(...samples.map((s) => s.latency));
  const now = Math.floor(c.server.clock.now() / 1000);
  const rows = 4;
  let text = `${event} - high ${max} ms, low ${min} ms (all time high ${series.max} ms)\n`;
  text += '-'.repeat(80) + '\n';
  for (let row = rows; row >= 1; row--) {
    let line = '';
    for (const s of samples) line += max === 0 || (s.latency / max) * rows >= row - 0.5 ? '#' : ' ';
    text += line.trimEnd() + '\n';
  }
  text += samples.map((s) => ageLabel(now - s.time)).join(' ') + '\n';
  c.w.verbatim(text);
}

function ageLabel(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  return `${Math.floor(seconds / 3600)}h`;
}

function latencyDoctor(server: RedisServer): string {
  const events = [...server.latency.events].filter(([, s]) => s.samples.length > 0);
  if (events.length === 0) {
    if (server.latencyThreshold === 0) {
      return 'The latency monitor is off, so there is nothing to report. Turn it on with '
        + '"CONFIG SET latency-monitor-threshold <milliseconds>" to record events slower than that.\n';
    }
    return 'No latency spikes were recorded: every monitored event stayed under '
      + `latency-monitor-threshold (${server.latencyThreshold} ms).\n`;
  }
  let text = 'Latency spikes recorded by this server:\n\n';
  let n = 1;
  for (const [name, series] of events) {
    const values = series.samples.map((s) => s.latency);
    const avg = values.reduce((a, b) => a + b, 0) / values.length;
    const deviation = values.reduce((a, b) => a + Math.abs(b - avg), 0) / values.length;
    const span = series.samples[series.samples.length - 1].time - series.samples[0].time;
    const period = values.length > 1 ? (span / (values.length - 1)).toFixed(2) : '0.00';
    text += `${n++}. ${name}: ${values.length} latency spikes (average ${Math.round(avg)}ms, mean deviation ${Math.round(deviation)}ms, `
      + `period ${period} sec). Worst all time event ${series.max}ms.\n`;
  }
  text += '\nSlow commands show up in SLOWLOG GET; commands that take long on large values are the usual cause.\n';
  return text;
}

/** LATENCY HISTOGRAM [command ...]: calls and cumulative power-of-two microsecond buckets. */
function latencyHistogram(c: Client, argv: string[]): void {
  const server = c.server;
  let cmds: Command[] = [];
  if (argv.length === 2) {
    for (const cmd of server.commandList) {
      cmds.push(cmd);
      for (const sub of cmd.subcommands?.values() ?? []) cmds.push(sub);
    }
  } else {
    const seen = new Set<Command>();
    for (const name of argv.slice(2)) {
      const cmd = lookupByFullName(server, name);
      if (cmd === undefined) continue;
      for (const each of cmd.subcommands !== undefined ? [cmd, ...cmd.subcommands.values()] : [cmd]) {
        if (!seen.has(each)) {
          seen.add(each);
          cmds.push(each);
        }
      }
    }
  }
  cmds = cmds.filter((cmd) => cmd.histogram.count > 0);
  c.w.map(cmds.length);
  for (const cmd of cmds) {
    c.w.bulk(cmd.fullName);
    c.w.map(2);
    c.w.bulk('calls');
    c.w.int(cmd.histogram.count);
    c.w.bulk('histogram_usec');
    const buckets = cmd.histogram.cumulativeUsec();
    c.w.map(buckets.length);
    for (const [usec, count] of buckets) {
      c.w.int(usec);
      c.w.int(count);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// MEMORY

/** MEMORY USAGE key [SAMPLES count]: the estimate the engine keeps for the key and its value. */
function memoryUsage(c: Client, argv: string[]): void {
  for (let i = 3; i < argv.length; i++) {
    if (is(argv[i], 'SAMPLES') && i + 1 < argv.length) {
      if (!isLongString(argv[i + 1]) || Number(argv[i + 1]) < 0) throw new ReplyError(Errors.NOT_INTEGER);
      i++;
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  }
  const key = argv[2];
  const entry = c.db.lookup(key, c.now, false);
  if (entry === undefined) {
    c.w.nullBulk();
    return;
  }
  c.w.int(memoryOfKey(key, entry.value));
}

/** Approximate bytes of a key and its value (the key's entry, name, and value estimate). */
export function memoryOfKey(key: string, value: Parameters<typeof valueBytes>[0]): number {
  return KEY_OVERHEAD + key.length + valueBytes(value);
}

function memoryStats(c: Client): void {
  const server = c.server;
  const used = server.usedMemory();
  const startup = used - server.mem.used;
  const peak = Math.max(server.peakMemory, used);
  const rss = process.memoryUsage().rss;
  const clientsNormal = [...server.clients.values()].reduce((n, cl) => n + (cl.socket?.writableLength ?? 0) + cl.w.out.length, 0);
  const dbs = server.dbs.filter((db) => db.size > 0);
  let keys = 0;
  for (const db of server.dbs) keys += db.size;
  const overhead = startup + clientsNormal + dbs.reduce((n, db) => n + db.size * KEY_OVERHEAD, 0);
  const dataset = Math.max(0, used - overhead);
  const fields: Array<[string, number | string | Array<[string, number]>]> = [
    ['peak.allocated', peak],
    ['total.allocated', used],
    ['startup.allocated', startup],
    ['replication.backlog', 0],
    ['clients.slaves', 0],
    ['clients.normal', clientsNormal],
    ['cluster.links', 0],
    ['aof.buffer', 0],
    ['lua.caches', 0],
    ['functions.caches', 0],
  ];
  for (const db of dbs) {
    fields.push([`db.${db.id}`, [
      ['overhead.hashtable.main', db.size * KEY_OVERHEAD],
      ['overhead.hashtable.expires', db.expiresCount * 32],
      ['overhead.hashtable.slot-to-keys', 0],
    ]]);
  }
  fields.push(
    ['overhead.total', overhead],
    ['keys.count', keys],
    ['keys.bytes-per-key', keys > 0 ? Math.floor((used - startup) / keys) : 0],
    ['dataset.bytes', dataset],
    ['dataset.percentage', ratio(dataset * 100, used - startup)],
    ['peak.percentage', ratio(used * 100, peak)],
    ['allocator.allocated', used],
    ['allocator.active', used],
    ['allocator.resident', rss],
    ['allocator-fragmentation.ratio', '1'],
    ['allocator-fragmentation.bytes', 0],
    ['allocator-rss.ratio', ratio(rss, used)],
    ['allocator-rss.bytes', rss - used],
    ['rss-overhead.ratio', '1'],
    ['rss-overhead.bytes', 0],
    ['fragmentation', ratio(rss, used)],
    ['fragmentation.bytes', rss - used],
  );
  c.w.map(fields.length);
  for (const [name, value] of fields) {
    c.w.bulk(name);
    if (typeof value === 'number') {
      c.w.int(value);
    } else if (typeof value === 'string') {
      c.w.double(Number(value));
    } else {
      c.w.map(value.length);
      for (const [k, v] of value) {
        c.w.bulk(k);
        c.w.int(v);
      }
    }
  }
}

function ratio(a: number, b: number): string {
  return b > 0 ? String(a / b) : '0';
}

function memoryDoctor(server: RedisServer): string {
  const dataset = server.mem.used;
  if (dataset < 5 * 1024 * 1024) {
    return 'This instance holds too little data for a memory analysis to say anything useful. '
      + 'Run MEMORY DOCTOR again once it holds a few megabytes.\n';
  }
  const problems: string[] = [];
  if (server.maxmemory > 0 && server.usedMemory() > server.maxmemory * 0.9) {
    problems.push(`* Used memory is above 90% of maxmemory (${server.maxmemory} bytes); with maxmemory-policy ${server.maxmemoryPolicy} `
      + (server.maxmemoryPolicy === 'noeviction' ? 'writes will soon be refused.' : 'keys will be evicted.'));
  }
  if (server.peakMemory > server.usedMemory() * 1.5) {
    problems.push('* Peak memory was more than 150% of what is used now: memory was freed since (large deletes or expiries).');
  }
  if (problems.length === 0) return 'No memory problems found.\n';
  return 'Memory problems found:\n\n' + problems.join('\n') + '\n';
}

