import { ChildProcess, spawn, spawnSync } from 'node:child_process';
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
    expect(r.stderr).toBe(`cdk-elasticache-local: unknown engine "nosuch" (known: valkey, redis, memcached)\n${USAGE}\n`);
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
    [['serve', '--engine', 'memcached'], '--port is required'],
    [['serve', '--engine', 'memcached', '--port', 'x'], '--port must be an integer from 0 to 65535, got x'],
    [['serve', '--engine', 'memcached', '--port', '70000'], '--port must be an integer from 0 to 65535, got 70000'],
    [['serve', '--engine', 'memcached', '--port', '0', '--memory-limit', '0'], '--memory-limit must be an integer from 1 to 1048576, got 0'],
    [['serve', '--engine', 'memcached', '--port', '0', '--verbose', '1'], 'unknown option --verbose'],
    [['serve', '--engine'], '--engine needs a value'],
    [['serve', '--engine', 'valkey'], '--port is required'],
    [['serve', '--engine', 'redis', '--port', '-1'], '--port must be an integer from 0 to 65535, got -1'],
    [['serve', '--engine', 'valkey', '--port', '0', '--version', '8'], '--version must look like 8.0 or 7.1.0, got 8'],
    [['serve', '--engine', 'valkey', '--port', '0', '--version', 'latest'], '--version must look like 8.0 or 7.1.0, got latest'],
    [['serve', '--engine', 'redis', '--port', '0', '--tls=yes'], '--tls takes no value'],
    [['serve', '--engine', 'valkey', '--port', '0', '--password', ''], '--password must not be empty'],
    [['serve', '--engine', 'valkey', '--port', '0', '--password'], '--password needs a value'],
    [['serve', '--engine', 'valkey', '--port', '0', '--memory-limit', '16'], '--memory-limit is not an option of --engine valkey'],
    [['serve', '--engine', 'memcached', '--port', '0', '--tls'], '--tls is not an option of --engine memcached'],
    [['serve', '--engine', 'memcached', '--port', '0', '--password', 'x'], '--password is not an option of --engine memcached'],
    [['start', 'cdk.out', '--tls', 'on'], 'unknown option --tls'],
  ])('%j is a usage error (exit code 2)', async (args, message) => {
    const { code, out, err } = await runInProcess(args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.startsWith(`cdk-elasticache-local: ${message}\nUsage:\n`)).toBe(true);
  });

  test.each([
    [['serve', '--engine=valkey', '--port=0'], 'valkey 8.0.2', ''],
    [['serve', '--port', '0'], 'valkey 8.0.2', ''],
    [['serve', '--engine', 'redis', '--port', '0', '--version', '7.0'], 'redis 7.0.0', ''],
    [['serve', '--engine', 'valkey', '--port', '0', '--version', '7.2.4', '--password', "it's"], 'valkey 7.2.4', ' --pass \'it\'\\\'\'s\''],
  ])('%j prints engine, version and address, and how to connect', async (args, engineAndVersion, auth) => {
    const { code, out, err } = await runInProcess(args);
    expect(err).toBe('');
    expect(code).toBe(0);
    const m = /^(\w+ [\d.]+) listening on 127\.0\.0\.1:(\d+)\ntry: redis-cli -h 127\.0\.0\.1 -p (\d+)(.*)\nstopped \(SIGTERM\)\n$/.exec(out);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(engineAndVersion);
    expect(m![3]).toBe(m![2]);
    expect(m![4]).toBe(auth);
  });

  test('serve accepts --option=value and --host', async () => {
    const { code, out } = await runInProcess(['serve', '--engine=memcached', '--port=0', '--host', '127.0.0.1']);
    expect(code).toBe(0);
    expect(out).toMatch(/^memcached listening on 127\.0\.0\.1:\d+\nstopped \(SIGTERM\)\n$/);
  });
});

/** Runs redis-cli (Debian's redis-tools) against a node of the CLI. */
function redisCli(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('redis-cli', args, { input, encoding: 'utf8', timeout: 10_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cdk-elasticache-local serve --engine valkey|redis, used with redis-cli', () => {
  const running: Run[] = [];
  afterEach(() => {
    for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  });

  test('--password: AUTH is required and accepted; SIGTERM stops it with exit code 0', async () => {
    const r = run(['serve', '--engine', 'valkey', '--port', '0', '--password', 's3cret pass']);
    running.push(r);
    const [, port] = await waitFor(r, /^valkey 8\.0\.2 listening on 127\.0\.0\.1:(\d+)$/m);
    expect(redisCli(['-p', port, 'SET', 'k', 'v']).stdout).toBe('NOAUTH Authentication required.\n\n');
    const session = redisCli(['-p', port], 'AUTH wrong\nAUTH "s3cret pass"\nSET k v\nGET k\nINFO server\n');
    const lines = session.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual(['WRONGPASS invalid username-password pair or user is disabled.', '', 'OK', 'OK']);
    expect(lines[4]).toBe('v');
    expect(session.stdout).toMatch(/\r?\nvalkey_version:8\.0\.2\r?\n/);
    expect(session.stdout).toContain(`tcp_port:${port}`);
    r.child.kill('SIGTERM');
    expect(await r.exit).toEqual({ code: 0, signal: null });
    expect(r.stdout).toBe(`valkey 8.0.2 listening on 127.0.0.1:${port}\ntry: redis-cli -h 127.0.0.1 -p ${port} --pass 's3cret pass'\nstopped (SIGTERM)\n`);
    expect(r.stderr).toBe('');
    // Nothing listens there any more.
    expect(redisCli(['-p', port, 'PING']).stderr).toContain('Connection refused');
  });

  test('--tls --version: TLS only, trusted through the printed CA file, removed at SIGINT', async () => {
    const r = run(['serve', '--engine', 'redis', '--port', '0', '--version', '7.0', '--tls']);
    running.push(r);
    const [, port, caFile] = await waitFor(r, /^redis 7\.0\.0 listening on 127\.0\.0\.1:(\d+) \(TLS\)\nCA certificate: (\S+)\n/m);
    expect(fs.readFileSync(caFile, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const info = redisCli(['--tls', '--cacert', caFile, '-p', port, 'INFO', 'server']);
    expect(info.stdout).toMatch(/\r?\nredis_version:7\.0\.0\r?\n/);
    expect(redisCli(['--tls', '--cacert', caFile, '-p', port, 'PING']).stdout).toBe('PONG\n');
    // Plaintext gets no reply; an untrusted certificate is refused.
    expect(redisCli(['-p', port, 'PING']).stdout).not.toContain('PONG');
    expect(redisCli(['--tls', '-p', port, 'PING']).stdout + redisCli(['--tls', '-p', port, 'PING']).stderr).toMatch(/certificate verify failed|SSL/i);
    r.child.kill('SIGINT');
    expect(await r.exit).toEqual({ code: 0, signal: null });
    expect(r.stdout).toMatch(/try: redis-cli -h 127\.0\.0\.1 -p \d+ --tls --cacert \S+\nstopped \(SIGINT\)\n$/);
    expect(fs.existsSync(caFile)).toBe(false);
  });
});
