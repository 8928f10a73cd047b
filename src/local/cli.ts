#!/usr/bin/env node
/**
 * cdk-elasticache-local: runs local engine nodes outside of tests.
 *
 *   cdk-elasticache-local serve --engine memcached --port N [--host H] [--memory-limit MB]
 *   cdk-elasticache-local start <cdk.out|template.json> [--stack S] [--host H] [--replication-delay MS]
 *
 * Each command and each engine of `serve` is one small function in a table, so that new ones
 * (`start <cdk.out|template.json>`, `--engine valkey|redis`) are added without touching the rest.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startMemcachedServer } from './memcached/server';
import { LocalElastiCache } from './topology/local-elasticache';

export const USAGE = `Usage:
  cdk-elasticache-local serve --engine memcached --port N [--host H] [--memory-limit MB]
  cdk-elasticache-local start <cdk.out|template.json> [--stack S] [--host H] [--replication-delay MS]
                              [--elasticache-mode on|off]

Commands:
  serve    Start one node of the given engine and keep it running until SIGINT or SIGTERM.
  start    Start every cache of a synthesized stack (same topology, auth, TLS and parameters),
           print the endpoints and each consumer's environment, and run until SIGINT or SIGTERM.`;

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the process is asked to stop (SIGINT or SIGTERM). */
  stopSignal(): Promise<string>;
}

/** A usage error: printed with the usage text, exit code 2. */
class UsageError extends Error {}

/** `--name value` options and positional arguments. */
export interface ParsedArgs {
  readonly options: ReadonlyMap<string, string>;
  readonly positional: readonly string[];
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    options.set(name, value);
  }
  return { options, positional };
}

function integerOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${raw}`);
  return n;
}

/** A node started by `serve`. */
interface RunningNode {
  /** One line saying where it listens. */
  readonly description: string;
  stop(): Promise<void>;
}

type EngineStarter = (args: ParsedArgs) => Promise<RunningNode>;

async function serveMemcached(args: ParsedArgs): Promise<RunningNode> {
  const port = integerOption(args, 'port', 0, 65535);
  if (port === undefined) throw new UsageError('--port is required');
  const memoryLimitMb = integerOption(args, 'memory-limit', 1, 1024 * 1024);
  const server = await startMemcachedServer({ port, host: args.options.get('host'), memoryLimitMb });
  return {
    description: `memcached listening on ${server.host}:${server.port}`,
    stop: () => server.stop(),
  };
}

/** Engines `serve` can start. */
const ENGINES: Record<string, EngineStarter> = {
  memcached: serveMemcached,
};

const KNOWN_OPTIONS: Record<string, readonly string[]> = {
  serve: ['engine', 'port', 'host', 'memory-limit'],
  start: ['stack', 'host', 'replication-delay', 'elasticache-mode'],
};

async function serve(args: ParsedArgs, io: CliIo): Promise<number> {
  const engine = args.options.get('engine');
  if (engine === undefined) throw new UsageError('--engine is required');
  const start = ENGINES[engine];
  if (start === undefined) throw new UsageError(`unknown engine "${engine}" (known: ${Object.keys(ENGINES).join(', ')})`);
  const stopped = io.stopSignal();
  const node = await start(args);
  io.out(node.description);
  const signal = await stopped;
  await node.stop();
  io.out(`stopped (${signal})`);
  return 0;
}

/** Quotes a value for a POSIX shell. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]*$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

/**
 * `start`: the topology of a synthesized stack. Prints each cache's endpoints and each consumer's
 * environment as `export` lines (the local CA goes to a file, named by the `*_TLS_CA_FILE` hint).
 */
async function startTopology(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positional.length !== 1) throw new UsageError('start takes one cdk.out directory or template file');
  const source = path.resolve(args.positional[0]);
  if (!fs.existsSync(source)) throw new UsageError(`${args.positional[0]} does not exist`);
  const mode = args.options.get('elasticache-mode') ?? 'on';
  if (mode !== 'on' && mode !== 'off') throw new UsageError(`--elasticache-mode must be on or off, got ${mode}`);
  const stopped = io.stopSignal();
  const local = await LocalElastiCache.start(source, {
    stack: args.options.get('stack'),
    host: args.options.get('host'),
    replicationDelayMs: integerOption(args, 'replication-delay', 0, 3_600_000),
    elasticacheMode: mode === 'on',
    log: (line) => io.err(line),
  });
  let caFile: string | undefined;
  try {
    if (local.caCertificate !== undefined) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-elasticache-local-'));
      caFile = path.join(dir, 'ca.pem');
      fs.writeFileSync(caFile, local.caCertificate);
    }
    io.out(`Stack ${local.stackName}: ${local.caches.length} cache(s) running`);
    for (const cache of local.caches) {
      const nodes = cache.group?.nodes.length ?? cache.memcached?.nodes.length ?? 0;
      io.out('');
      io.out(`${cache.path?.replace(/\/Resource$/, '') ?? cache.logicalId} (${cache.id}): ${cache.engine}, ${cache.mode}, ${nodes} node(s), TLS ${cache.tls ? 'on' : 'off'}`);
      io.out(`  endpoint ${cache.endpoint.host}:${cache.endpoint.port}`);
      if (cache.readerEndpoint) io.out(`  reader   ${cache.readerEndpoint.host}:${cache.readerEndpoint.port}`);
      for (const [i, shard] of (cache.group?.shards ?? []).entries()) {
        io.out(`  shard ${i + 1}: primary ${shard.primary.host}:${shard.primary.port}${shard.replicas.map((r) => `, replica ${r.host}:${r.port}`).join('')}`);
      }
      for (const node of cache.memcached?.nodes ?? []) io.out(`  node ${node.host}:${node.port}`);
      if (cache.authToken !== undefined) io.out(`  AUTH token ${cache.authToken}`);
      if (cache.engine !== 'memcached') {
        const tls = cache.tls && caFile ? ` --tls --cacert ${caFile}` : '';
        const auth = cache.authToken !== undefined ? ` --pass ${shellQuote(cache.authToken)}` : '';
        io.out(`  try: redis-cli${cache.mode === 'standalone' ? '' : ' -c'} -h ${cache.endpoint.host} -p ${cache.endpoint.port}${tls}${auth}`);
      }
    }
    for (const consumer of local.consumers) {
      io.out('');
      io.out(`# ${consumer.path ?? consumer.logicalId}`);
      for (const [name, value] of Object.entries(local.env(consumer.path ?? consumer.logicalId))) {
        if (name.endsWith('_TLS_CA') && caFile) {
          io.out(`export ${name}="$(cat ${caFile})"`);
          continue;
        }
        io.out(`export ${name}=${shellQuote(value)}`);
      }
    }
    for (const warning of local.warnings) io.err(`warning: ${warning}`);
    io.out('');
    io.out('Running; stop with Ctrl-C.');
    const signal = await stopped;
    io.out(`stopped (${signal})`);
    return 0;
  } finally {
    await local.stop();
    if (caFile) fs.rmSync(path.dirname(caFile), { recursive: true, force: true });
  }
}

type Command = (args: ParsedArgs, io: CliIo) => Promise<number>;

/** Commands by name. */
const COMMANDS: Record<string, Command> = {
  serve,
  start: startTopology,
};

/** Runs the CLI and returns its exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const run = command === undefined ? undefined : COMMANDS[command];
    if (run === undefined) {
      throw new UsageError(command === undefined ? 'no command given' : `unknown command "${command}"`);
    }
    const args = parseArgs(rest);
    for (const name of args.options.keys()) {
      if (!KNOWN_OPTIONS[command].includes(name)) throw new UsageError(`unknown option --${name}`);
    }
    return await run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cdk-elasticache-local: ${e.message}`);
      io.err(USAGE);
      return 2;
    }
    io.err(`cdk-elasticache-local: ${(e as Error).message}`);
    return 1;
  }
}

/** The process's streams and signals. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stopSignal: () => new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }),
};

if (require.main === module) {
  void main(process.argv.slice(2), processIo).then((code) => process.exit(code));
}
