#!/usr/bin/env node
/**
 * cdk-elasticache-local: runs local engine nodes outside of tests.
 *
 *   cdk-elasticache-local serve [--engine valkey|redis] --port N [--host H] [--password P] [--version V] [--tls]
 *   cdk-elasticache-local serve --engine memcached --port N [--host H] [--memory-limit MB]
 *   cdk-elasticache-local start <cdk.out|template.json> [--stack S] [--host H] [--replication-delay MS]
 *
 * Each command and each engine of `serve` is one small function in a table, with the options it
 * takes, so that new ones are added without touching the rest.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startMemcachedServer } from './memcached/server';
import { ListenerTls } from './net/listener';
import { EngineFlavor, startRedisServer } from './server';
import { LocalCa } from './tls/ca';
import { LocalElastiCache } from './topology/local-elasticache';

export const USAGE = `Usage:
  cdk-elasticache-local serve [--engine valkey|redis] --port N [--host H] [--password P] [--version V] [--tls]
  cdk-elasticache-local serve --engine memcached --port N [--host H] [--memory-limit MB]
  cdk-elasticache-local start <cdk.out|template.json> [--stack S] [--host H] [--replication-delay MS]
                              [--elasticache-mode on|off]

Commands:
  serve    Start one plain node of the given engine (valkey unless --engine says otherwise;
           port 0 picks a free one) and keep it running until SIGINT or SIGTERM. --password sets the default user's password
           (requirepass), --version the engine version it reports (X.Y or X.Y.Z), and --tls
           serves TLS only, with a certificate from a local CA whose PEM file is printed.
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

/**
 * Parses `--name value`, `--name=value` and positional arguments; the names in `flags` take no
 * value (their value is `true`).
 */
export function parseArgs(argv: readonly string[], flags: ReadonlySet<string> = new Set()): ParsedArgs {
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
    if (flags.has(name)) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      options.set(name, 'true');
      continue;
    }
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
  /** What to print: where it listens first. */
  readonly description: readonly string[];
  stop(): Promise<void>;
}

/** An engine of `serve`: the options it takes (besides --engine) and how it starts. */
interface ServeEngine {
  readonly options: readonly string[];
  start(args: ParsedArgs): Promise<RunningNode>;
}

function portOption(args: ParsedArgs): number {
  const port = integerOption(args, 'port', 0, 65535);
  if (port === undefined) throw new UsageError('--port is required');
  return port;
}

const memcachedEngine: ServeEngine = {
  options: ['port', 'host', 'memory-limit'],
  async start(args) {
    const port = portOption(args);
    const memoryLimitMb = integerOption(args, 'memory-limit', 1, 1024 * 1024);
    const server = await startMemcachedServer({ port, host: args.options.get('host'), memoryLimitMb });
    return {
      description: [`memcached listening on ${server.host}:${server.port}`],
      stop: () => server.stop(),
    };
  },
};

/** Writes the local CA's certificate to a file of its own; returns the path and its removal. */
function writeCaFile(pem: string): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-elasticache-local-'));
  const file = path.join(dir, 'ca.pem');
  fs.writeFileSync(file, pem);
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** `--version`: X.Y.Z, or X.Y reported as X.Y.0. */
function versionOption(args: ParsedArgs): string | undefined {
  const raw = args.options.get('version');
  if (raw === undefined) return undefined;
  if (!/^\d{1,3}\.\d{1,3}(\.\d{1,3})?$/.test(raw)) throw new UsageError(`--version must look like 8.0 or 7.1.0, got ${raw}`);
  return raw.split('.').length === 2 ? `${raw}.0` : raw;
}

function redisEngine(engine: EngineFlavor): ServeEngine {
  return {
    options: ['port', 'host', 'password', 'version', 'tls'],
    async start(args) {
      const port = portOption(args);
      const host = args.options.get('host') ?? '127.0.0.1';
      const password = args.options.get('password');
      if (password === '') throw new UsageError('--password must not be empty');
      const version = versionOption(args);
      let tls: ListenerTls | undefined;
      let ca: { file: string; remove(): void } | undefined;
      if (args.options.has('tls')) {
        const localCa = LocalCa.shared();
        tls = localCa.issue(['localhost', host]);
        ca = writeCaFile(localCa.certPem);
      }
      try {
        const node = await startRedisServer({ engine, port, host, password, version, tls });
        const server = node.server;
        const description = [`${engine} ${server.version} listening on ${node.host}:${node.port}${tls ? ' (TLS)' : ''}`];
        if (ca) description.push(`CA certificate: ${ca.file}`);
        const tlsArgs = ca ? ` --tls --cacert ${shellQuote(ca.file)}` : '';
        const auth = password !== undefined ? ` --pass ${shellQuote(password)}` : '';
        description.push(`try: redis-cli -h ${node.host} -p ${node.port}${tlsArgs}${auth}`);
        return {
          description,
          stop: async () => {
            await node.stop();
            ca?.remove();
          },
        };
      } catch (e) {
        ca?.remove();
        throw e;
      }
    },
  };
}

/** Engines `serve` can start. */
const ENGINES: Record<string, ServeEngine> = {
  valkey: redisEngine('valkey'),
  redis: redisEngine('redis'),
  memcached: memcachedEngine,
};

/** Options of each command; `serve` checks each engine's own after choosing it. */
const KNOWN_OPTIONS: Record<string, readonly string[]> = {
  serve: ['engine', ...new Set(Object.values(ENGINES).flatMap((e) => e.options))],
  start: ['stack', 'host', 'replication-delay', 'elasticache-mode'],
};

/** Options that take no value. */
const FLAGS: Record<string, ReadonlySet<string>> = {
  serve: new Set(['tls']),
  start: new Set(),
};

async function serve(args: ParsedArgs, io: CliIo): Promise<number> {
  // A plain Valkey node unless told otherwise, as ElastiCache's default engine.
  const engine = args.options.get('engine') ?? 'valkey';
  const chosen = ENGINES[engine];
  if (chosen === undefined) throw new UsageError(`unknown engine "${engine}" (known: ${Object.keys(ENGINES).join(', ')})`);
  for (const name of args.options.keys()) {
    if (name !== 'engine' && !chosen.options.includes(name)) throw new UsageError(`--${name} is not an option of --engine ${engine}`);
  }
  const stopped = io.stopSignal();
  const node = await chosen.start(args);
  for (const line of node.description) io.out(line);
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
  let ca: { file: string; remove(): void } | undefined;
  try {
    if (local.caCertificate !== undefined) ca = writeCaFile(local.caCertificate);
    const caFile = ca?.file;
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
    ca?.remove();
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
    const args = parseArgs(rest, FLAGS[command]);
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
