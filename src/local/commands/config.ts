import type { Client } from '../client';
import { ConfigError } from '../config';
import { CommandDef, Errors, ReplyError } from './types';

/** CONFIG GET|SET|RESETSTAT|REWRITE|HELP. */
export const commands: CommandDef[] = [
  {
    name: 'config',
    arity: -2,
    flags: [],
    acl: [],
    group: 'server',
    since: '2.0.0',
    summary: 'A container for server configuration commands.',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'get',
        arity: -3,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: [],
        group: 'server',
        since: '2.0.0',
        summary: 'Returns the effective values of configuration parameters.',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        handler: configGet,
      },
      {
        name: 'set',
        arity: -4,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: [],
        group: 'server',
        since: '2.0.0',
        summary: 'Sets configuration parameters in-flight.',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        handler: configSet,
      },
      {
        name: 'resetstat',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: [],
        group: 'server',
        since: '2.0.0',
        summary: 'Resets the server\'s statistics.',
        complexity: 'O(1)',
        handler: (c) => {
          resetStats(c);
          c.w.ok();
        },
      },
      {
        name: 'rewrite',
        arity: 2,
        flags: ['admin', 'noscript', 'loading', 'stale'],
        acl: [],
        group: 'server',
        since: '2.8.0',
        summary: 'Persists the effective configuration to file.',
        complexity: 'O(1)',
        // The local engine is never started from a configuration file.
        handler: () => {
          throw new ReplyError('ERR The server is running without a config file');
        },
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: [],
        group: 'server',
        since: '5.0.0',
        summary: 'Returns helpful text about the different subcommands.',
        complexity: 'O(1)',
        handler: (c) => writeHelp(c, 'CONFIG', [
          'GET <pattern> [<pattern> ...]',
          '    Show the parameters whose names match the glob patterns, with their values.',
          'SET <parameter> <value> [<parameter> <value> ...]',
          '    Change parameters at run time: all of them, or none when one is refused.',
          'RESETSTAT',
          '    Zero the counters that INFO reports.',
          'REWRITE',
          '    Write the configuration back to its file (only with a configuration file).',
        ]),
      },
    ],
  },
];

/** CONFIG GET pattern [pattern ...]: a map of matching names and values. */
function configGet(c: Client, argv: string[]): void {
  const matches = c.server.config.match(argv.slice(2));
  c.w.map(matches.length);
  for (const [name, value] of matches) {
    c.w.bulk(name);
    c.w.bulk(value);
  }
}

/** CONFIG SET name value [name value ...]: all or nothing. */
function configSet(c: Client, argv: string[]): void {
  if (argv.length % 2 !== 0) throw new ReplyError(Errors.SYNTAX);
  const config = c.server.config;
  const pairs: Array<[string, string]> = [];
  let redacted: string[] | null = null;
  for (let i = 2; i < argv.length; i += 2) {
    pairs.push([argv[i], argv[i + 1]]);
    // Values of sensitive parameters never reach the slow log or MONITOR.
    if (config.param(argv[i])?.sensitive) {
      redacted ??= [...argv];
      redacted[i + 1] = '(redacted)';
    }
  }
  c.redactedArgs = redacted;
  const allowProtected = config.get('enable-protected-configs') === 'yes' || config.get('enable-protected-configs') === 'local';
  try {
    config.set(pairs, { allowProtected });
  } catch (e) {
    if (e instanceof ConfigError) throw new ReplyError('ERR ' + e.message);
    throw e;
  }
  c.w.ok();
}

/** CONFIG RESETSTAT: the counters of INFO stats, commandstats, errorstats and latencystats. */
export function resetStats(c: Client): void {
  const server = c.server;
  const st = server.stats;
  st.connectionsReceived = 0;
  st.commandsProcessed = 0;
  st.expiredKeys = 0;
  st.evictedKeys = 0;
  st.keyspaceHits = 0;
  st.keyspaceMisses = 0;
  st.rejectedConnections = 0;
  st.totalErrorReplies = 0;
  st.unexpectedErrorReplies = 0;
  st.netInputBytes = 0;
  st.netOutputBytes = 0;
  st.lazyfreedObjects = 0;
  st.errors.clear();
  server.rdbSaves = 0;
  server.aofRewrites = 0;
  for (const cmd of server.commandList) {
    for (const each of [cmd, ...cmd.subcommands?.values() ?? []]) {
      each.calls = 0;
      each.usec = 0;
      each.failedCalls = 0;
      each.rejectedCalls = 0;
      each.histogram.reset();
    }
  }
}

/**
 * A HELP reply: a header naming the container command, the given lines, and the HELP entry every
 * container command ends with; each line is a status reply, as the real server sends them.
 */
export function writeHelp(c: Client, name: string, lines: readonly string[]): void {
  const all = [
    `${name} <subcommand> [<arg> ...]: the subcommands are`,
    ...lines,
    'HELP',
    '    Show this list.',
  ];
  c.w.array(all.length);
  for (const line of all) c.w.status(line);
}
