import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { RawClient } from './memcached/helpers';
import { CliIo, USAGE, main } from '../../src/local/cli';

/**
 * The CLI. Argument handling runs in-process; serving runs in a child process as users run it.
 * The child runs a bundle that esbuild makes from the sources, so the test works in a fresh
 * clone before anything is compiled (and without ts-node's start-up cost per process).
 */
const CLI = path.resolve(__dirname, '../../src/local/cli.ts');
let dir: string;
let bundle: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-elasticache-cli-'));
  bundle = path.join(dir, 'cli.js');
  buildSync({ entryPoints: [CLI], bundle: true, platform: 'node', target: 'node20', outfile: bundle, logLevel: 'silent' });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [bundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const r: Run = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout!.on('data', (d: Buffer) => { r.stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { r.stderr += d.toString(); });
  return r;
}

async function waitFor(r: Run, pattern: RegExp): Promise<RegExpExecArray> {
  for (let i = 0; i < 1200; i++) {
    const m = pattern.exec(r.stdout);
    if (m) return m;
    if (r.child.exitCode !== null) break;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`no ${pattern} in stdout ${JSON.stringify(r.stdout)}, stderr ${JSON.stringify(r.stderr)}`);
}

/** Runs main() in-process with captured output. */
async function runInProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (l) => { out += `${l}\n`; },
    err: (l) => { err += `${l}\n`; },
    stopSignal: () => Promise.resolve('SIGTERM'),
  };
  const code = await main(args, io);
  return { code, out, err };
}

describe('cdk-elasticache-local', () => {
  const running: Run[] = [];
  afterEach(() => {
    for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  });

  test.each(['SIGTERM', 'SIGINT'] as const)('serve --engine memcached runs a node until %s', async (signal) => {
    const r = run(['serve', '--engine', 'memcached', '--port', '0', '--memory-limit', '16']);
    running.push(r);
    const [, host, port] = await waitFor(r, /^memcached listening on ([\d.]+):(\d+)$/m);
    expect(host).toBe('127.0.0.1');
    const c = await RawClient.connect(Number(port));
    await c.expect('set k 0 0 2\r\nhi\r\nget k\r\n', 'STORED\r\nVALUE k 0 2\r\nhi\r\nEND\r\n');
    const settings = await c.sendUntil('stats settings\r\n', 'END\r\n');
    expect(settings).toContain('STAT maxbytes 16777216\r\n');
    r.child.kill(signal);
    expect(await r.exit).toEqual({ code: 0, signal: null });
    expect(r.stdout).toBe(`memcached listening on 127.0.0.1:${port}\nstopped (${signal})\n`);
    expect(await c.waitClosed()).toBe(true);
  });

  test('an unknown engine prints usage on stderr and exits with 2', async () => {
    const r = run(['serve', '--engine', 'nosuch', '--port', '0']);
    expect(await r.exit).toEqual({ code: 2, signal: null });
    expect(r.stderr).toBe(`cdk-elasticache-local: unknown engine "nosuch" (known: memcached)\n${USAGE}\n`);
    expect(r.stdout).toBe('');
  });

  test('a port in use is an error with exit code 1', async () => {
    const first = run(['serve', '--engine', 'memcached', '--port', '0']);
    running.push(first);
    const [, , port] = await waitFor(first, /listening on ([\d.]+):(\d+)/);
    const second = run(['serve', '--engine', 'memcached', '--port', port]);
    expect(await second.exit).toEqual({ code: 1, signal: null });
    expect(second.stderr).toContain('EADDRINUSE');
  });

  test.each([
    [['launch'], 'unknown command "launch"'],
    [[], 'no command given'],
    [['serve', '--port', '0'], '--engine is required'],
    [['serve', '--engine', 'memcached'], '--port is required'],
    [['serve', '--engine', 'memcached', '--port', 'x'], '--port must be an integer from 0 to 65535, got x'],
    [['serve', '--engine', 'memcached', '--port', '70000'], '--port must be an integer from 0 to 65535, got 70000'],
    [['serve', '--engine', 'memcached', '--port', '0', '--memory-limit', '0'], '--memory-limit must be an integer from 1 to 1048576, got 0'],
    [['serve', '--engine', 'memcached', '--port', '0', '--verbose', '1'], 'unknown option --verbose'],
    [['serve', '--engine'], '--engine needs a value'],
  ])('%j is a usage error (exit code 2)', async (args, message) => {
    const { code, out, err } = await runInProcess(args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.startsWith(`cdk-elasticache-local: ${message}\nUsage:\n`)).toBe(true);
  });

  test('serve accepts --option=value and --host', async () => {
    const { code, out } = await runInProcess(['serve', '--engine=memcached', '--port=0', '--host', '127.0.0.1']);
    expect(code).toBe(0);
    expect(out).toMatch(/^memcached listening on 127\.0\.0\.1:\d+\nstopped \(SIGTERM\)\n$/);
  });
});
