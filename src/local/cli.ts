#!/usr/bin/env node
/**
 * cdk-elasticache-local: runs local engine nodes outside of tests.
 *
 *   cdk-elasticache-local serve --engine memcached --port N [--host H] [--memory-limit MB]
 *
 * Each command and each engine of `serve` is one small function in a table, so that new ones
 * (`start <cdk.out|template.json>`, `--engine valkey|redis`) are added without touching the rest.
 */
import { startMemcachedServer } from './memcached/server';

const USAGE = `Usage:
  cdk-elasticache-local serve --engine memcached --port N [--host H] [--memory-limit MB]

Commands:
  serve    Start one node of the given engine and keep it running until SIGINT or SIGTERM.`;

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

type Command = (args: ParsedArgs, io: CliIo) => Promise<number>;

/** Commands by name. */
const COMMANDS: Record<string, Command> = {
  serve,
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
