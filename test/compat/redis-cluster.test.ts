import { CompatPair, RealRedis, realRedisVersion, startRealRedis } from './harness';
import { RunningRedisServer, startRedisServer } from '../../src/local';
import { ClusterTopology } from '../../src/local/cluster';
import { RawClient } from '../local/support';

/**
 * CLUSTER subcommands of a one-node cluster that owns every slot: redis-server with
 * cluster-enabled and the local engine with a one-shard topology. Node ids differ; each request
 * names the receiving node's own id where it takes one.
 */
describe('CLUSTER against a one-node redis-server cluster', () => {
  let real: RealRedis;
  let local: RunningRedisServer;
  let r: RawClient;
  let l: RawClient;
  let realId: string;
  let localId: string;

  beforeAll(async () => {
    real = await startRealRedis({ 'cluster-enabled': 'yes', 'cluster-config-file': `/tmp/compat-cluster-nodes-${process.pid}.conf` });
    local = await startRedisServer({ engine: 'redis', version: realRedisVersion(), config: { 'cluster-enabled': 'yes' } });
    const topology = new ClusterTopology();
    topology.assign(topology.addShard([local.server], false), 0, 16383);
    r = await RawClient.connect(real.port);
    l = await RawClient.connect(local.port);
    expect(await r.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383')).toBe('+OK\r\n');
    for (let i = 0; i < 100 && !(await r.call('CLUSTER', 'INFO')).includes('cluster_state:ok'); i++) await new Promise((f) => setTimeout(f, 50));
    realId = bulkText(await r.call('CLUSTER', 'MYID'));
    localId = bulkText(await l.call('CLUSTER', 'MYID'));
  });
  afterAll(async () => {
    r.close();
    l.close();
    await local.stop();
    await real.stop();
  });

  /** Sends `argv` to both, with `<me>` replaced by each node's own id; expects the same reply. */
  async function expectSame(requests: string[][]): Promise<void> {
    for (const argv of requests) {
      const [realReply, localReply] = await Promise.all([
        r.call(...argv.map((a) => (a === '<me>' ? realId : a))),
        l.call(...argv.map((a) => (a === '<me>' ? localId : a))),
      ]);
      expect({ request: argv, reply: localReply }).toEqual({ request: argv, reply: realReply });
    }
  }

  test('node ids are 40 hex characters', () => {
    expect(realId).toMatch(/^[0-9a-f]{40}$/);
    expect(localId).toMatch(/^[0-9a-f]{40}$/);
  });

  test('REPLICAS, SLAVES and COUNT-FAILURE-REPORTS of known and unknown nodes', async () => {
    await expectSame([
      ['CLUSTER', 'REPLICAS', '<me>'], ['CLUSTER', 'SLAVES', '<me>'], ['CLUSTER', 'replicas', 'nosuch'],
      ['CLUSTER', 'SLAVES', '0000000000000000000000000000000000000000'], ['CLUSTER', 'REPLICAS'],
      ['CLUSTER', 'REPLICAS', '<me>', 'x'], ['CLUSTER', 'COUNT-FAILURE-REPORTS', '<me>'],
      ['CLUSTER', 'COUNT-FAILURE-REPORTS', 'nosuch'], ['CLUSTER', 'COUNT-FAILURE-REPORTS'],
    ]);
  });

  test('slot queries, key slots and subcommands newer than 7.0', async () => {
    await expectSame([
      ['SET', 'foo', '1'], ['SET', '{foo}bar', '2'], ['CLUSTER', 'KEYSLOT', 'foo'], ['CLUSTER', 'KEYSLOT', '{foo}bar'],
      ['CLUSTER', 'KEYSLOT', ''], ['CLUSTER', 'COUNTKEYSINSLOT', '12182'], ['CLUSTER', 'COUNTKEYSINSLOT', '0'],
      ['CLUSTER', 'COUNTKEYSINSLOT', '16384'], ['CLUSTER', 'COUNTKEYSINSLOT', '-1'], ['CLUSTER', 'COUNTKEYSINSLOT', 'x'],
      ['CLUSTER', 'COUNTKEYSINSLOT', '1.5'], ['CLUSTER', 'COUNTKEYSINSLOT', '99999999999999999999'],
      ['CLUSTER', 'GETKEYSINSLOT', '12182', '0'], ['CLUSTER', 'GETKEYSINSLOT', '0', '10'],
      ['CLUSTER', 'GETKEYSINSLOT', '0', '-1'], ['CLUSTER', 'GETKEYSINSLOT', '16384', '1'], ['CLUSTER', 'GETKEYSINSLOT', '-1', '1'],
      ['CLUSTER', 'GETKEYSINSLOT', 'x', '1'], ['CLUSTER', 'GETKEYSINSLOT', '0', 'x'], ['CLUSTER', 'GETKEYSINSLOT', '-1', 'x'],
      ['CLUSTER', 'MYSHARDID'],
      ['CLUSTER', 'NOSUCH'], ['DEL', 'foo', '{foo}bar'],
    ]);
    // Both keys share slot 12182; their order in GETKEYSINSLOT is each server's own.
    await expectSame([['SET', 'foo', '1'], ['SET', '{foo}bar', '2']]);
    const sorted = (reply: string) => reply.split('\r\n').slice(1).filter((_, i) => i % 2 === 1).sort();
    const [realKeys, localKeys] = await Promise.all([r.call('CLUSTER', 'GETKEYSINSLOT', '12182', '10'), l.call('CLUSTER', 'GETKEYSINSLOT', '12182', '10')]);
    expect(sorted(localKeys)).toEqual(sorted(realKeys));
    expect(sorted(localKeys)).toEqual(['foo', '{foo}bar']);
  });

  test('a transaction over two slots: EXEC answers a plain CROSSSLOT and discards it', async () => {
    await expectSame([
      ['MULTI'], ['SET', 'tx-b', '1'], ['SET', 'tx-c', '1'], ['EXEC'], ['MGET', 'tx-b', 'tx-c'], ['EXEC'],
      ['MULTI'], ['SET', '{t}1', 'x'], ['SET', '{t}2', 'y'], ['EXEC'], ['MGET', '{t}1', '{t}2'],
    ]);
  });
});

function bulkText(reply: string): string {
  const m = /^\$\d+\r\n(.*)\r\n$/s.exec(reply);
  if (!m) throw new Error(`not a bulk string: ${JSON.stringify(reply)}`);
  return m[1];
}

describe('CLUSTER on a node without cluster support', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());

  test('every subcommand is refused; READONLY, READWRITE and ASKING too', async () => {
    await pair.expectSame([
      ['CLUSTER', 'HELP'], ['CLUSTER', 'INFO'], ['CLUSTER', 'KEYSLOT', 'foo'], ['CLUSTER', 'MYID'], ['CLUSTER', 'NODES'],
      ['CLUSTER', 'SLOTS'], ['CLUSTER', 'SHARDS'], ['CLUSTER', 'LINKS'], ['CLUSTER', 'REPLICAS', 'x'], ['CLUSTER', 'SLAVES', 'x'],
      ['CLUSTER', 'COUNT-FAILURE-REPORTS', 'x'], ['CLUSTER', 'COUNTKEYSINSLOT', '0'], ['CLUSTER', 'GETKEYSINSLOT', '0', '1'],
      ['CLUSTER', 'KEYSLOT'], ['CLUSTER'], ['CLUSTER', 'NOSUCH'], ['READONLY'], ['READWRITE'], ['ASKING'], ['READONLY', 'x'],
    ]);
  });
});
