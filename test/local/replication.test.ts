import { RawClient } from './support';
import { RunningRedisServer, startRedisServer } from '../../src/local';
import { ReplicationLink } from '../../src/local/replication';

describe('replication', () => {
  let primary: RunningRedisServer;
  let replica: RunningRedisServer;
  let p: RawClient;
  let r: RawClient;
  beforeEach(async () => {
    primary = await startRedisServer();
    replica = await startRedisServer();
    p = await RawClient.connect(primary.port);
    r = await RawClient.connect(replica.port);
  });
  afterEach(async () => {
    p.close();
    r.close();
    await replica.stop();
    await primary.stop();
  });

  test('REPLICAOF copies the data, streams writes and makes the replica read-only', async () => {
    await p.call('SET', 'before', '1');
    expect(await r.call('REPLICAOF', '127.0.0.1', String(primary.port))).toBe('+OK\r\n');
    expect(await r.call('GET', 'before')).toBe('$1\r\n1\r\n');
    await p.call('SET', 'after', '2');
    await p.call('SELECT', '3');
    await p.call('SET', 'db3', 'x');
    expect(await r.call('GET', 'after')).toBe('$1\r\n2\r\n');
    await r.call('SELECT', '3');
    expect(await r.call('GET', 'db3')).toBe('$1\r\nx\r\n');
    expect(await r.call('SET', 'w', '1')).toBe("-READONLY You can't write against a read only replica.\r\n");
    expect(await r.call('ROLE')).toMatch(new RegExp(`^\\*5\\r\\n\\$5\\r\\nslave\\r\\n\\$9\\r\\n127\\.0\\.0\\.1\\r\\n:${primary.port}\\r\\n\\$9\\r\\nconnected\\r\\n:\\d+\\r\\n$`));
    expect(await p.call('ROLE')).toMatch(/^\*3\r\n\$6\r\nmaster\r\n:\d+\r\n\*1\r\n\*3\r\n\$9\r\n127\.0\.0\.1\r\n/);
    const info = await p.call('INFO', 'replication');
    expect(info).toContain('connected_slaves:1\r\n');
    expect(info).toMatch(new RegExp(`slave0:ip=127\\.0\\.0\\.1,port=${replica.port},state=online`));
    expect(await r.call('INFO', 'replication')).toContain('master_link_status:up\r\n');
  });

  test('PUBLISH on the primary reaches subscribers of the replica through the stream', async () => {
    await r.call('REPLICAOF', '127.0.0.1', String(primary.port));
    const sub = await RawClient.connect(replica.port);
    expect(await sub.call('SUBSCRIBE', 'feed')).toBe('*3\r\n$9\r\nsubscribe\r\n$4\r\nfeed\r\n:1\r\n');
    // The reply counts the primary's own receivers only.
    expect(await p.call('PUBLISH', 'feed', 'hello')).toBe(':0\r\n');
    expect(await sub.reply()).toBe('*3\r\n$7\r\nmessage\r\n$4\r\nfeed\r\n$5\r\nhello\r\n');
    expect(await p.call('WAIT', '1', '1000')).toBe(':1\r\n');
    // A PUBLISH on the replica stays there and is not sent back.
    expect(await r.call('PUBLISH', 'feed', 'local')).toBe(':1\r\n');
    expect(await sub.reply()).toBe('*3\r\n$7\r\nmessage\r\n$4\r\nfeed\r\n$5\r\nlocal\r\n');
    sub.close();
  });

  test('WAIT counts replicas that applied the writes', async () => {
    expect(await p.call('WAIT', '0', '0')).toBe(':0\r\n');
    expect(await p.call('WAIT', '1', '20')).toBe(':0\r\n');
    await r.call('REPLICAOF', '127.0.0.1', String(primary.port));
    await p.call('SET', 'k', 'v');
    expect(await p.call('WAIT', '1', '0')).toBe(':1\r\n');
    expect(await r.call('WAIT', '1', '0')).toMatch(/^-ERR WAIT cannot be used with replica instances/);
    expect(await p.call('WAIT', 'x', '0')).toBe('-ERR value is not an integer or out of range\r\n');
    expect(await p.call('WAIT', '1', '-1')).toBe('-ERR timeout is negative\r\n');
  });

  test('with a replication delay, replicas lag and WAIT blocks until they catch up', async () => {
    const link = new ReplicationLink(primary.server, replica.server, { delayMs: 150 });
    link.start();
    await p.call('SET', 'slow', '1');
    expect(await r.call('GET', 'slow')).toBe('$-1\r\n');
    const started = Date.now();
    expect(await p.call('WAIT', '1', '5000')).toBe(':1\r\n');
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(await r.call('GET', 'slow')).toBe('$1\r\n1\r\n');
    await p.call('SET', 'slow', '2');
    expect(await p.call('WAIT', '1', '20')).toBe(':0\r\n');
  });

  test('expired keys are deleted on the primary and the DEL reaches the replica', async () => {
    await r.call('REPLICAOF', '127.0.0.1', String(primary.port));
    // Only the lazy path may delete the key here: an active cycle on the primary could expire it
    // (and reach the replica) before the replica is looked at.
    primary.server.activeExpireEnabled = false;
    await p.call('SET', 'temp', 'v', 'PX', '30');
    await new Promise((res) => setTimeout(res, 60));
    // The replica reports the key missing as soon as it is logically expired...
    expect(await r.call('GET', 'temp')).toBe('$-1\r\n');
    // ...and holds it until the primary's DEL arrives.
    expect(replica.server.dbs[0].dict.has('temp')).toBe(true);
    expect(await p.call('GET', 'temp')).toBe('$-1\r\n');
    expect(replica.server.dbs[0].dict.has('temp')).toBe(false);
  });

  test('REPLICAOF NO ONE promotes the replica', async () => {
    await r.call('REPLICAOF', '127.0.0.1', String(primary.port));
    await p.call('SET', 'k', '1');
    expect(await r.call('REPLICAOF', 'NO', 'ONE')).toBe('+OK\r\n');
    expect(await r.call('SET', 'k', '2')).toBe('+OK\r\n');
    await p.call('SET', 'k', '3');
    expect(await r.call('GET', 'k')).toBe('$1\r\n2\r\n');
    expect(await r.call('REPLICAOF', '127.0.0.1', '1')).toMatch(/^-ERR the local engine replicates only from local nodes/);
  });

  test('transactions replicate as a whole', async () => {
    await r.call('REPLICAOF', '127.0.0.1', String(primary.port));
    await p.call('MULTI');
    await p.call('SET', 'a', '1');
    await p.call('SET', 'b', '2');
    await p.call('EXEC');
    expect(await r.call('EXISTS', 'a', 'b')).toBe(':2\r\n');
  });
});
