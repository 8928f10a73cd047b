import * as net from 'node:net';
import { CompatPair } from './harness';
import { buildCommandTable } from '../../src/local/commands';
import { parseNotifyFlags } from '../../src/local/notify';
import { RawClient, encode } from '../local/support';

type Req = readonly string[];

/** Members m0..m(n-1) with scores 0..n-1, as ZADD arguments. */
function members(n: number, prefix = 'm'): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(String(i), prefix + i);
  return out;
}

/** Runs `setup` then `requests` in RESP2, then again from scratch in RESP3. */
async function inBothProtocols(pair: CompatPair, setup: Req[], requests: Req[]): Promise<void> {
  await pair.reset();
  await pair.expectSame(setup);
  await pair.expectSame(requests);
  await pair.reset();
  await pair.both(['HELLO', '3']);
  await pair.expectSame(setup);
  await pair.expectSame(requests);
}

const LONG = 'x'.repeat(65);

// ---------------------------------------------------------------------------------------------
// Request tables, run against both encodings (listpack and skiplist) in both protocols.

const ZADD_REQUESTS: Req[] = [
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'], ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
  // option conflicts and syntax
  ['ZADD', 'z', 'NX', 'XX', '1', 'a'], ['ZADD', 'z', 'GT', 'LT', '1', 'a'], ['ZADD', 'z', 'GT', 'NX', '1', 'a'],
  ['ZADD', 'z', 'LT', 'NX', '1', 'a'], ['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'], ['ZADD', 'z', 'NX'], ['ZADD', 'z', '1'],
  ['ZADD', 'z', '1', 'a', '2'], ['ZADD', 'z', 'x', 'a'], ['ZADD', 'z', 'nx', 'xx', '1'], ['ZADD', 'z', 'NX', 'XX', 'x', 'a'],
  ['ZADD', 'z', '1', 'a', 'x', 'b'], ['ZADD', 'z', 'Ch', 'nX', '1', 'zz'],
  // score syntax: strtod with the server's checks
  ['ZADD', 'z', '1e', 'a'], ['ZADD', 'z', ' 1', 'a'], ['ZADD', 'z', '1 ', 'a'], ['ZADD', 'z', '', 'a'], ['ZADD', 'z', '1_0', 'a'],
  ['ZADD', 'z', 'nan', 'a'], ['ZADD', 'z', '-nan', 'a'], ['ZADD', 'z', '1e400', 'a'], ['ZADD', 'z', '1e-400', 'a'],
  ['ZADD', 'z', '1\x00', 'a'], ['ZADD', 'z', '0x', 'a'], ['ZADD', 'z', '0x1p', 'a'], ['ZADD', 'z', '0x1p-2000', 'a'],
  ['ZADD', 'z', '0x1p2000', 'a'], ['ZADD', 'z', 'infinit', 'a'], ['ZADD', 'z', '.', 'a'], ['ZADD', 'z', 'e5', 'a'],
  ['ZADD', 'sc', '0x10', 'hex', '0x.8', 'hexfrac', '0x1p3', 'hexexp', '-0X1.8P1', 'hexneg', 'inf', 'inf1', 'INFINITY', 'inf2',
    '-Infinity', 'ninf', '+inf', 'inf3', '.5', 'half', '5.', 'five', '+5', 'plus', '1E2', 'upper', '1e-5', 'small',
    '0.1', 'tenth', '123456789012345678', 'large', '4.9e-324', 'denormal', '1.7976931348623157e308', 'max', '-0', 'negzero',
    '1e-310', 'sub'],
  ['ZRANGE', 'sc', '0', '-1', 'WITHSCORES'], ['ZSCORE', 'sc', 'negzero'], ['ZSCORE', 'sc', 'tenth'], ['ZMSCORE', 'sc', 'large', 'small', 'none'],
  // NX / XX / GT / LT / CH
  ['ZADD', 'z', 'XX', '5', 'a', '6', 'new'], ['ZADD', 'z', 'XX', 'CH', '5', 'a', '6', 'new'], ['ZADD', 'z', 'NX', 'CH', '9', 'a', '6', 'new'],
  ['ZADD', 'z', 'GT', 'CH', '1', 'a', '10', 'new2'], ['ZADD', 'z', 'LT', 'CH', '1', 'a', '100', 'new3'],
  ['ZADD', 'z', 'GT', 'XX', 'CH', '20', 'a', '100', 'missing'], ['ZADD', 'z', 'LT', 'XX', '-20', 'a'], ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
  ['ZADD', 'z', '1', 'a', '1', 'a', '2', 'a'], ['ZADD', 'z', 'CH', '1', 'a', '1', 'a', '2', 'a'], ['ZSCORE', 'z', 'a'],
  ['ZADD', 'z', '2.0', 'a'], ['ZADD', 'z', 'CH', '2.0', 'a'], ['ZADD', 'z', 'CH', '-0', 'zero'], ['ZADD', 'z', 'CH', '0', 'zero'],
  // INCR
  ['ZADD', 'z', 'INCR', '5', 'a'], ['ZADD', 'z', 'INCR', 'NX', '5', 'a'], ['ZADD', 'z', 'INCR', 'XX', '5', 'nope'],
  ['ZADD', 'z', 'INCR', 'GT', '-5', 'a'], ['ZADD', 'z', 'INCR', 'LT', '-5', 'a'], ['ZADD', 'z', 'INCR', 'LT', '0', 'a'],
  ['ZADD', 'z', 'INCR', 'GT', '0', 'a'], ['ZADD', 'z', 'INCR', '0', 'a'], ['ZADD', 'z', 'INCR', 'GT', '1', 'fresh'],
  ['ZADD', 'z', 'inf', 'a'], ['ZADD', 'z', 'INCR', '-inf', 'a'], ['ZINCRBY', 'z', '-inf', 'a'], ['ZSCORE', 'z', 'a'],
  ['ZINCRBY', 'z', '1', 'b'], ['ZINCRBY', 'z', 'nx', 'a'], ['ZINCRBY', 'z', 'incr', 'a'], ['ZINCRBY', 'z', 'abc', 'a'],
  ['ZINCRBY', 'z', '0.1', 'b'], ['ZINCRBY', 'z', '0.2', 'b'], ['ZINCRBY', 'z', '1.5', 'fresh2'], ['ZINCRBY', 'fresh', '-0', 'm'], ['ZSCORE', 'fresh', 'm'],
  ['ZINCRBY', 'z', '1e308', 'b'], ['ZINCRBY', 'z', '1e308', 'b'], ['ZINCRBY', 'z', '-1e308', 'b'],
  // missing keys, wrong types
  ['ZADD', 'missing', 'XX', '1', 'a'], ['ZADD', 'missing', 'XX', 'INCR', '1', 'a'], ['EXISTS', 'missing'],
  ['SET', 'str', 'v'], ['ZADD', 'str', '1', 'a'], ['ZADD', 'str', 'x', 'a'], ['ZADD', 'str', 'XX', 'NX', '1', 'a'], ['ZINCRBY', 'str', '1', 'a'],
  // empty and binary members
  ['ZADD', '', '1', ''], ['ZRANGE', '', '0', '-1', 'WITHSCORES'],
  ['ZADD', 'bin', '1', '\x00\xff', '1', '\x00', '1', '\xff', '1', '', '1', 'a\r\nb'], ['ZRANGE', 'bin', '0', '-1'], ['ZRANK', 'bin', '\xff'],
  ['ZADD', 'z', '1e308', 'big', '-1e308', 'neg', '4.9e-324', 'tiny'], ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
  ['ZADD', 'z'], ['ZINCRBY', 'z', '1'], ['TYPE', 'z'],
];

function rangeRequests(): Req[] {
  const reqs: Req[] = [['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '5', 'f', '-inf', 'ninf', 'inf', 'pinf']];
  const zrange: string[][] = [
    ['0', '-1'], ['1', '2'], ['-2', '-1'], ['5', '1'], ['-100', '100'], ['10', '20'], ['-1', '-100'], ['0', '0'],
    ['x', '1'], ['1', 'y'], ['0', '9223372036854775807'], ['-9223372036854775808', '0'], ['0', '9223372036854775808'],
    ['0', '-1', 'WITHSCORES'], ['0', '-1', 'withscores', 'withscores'], ['0', '1', 'LIMIT', '0', '1'], ['0', '1', 'LIMIT', '0', '-1'],
    ['0', '-1', 'REV'], ['0', '1', 'REV', 'WITHSCORES'], ['1', '3', 'rev'], ['0', '-1', 'FOO'],
    ['1', '4', 'BYSCORE'], ['(1', '(4', 'BYSCORE'], ['-inf', '+inf', 'BYSCORE', 'WITHSCORES'], ['4', '1', 'BYSCORE', 'REV'],
    ['(4', '1', 'BYSCORE', 'REV', 'LIMIT', '1', '2'], ['1', 'x', 'BYSCORE'], ['(', '(', 'BYSCORE'], ['', '', 'BYSCORE'],
    [' 1', ' 4', 'BYSCORE'], ['1 ', '4', 'BYSCORE'], ['\t(1', '4', 'BYSCORE'], ['( 1', '4', 'BYSCORE'], ['nan', '1', 'BYSCORE'],
    ['(nan', '1', 'BYSCORE'], ['1e400', '-1e400', 'BYSCORE', 'REV'], ['0x1', '0x4', 'BYSCORE'], ['1\x00x', '4', 'BYSCORE'],
    ['-inf', 'inf', 'BYSCORE', 'LIMIT', '2', '3'], ['-inf', 'inf', 'BYSCORE', 'LIMIT', '-1', '3'], ['-inf', 'inf', 'BYSCORE', 'LIMIT', '1', '-3'],
    ['-inf', 'inf', 'BYSCORE', 'LIMIT', '1', '0'], ['-inf', 'inf', 'BYSCORE', 'LIMIT', '100', '1'], ['-inf', 'inf', 'BYSCORE', 'LIMIT', '1'],
    ['-inf', 'inf', 'BYSCORE', 'LIMIT', 'a', '1'], ['-inf', 'inf', 'BYSCORE', 'LIMIT', '8', '5'], ['-inf', 'inf', 'BYSCORE', 'REV', 'LIMIT', '8', '5'],
    ['5', '5', 'BYSCORE'], ['(5', '5', 'BYSCORE'], ['-inf', '-inf', 'BYSCORE'], ['inf', 'inf', 'BYSCORE'], ['(inf', 'inf', 'BYSCORE'],
    ['2', '1', 'BYSCORE'], ['(3', '+inf', 'BYSCORE', 'WITHSCORES', 'LIMIT', '0', '2'],
    ['-', '+', 'BYLEX'], ['[a', '[c', 'BYLEX'], ['(a', '(c', 'BYLEX'], ['+', '-', 'BYLEX', 'REV'], ['-', '+', 'BYLEX', 'WITHSCORES'],
    ['a', 'c', 'BYLEX'], ['[a', 'c', 'BYLEX'], ['-x', '+', 'BYLEX'], ['-', '+\x00', 'BYLEX'], ['', '+', 'BYLEX'],
    ['-', '+', 'BYLEX', 'LIMIT', '1', '2'], ['+', '-', 'BYLEX', 'REV', 'LIMIT', '1', '2'], ['-', '-', 'BYLEX'], ['+', '+', 'BYLEX'],
    ['[b', '[b', 'BYLEX'], ['(b', '[b', 'BYLEX'], ['[', '+', 'BYLEX'], ['+', '[', 'BYLEX'], ['-', '+', 'BYLEX', 'LIMIT', '0', '-1'],
    ['0', '-1', 'BYSCORE', 'BYLEX'], ['0', '-1', 'BYLEX', 'BYSCORE'], ['0', '-1', 'REV', 'REV'],
    ['1', '2', 'BYSCORE', 'LIMIT', '0', '1', 'LIMIT', '1', '1'], ['0', '-1', 'LIMIT', 'x', 'y'],
  ];
  for (const args of zrange) reqs.push(['ZRANGE', 'z', ...args]);
  reqs.push(
    ['ZRANGEBYSCORE', 'z', '1', '4'], ['ZRANGEBYSCORE', 'z', '1', '4', 'WITHSCORES', 'LIMIT', '1', '1'], ['ZRANGEBYSCORE', 'z', '1', '4', 'REV'],
    ['ZRANGEBYSCORE', 'z', '1', '4', 'BYLEX'], ['ZRANGEBYSCORE', 'z', '(1', '+inf', 'LIMIT', '0', '-5'], ['ZREVRANGEBYSCORE', 'z', '4', '1', 'WITHSCORES'],
    ['ZREVRANGEBYSCORE', 'z', '1', '4'], ['ZREVRANGEBYSCORE', 'z', '+inf', '(1', 'LIMIT', '1', '2'], ['ZRANGEBYLEX', 'z', '-', '+'],
    ['ZRANGEBYLEX', 'z', '-', '+', 'WITHSCORES'], ['ZRANGEBYLEX', 'z', '-', '+', 'LIMIT', '0', '2'], ['ZRANGEBYLEX', 'z', '[b', 'x'],
    ['ZREVRANGEBYLEX', 'z', '+', '-', 'LIMIT', '0', '2'], ['ZREVRANGEBYLEX', 'z', '-', '+'], ['ZREVRANGE', 'z', '0', '2', 'WITHSCORES'],
    ['ZREVRANGE', 'z', '0', '2', 'LIMIT', '0', '1'], ['ZREVRANGE', 'z', '0', '2', 'LIMIT', '0', '-1'], ['ZREVRANGE', 'z', '0', '2', 'BYSCORE'],
    ['ZREVRANGE', 'z', '0', '2', 'REV'], ['ZREVRANGE', 'z', '-3', '-1'], ['ZRANGE', 'z', '0'], ['ZRANGEBYLEX', 'z', '-'],
    ['ZRANGE', 'missing', '0', '-1'], ['ZRANGE', 'missing', 'x', '1'], ['ZRANGEBYSCORE', 'missing', 'a', 'b'], ['ZRANGEBYLEX', 'missing', 'a', 'b'],
    ['ZRANGE', 'missing', '0', '-1', 'BYSCORE', 'LIMIT', '0', '1'],
    ['SET', 's', 'v'], ['ZRANGE', 's', '0', '-1'], ['ZRANGE', 's', 'x', '-1'], ['ZRANGE', 's', '0', '-1', 'BYLEX'], ['ZRANGE', 's', '-', '+', 'BYLEX'],
    ['ZCOUNT', 'z', '-inf', '+inf'], ['ZCOUNT', 'z', '(1', '5'], ['ZCOUNT', 'z', '5', '1'], ['ZCOUNT', 'z', 'x', '1'], ['ZCOUNT', 'missing', '1', '2'],
    ['ZCOUNT', 's', '1', '2'], ['ZCOUNT', 's', 'x', '2'], ['ZCOUNT', 'z', '(5', '(5'], ['ZCOUNT', 'z', '5', '5'], ['ZCOUNT', 'z', '(4', '(6'],
    ['ZLEXCOUNT', 'z', '-', '+'], ['ZLEXCOUNT', 'z', '[b', '(e'], ['ZLEXCOUNT', 'z', 'b', 'e'], ['ZLEXCOUNT', 'missing', '-', '+'],
    ['ZLEXCOUNT', 's', '-', '+'], ['ZLEXCOUNT', 's', 'x', '+'], ['ZLEXCOUNT', 'z', '+', '-'],
    // ZRANGESTORE
    ['ZRANGESTORE', 'dst', 'z', '0', '2'], ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'], ['ZRANGESTORE', 'dst', 'z', '(1', 'inf', 'BYSCORE', 'LIMIT', '1', '2'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'], ['ZRANGESTORE', 'dst', 'z', '+', '[c', 'BYLEX', 'REV'], ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['ZRANGESTORE', 'dst', 'z', '0', '-1', 'WITHSCORES'], ['ZRANGESTORE', 'dst', 'z', '0', '-1', 'LIMIT', '0', '1'],
    ['ZRANGESTORE', 'dst', 'z', '10', '20'], ['EXISTS', 'dst'], ['ZRANGESTORE', 'dst', 'missing', '0', '-1'], ['ZRANGESTORE', 'dst', 's', '0', '-1'],
    ['ZRANGESTORE', 's', 'z', '0', '0'], ['TYPE', 's'], ['ZRANGESTORE', 'z', 'z', '1', '2'], ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
    ['ZRANGESTORE', 'dst', 'z', 'a', 'b'], ['ZRANGESTORE', 'dst', 'z', '0'],
  );
  return reqs;
}

const SETOP_SETUP: Req[] = [
  ['ZADD', 'z1', '1', 'a', '2', 'b', '3', 'c'], ['ZADD', 'z2', '10', 'b', '20', 'c', '30', 'd'],
  ['ZADD', 'z3', 'inf', 'a', '-inf', 'b'], ['ZADD', 'z4', '-inf', 'a', 'inf', 'b'],
  ['ZADD', 'f1', '0.1', 'p', '0.7', 'q'], ['ZADD', 'f2', '0.2', 'p', '0.1', 'q'], ['ZADD', 'f3', '0.3', 'p', '0.2', 'q', '1', 'r'],
  ['SET', 'str', 'v'],
];

function setOpRequests(): Req[] {
  const reqs: Req[] = [];
  for (const cmd of ['ZUNION', 'ZINTER', 'ZDIFF']) {
    for (const args of [
      ['2', 'z1', 'z2'], ['2', 'z1', 'z2', 'WITHSCORES'], ['2', 'z1', 'z2', 'WEIGHTS', '2', '3', 'WITHSCORES'], ['2', 'z1', 'z2', 'WEIGHTS', '2'],
      ['2', 'z1', 'z2', 'WEIGHTS', '2', 'x'], ['2', 'z1', 'z2', 'WEIGHTS', '2', '1e400'], ['2', 'z1', 'z2', 'AGGREGATE', 'MIN', 'WITHSCORES'],
      ['2', 'z1', 'z2', 'AGGREGATE', 'MAX', 'WITHSCORES'], ['2', 'z1', 'z2', 'AGGREGATE', 'FOO'], ['2', 'z1', 'z2', 'AGGREGATE'],
      ['2', 'z1', 'z2', 'aggregate', 'sum', 'weights', '1', '1', 'withscores'], ['0', 'z1'], ['-1', 'z1'], ['x', 'z1'], ['3', 'z1', 'z2'],
      ['1', 'missing'], ['2', 'z1', 'missing', 'WITHSCORES'], ['2', 'missing', 'z1', 'WITHSCORES'], ['2', 'z1', 'str'], ['2', 'str', 'missing'],
      ['2', 'z1', 'z1', 'WITHSCORES'], ['2', 'z3', 'z4', 'WITHSCORES'], ['2', 'z3', 'z4', 'WEIGHTS', '0', '1', 'WITHSCORES'],
      ['2', 'z3', 'z4', 'WEIGHTS', '0', '0', 'WITHSCORES'], ['2', 'z3', 'z4', 'AGGREGATE', 'MIN', 'WEIGHTS', '0', '1', 'WITHSCORES'],
      ['2', 'z3', 'z4', 'AGGREGATE', 'MAX', 'WEIGHTS', '0', '1', 'WITHSCORES'], ['1', 'z1', 'WEIGHTS', 'inf', 'WITHSCORES'],
      ['1', 'z1', 'WEIGHTS', '-inf', 'WITHSCORES'], ['1', 'z1', 'WITHSCORES', 'FOO'], ['1', 'z1', 'LIMIT', '1'], ['2', 'z1', 'str', 'WEIGHTS', 'x'],
      ['2', 'missing', 'str'], ['9223372036854775807', 'z1'], ['9223372036854775808', 'z1'], ['1', 'z1', 'WEIGHTS', '1', '1'],
      ['3', 'f1', 'f2', 'f3', 'WITHSCORES'], ['3', 'f3', 'f2', 'f1', 'WITHSCORES'], ['3', 'f1', 'f2', 'f3', 'WEIGHTS', '0.1', '3', '7', 'WITHSCORES'],
    ]) reqs.push([cmd, ...args]);
  }
  for (const cmd of ['ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']) {
    for (const args of [
      ['2', 'z1', 'z2'], ['2', 'z1', 'z2', 'WEIGHTS', '2', '3'], ['2', 'z1', 'z2', 'WITHSCORES'], ['2', 'z1', 'z2', 'AGGREGATE', 'MAX'],
      ['0', 'z1'], ['3', 'z1', 'z2'], ['1', 'missing'], ['2', 'z1', 'str'], ['2', 'z3', 'z4'],
    ]) reqs.push([cmd, 'dst', ...args], ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'], ['TYPE', 'dst']);
  }
  reqs.push(
    ['SET', 'dst', 'x'], ['ZUNIONSTORE', 'dst', '1', 'missing'], ['EXISTS', 'dst'],
    ['SET', 'dst', 'x'], ['EXPIRE', 'dst', '100'], ['ZUNIONSTORE', 'dst', '1', 'z1'], ['TYPE', 'dst'], ['TTL', 'dst'],
    ['ZUNIONSTORE', 'z1', '2', 'z1', 'z2'], ['ZRANGE', 'z1', '0', '-1', 'WITHSCORES'],
    ['ZINTERSTORE', 'z2', '2', 'z2', 'z2', 'WEIGHTS', '1', '2'], ['ZRANGE', 'z2', '0', '-1', 'WITHSCORES'],
    ['ZDIFFSTORE', 'z2', '2', 'z2', 'z2'], ['EXISTS', 'z2'],
    ['ZINTERCARD', '2', 'z1', 'z3'], ['ZINTERCARD', '2', 'z1', 'z3', 'LIMIT', '1'], ['ZINTERCARD', '2', 'z1', 'z3', 'LIMIT', '0'],
    ['ZINTERCARD', '2', 'z1', 'z3', 'LIMIT', '-1'], ['ZINTERCARD', '2', 'z1', 'z3', 'LIMIT', 'x'], ['ZINTERCARD', '2', 'z1', 'z3', 'LIMIT'],
    ['ZINTERCARD', '2', 'z1', 'z3', 'LIMIT', '5', 'LIMIT', '1'], ['ZINTERCARD', '0', 'z1'], ['ZINTERCARD', 'x', 'z1'],
    ['ZINTERCARD', '2', 'z1', 'z3', 'WITHSCORES'], ['ZINTERCARD', '2', 'z1', 'z3', 'WEIGHTS', '1', '1'], ['ZINTERCARD', '2', 'z1', 'z3', 'AGGREGATE', 'SUM'],
    ['ZINTERCARD', '1', 'missing'], ['ZINTERCARD', '2', 'z1', 'str'], ['ZINTERCARD', '3', 'z1', 'z3'], ['ZINTERCARD', '2', 'z1', 'z1'],
    ['ZINTERCARD', '1', 'z1', 'LIMIT', '9223372036854775808'],
    ['ZUNION', '1'], ['ZUNIONSTORE', 'dst', '1'],
  );
  return reqs;
}

function popAndMiscRequests(): Req[] {
  const reqs: Req[] = [['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'], ['SET', 'str', 'v']];
  for (const k of ['z', 'missing', 'str']) {
    reqs.push(
      ['ZRANK', k, 'c'], ['ZREVRANK', k, 'c'], ['ZRANK', k, 'nope'], ['ZREVRANK', k, 'nope'], ['ZRANK', k, 'c', 'WITHSCORE'],
      ['ZRANK', k, 'c', 'WITHSCORE', 'x'], ['ZSCORE', k, 'a'], ['ZSCORE', k, 'nope'], ['ZMSCORE', k, 'a', 'nope', 'b'], ['ZCARD', k],
      ['ZRANDMEMBER', k, '0'], ['ZRANDMEMBER', k, 'x'], ['ZRANDMEMBER', k, '5', 'WITHSCORES'], ['ZRANDMEMBER', k, '100'],
      ['ZRANDMEMBER', k, '1', 'FOO'], ['ZRANDMEMBER', k, '1', 'WITHSCORES', 'x'], ['ZRANDMEMBER', k, '-9223372036854775808'],
      ['ZRANDMEMBER', k, '9223372036854775808'], ['ZRANDMEMBER', k, '4611686018427387904', 'WITHSCORES'],
      ['ZRANDMEMBER', k, '-4611686018427387904', 'WITHSCORES'], ['ZRANDMEMBER', k, '4611686018427387903', 'WITHSCORES'],
      ['ZRANDMEMBER', k, '-4611686018427387903', 'WITHSCORES', 'x'],
      ['ZSCAN', k, 'x'], ['ZSCAN', k, ' 1'], ['ZSCAN', k, '-'], ['ZSCAN', k, '18446744073709551616'], ['ZSCAN', k, '0', 'COUNT', '0'], ['ZSCAN', k, '0', 'FOO'],
      ['ZSCAN', k, '0', 'COUNT', 'x'], ['ZSCAN', k, '0', 'MATCH'],
    );
  }
  reqs.push(
    ['ZADD', 'one', '1.5', 'only'], ['ZRANDMEMBER', 'one'], ['ZRANDMEMBER', 'one', '1'], ['ZRANDMEMBER', 'one', '-3'],
    ['ZRANDMEMBER', 'one', '-3', 'WITHSCORES'], ['ZRANDMEMBER', 'one', '3', 'withscores'], ['ZRANDMEMBER', 'one', '1', 'WITHSCORES'],
    ['ZRANDMEMBER', 'missing'], ['ZRANDMEMBER', 'str'],
    ['ZREM', 'z', 'a', 'nope'], ['ZREM', 'z', 'nope'], ['ZREM', 'missing', 'a'], ['ZREM', 'str', 'a'],
    ['ZREM', 'z', 'b', 'c', 'd', 'e', 'e'], ['EXISTS', 'z'],
  );
  const refill: Req = ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'];
  for (const args of [['0', '0'], ['-1', '-1'], ['5', '10'], ['3', '1'], ['-100', '1'], ['x', '1'], ['1', 'y'], ['0', '-1']]) {
    reqs.push(refill, ['ZREMRANGEBYRANK', 'z', ...args], ['ZRANGE', 'z', '0', '-1']);
  }
  for (const args of [['(1', '2'], ['x', '1'], ['-inf', '(3'], ['10', '20'], ['-inf', '+inf'], ['(', '3'], ['3', '1']]) {
    reqs.push(refill, ['ZREMRANGEBYSCORE', 'z', ...args], ['ZRANGE', 'z', '0', '-1']);
  }
  const lexRefill: Req = ['ZADD', 'z', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e'];
  for (const args of [['[a', '(c'], ['a', 'c'], ['-', '(b'], ['(d', '+'], ['-', '+'], ['+', '-']]) {
    reqs.push(['DEL', 'z'], lexRefill, ['ZREMRANGEBYLEX', 'z', ...args], ['ZRANGE', 'z', '0', '-1']);
  }
  reqs.push(
    ['ZREMRANGEBYRANK', 'missing', '0', '1'], ['ZREMRANGEBYRANK', 'str', '0', '1'], ['ZREMRANGEBYRANK', 'str', 'x', '1'],
    ['ZREMRANGEBYSCORE', 'str', 'x', '1'], ['ZREMRANGEBYSCORE', 'str', '1', '2'], ['ZREMRANGEBYLEX', 'missing', 'x', 'y'],
    ['ZREMRANGEBYLEX', 'str', '-', '+'],
  );
  reqs.push(['DEL', 'z'], refill);
  for (const cmd of ['ZPOPMIN', 'ZPOPMAX']) {
    reqs.push(
      [cmd, 'z'], [cmd, 'z', '2'], [cmd, 'z', '0'], [cmd, 'z', '-1'], [cmd, 'z', 'x'], [cmd, 'z', '1', '2'], [cmd, 'missing'],
      [cmd, 'missing', '-1'], [cmd, 'missing', '0'], [cmd, 'str'], [cmd, 'str', '0'], [cmd, 'str', 'x'], [cmd, 'z', '9223372036854775808'],
    );
  }
  reqs.push(['ZPOPMIN', 'z', '100'], ['EXISTS', 'z'], refill);
  for (const args of [
    ['1', 'z', 'MIN'], ['1', 'z', 'MAX', 'COUNT', '2'], ['2', 'missing', 'z', 'MIN', 'COUNT', '10'], ['1', 'z', 'MIN'], ['0', 'z', 'MIN'],
    ['-1', 'z', 'MIN'], ['x', 'z', 'MIN'], ['2', 'z', 'MIN'], ['1', 'z', 'FOO'], ['1', 'z', 'MIN', 'COUNT'], ['1', 'z', 'MIN', 'COUNT', '0'],
    ['1', 'z', 'MIN', 'COUNT', 'x'], ['1', 'z', 'MIN', 'COUNT', '-1'], ['1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '1'], ['1', 'z', 'MIN', 'FOO'],
    ['2', 'str', 'z', 'MIN'], ['2', 'missing', 'str', 'MIN'], ['1', 'missing', 'MAX'], ['9223372036854775807', 'z', 'MIN'],
    ['1', 'z', 'min', 'count', '1'], ['1', 'z', 'max', 'COUNT', '9223372036854775807'], ['1', 'z', 'MIN'],
  ]) reqs.push(['ZMPOP', ...args]);
  return reqs;
}

/** Timeout parsing and non-blocking answers of the blocking commands (the key has data, or errors). */
function blockingImmediateRequests(): Req[] {
  const fill: Req = ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'];
  const reqs: Req[] = [['SET', 'str', 'v']];
  for (const t of ['x', '-1', '-0.001', '-0.0001', 'inf', '-inf', '+inf', '1e400', '1e5000', 'nan', ' 1', '1 ', '0x10', '0x1p3',
    '9223372036854775807', '9223372036854776', '9223372036854775', '1e30', '', '1'.repeat(6000), '0.0001', '0', '-0', '1.5']) {
    reqs.push(fill, ['BZPOPMIN', 'z', t]);
  }
  reqs.push(
    fill, ['BZPOPMIN', 'missing', 'z', '0'], ['BZPOPMAX', 'z', '0'], ['BZPOPMIN', 'str', 'z', '0'], ['BZPOPMIN', 'z', 'str', '0'],
    ['BZPOPMIN', 'missing', 'str', '1'], ['BZPOPMAX', 'str', 'x'],
    fill, ['BZMPOP', '0', '1', 'z', 'MIN'], ['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '5'],
    fill, ['BZMPOP', 'x', '1', 'z', 'MAX'], ['BZMPOP', '-1', '1', 'z', 'MAX'], ['BZMPOP', '0', '0', 'z', 'MAX'], ['BZMPOP', 'x', '1', 'z', 'FOO'],
    ['BZMPOP', 'x', '1', 'z', 'MIN', 'COUNT', '0'], ['BZMPOP', '0', '2', 'z', 'MIN'], ['BZMPOP', '0', '1', 'str', 'MIN'],
    ['BZMPOP', '0', '2', 'missing', 'z', 'min', 'count', '2'], ['BZMPOP', '0', 'x', 'z', 'MIN'], ['BZMPOP', 'inf', '1', 'z', 'MIN'],
  );
  return reqs;
}

describe.each([
  ['listpack', {}],
  ['skiplist', { 'zset-max-listpack-entries': '0' }],
])('sorted sets against redis-server (%s encoding)', (_name, config) => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start({ config });
  });
  afterAll(() => pair.stop());

  test('ZADD and ZINCRBY: options, conflicts, scores, NaN, replies', () => inBothProtocols(pair, [], ZADD_REQUESTS));
  test('ZRANGE family, ZCOUNT, ZLEXCOUNT, ZRANGESTORE', () => inBothProtocols(pair, [], rangeRequests()));
  test('ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD', () => inBothProtocols(pair, SETOP_SETUP, setOpRequests()));
  test('ranks, scores, ZREM, ZREMRANGEBY*, ZPOPMIN/ZPOPMAX, ZMPOP, ZRANDMEMBER and ZSCAN errors', () => inBothProtocols(pair, [], popAndMiscRequests()));
  test('BZPOPMIN, BZPOPMAX and BZMPOP that need not block; timeout parsing', () => inBothProtocols(pair, [], blockingImmediateRequests()));
  test('doubles in replies', () => inBothProtocols(pair, [], [
    ['ZADD', 'd', '0.1', 'a', '1e-5', 'b', '123456789', 'c', '1.5e300', 'd', 'inf', 'e', '-inf', 'f', '-2.5', 'g', '0.30000000000000004', 'h',
      '1e22', 'i', '1e21', 'j', '3.14159265358979', 'k', '-0', 'l', '1e-7', 'm', '0.0001', 'n'],
    ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'], ['ZSCORE', 'd', 'a'], ['ZSCORE', 'd', 'e'], ['ZSCORE', 'd', 'l'], ['ZMSCORE', 'd', 'a', 'b', 'f'],
    ['ZINCRBY', 'd', '0.2', 'a'], ['ZPOPMAX', 'd'], ['ZPOPMIN', 'd', '2'], ['ZRANK', 'd', 'k'], ['ZUNION', '1', 'd', 'WEIGHTS', '3', 'WITHSCORES'],
  ]));
});

/** The set family (SADD) is a separate part of the build; until it is there this test is skipped. */
const SETS_BUILT = buildCommandTable().byName.has('sadd');

describe('plain sets as inputs against redis-server', () => {
  (SETS_BUILT ? test : test.skip)('sets count with score 1 times their weight', async () => {
    const pair = await CompatPair.start();
    try {
      await inBothProtocols(pair, [['SADD', 's', 'a', 'b', 'x'], ['SADD', 'ints', '1', '2', '3'], ['ZADD', 'z', '5', 'a', '7', 'b', '9', 'c', '2', '2']], [
        ['ZUNION', '2', 's', 'z', 'WITHSCORES'], ['ZINTER', '2', 's', 'z', 'WEIGHTS', '10', '1', 'WITHSCORES'], ['ZINTER', '3', 's', 'z', 'ints'],
        ['ZUNION', '3', 's', 'z', 'ints', 'AGGREGATE', 'MAX', 'WITHSCORES'], ['ZDIFF', '2', 's', 'z', 'WITHSCORES'], ['ZDIFF', '2', 'z', 's'],
        ['ZDIFF', '2', 'z', 'ints', 'WITHSCORES'], ['ZINTERCARD', '2', 'z', 's'], ['ZINTER', '2', 's', 's', 'WITHSCORES'], ['ZDIFF', '2', 's', 's'],
        ['ZUNIONSTORE', 'dst', '2', 's', 'ints', 'WEIGHTS', '2.5', '1'], ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'], ['ZRANGE', 's', '0', '-1'],
      ]);
    } finally {
      await pair.stop();
    }
  });
});

describe('encodings', () => {
  test('listpack/skiplist conversion follows the thresholds one way, and -0 in the compact encoding', async () => {
    const pair = await CompatPair.start();
    try {
      // OBJECT ENCODING is not part of this branch's command set: compare what the encodings make visible.
      await pair.reset();
      await pair.expectSame([
        ['ZADD', 'nz', '-0', 'a'], ['ZSCORE', 'nz', 'a'],
        ['ZADD', 'nz2', '-0', 'a', '1', LONG], ['ZSCORE', 'nz2', 'a'], ['ZADD', 'nz2', '-0', 'b'], ['ZSCORE', 'nz2', 'b'],
        ['ZADD', 'nz3', '1', LONG, '-0', 'a'], ['ZSCORE', 'nz3', 'a'], ['ZINCRBY', 'nz3', '-0', 'fresh'], ['ZSCORE', 'nz3', 'fresh'],
        ['ZUNIONSTORE', 'u', '1', 'nz3'], ['ZSCORE', 'u', 'a'], ['ZRANGESTORE', 'r', 'nz3', '0', '0'], ['ZSCORE', 'r', 'a'],
        ['ZADD', 'big', ...members(129)], ['ZREMRANGEBYRANK', 'big', '1', '-1'], ['ZADD', 'big', '-0', 'neg'], ['ZSCORE', 'big', 'neg'],
        ['ZUNIONSTORE', 'small', '1', 'big'], ['ZADD', 'small', '-0', 'neg2'], ['ZSCORE', 'small', 'neg2'],
        ['ZADD', 'edge', ...members(128)], ['ZADD', 'edge', '-0', 'm5'], ['ZSCORE', 'edge', 'm5'],
        ['ZADD', 'edge', '1', 'new'], ['ZADD', 'edge', '-0', 'm6'], ['ZSCORE', 'edge', 'm6'],
      ]);
    } finally {
      await pair.stop();
    }
  });
});

describe('ZSCAN of a compact set', () => {
  test('returns the whole set with cursor 0 for any cursor the server accepts', async () => {
    const pair = await CompatPair.start();
    try {
      await pair.reset();
      await pair.expectSame([
        ['ZADD', 'z', '0.1', 'a', '1e17', 'b', '-0', 'c', 'inf', 'd', '5', 'e', '123456789.25', 'f', '-1.5', 'g', '4611686018427387904', 'h'],
        ['ZSCAN', 'z', '0'], ['ZSCAN', 'z', '12345'], ['ZSCAN', 'z', ''], ['ZSCAN', 'z', '-1'], ['ZSCAN', 'z', '+5'], ['ZSCAN', 'z', '5\x00x'],
        ['ZSCAN', 'z', ' 1'], ['ZSCAN', 'z', '-'], ['ZSCAN', 'z', '0', 'MATCH', '[a-c]', 'COUNT', '1'], ['ZSCAN', 'z', '0', 'match', '*', 'count', '1000'],
        ['ZSCAN', 'missing', '-1'], ['ZSCAN', 'missing', '0', 'COUNT', 'x'], ['ZSCAN', 'missing', 'x'],
      ]);
      await pair.both(['HELLO', '3']);
      await pair.expectSame([['ZSCAN', 'z', '0'], ['ZSCAN', 'missing', '0']]);
    } finally {
      await pair.stop();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Two connections: blocking, served, timeouts, fairness

describe('blocking pops against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  /** Sends a request to both blocking connections without waiting; checks that neither answers yet. */
  async function block(conns: { real: RawClient; local: RawClient }, argv: readonly string[]): Promise<void> {
    conns.real.write(encode(argv));
    conns.local.write(encode(argv));
    const [r, l] = await Promise.all([conns.real.silentFor(60), conns.local.silentFor(60)]);
    expect({ argv, realSilent: r, localSilent: l }).toEqual({ argv, realSilent: true, localSilent: true });
  }

  async function sameReply(conns: { real: RawClient; local: RawClient }, label: string): Promise<string> {
    const [real, local] = await Promise.all([conns.real.reply(), conns.local.reply()]);
    expect({ label, reply: local }).toEqual({ label, reply: real });
    return real;
  }

  test.each([2, 3])('BZPOPMIN and BZPOPMAX are served by a ZADD from another client (RESP%i)', async (resp) => {
    const blocked = await pair.connectBoth();
    if (resp === 3) {
      await Promise.all([blocked.real.call('HELLO', '3'), blocked.local.call('HELLO', '3')]);
      await pair.both(['HELLO', '3']);
    }
    await block(blocked, ['BZPOPMIN', 'a', 'b', '0']);
    await pair.expectSame([['ZADD', 'b', '2', 'y', '1', 'x']]);
    expect(await sameReply(blocked, 'bzpopmin served')).toBe(resp === 2 ? '*3\r\n$1\r\nb\r\n$1\r\nx\r\n$1\r\n1\r\n' : '*3\r\n$1\r\nb\r\n$1\r\nx\r\n,1\r\n');
    await block(blocked, ['BZPOPMAX', 'c', '0']);
    await pair.expectSame([['ZADD', 'c', '1', 'p', '3', 'q'], ['ZRANGE', 'c', '0', '-1']]);
    await sameReply(blocked, 'bzpopmax served');
    await pair.expectSame([['ZRANGE', 'b', '0', '-1', 'WITHSCORES'], ['ZRANGE', 'c', '0', '-1', 'WITHSCORES']]);
  });

  test.each([2, 3])('BZMPOP is served with its nested shape and COUNT (RESP%i)', async (resp) => {
    const blocked = await pair.connectBoth();
    if (resp === 3) await Promise.all([blocked.real.call('HELLO', '3'), blocked.local.call('HELLO', '3')]);
    await block(blocked, ['BZMPOP', '0', '2', 'a', 'b', 'MAX', 'COUNT', '2']);
    await pair.expectSame([['ZADD', 'b', '1', 'x', '2', 'y', '3', 'z']]);
    await sameReply(blocked, 'bzmpop served');
    await block(blocked, ['BZMPOP', '0', '1', 'c', 'MIN', 'COUNT', '10']);
    await pair.expectSame([['ZADD', 'c', '1', 'x']]);
    await sameReply(blocked, 'bzmpop count above length');
    await pair.expectSame([['ZRANGE', 'b', '0', '-1'], ['EXISTS', 'c']]);
  });

  test.each([2, 3])('timeouts answer with the null array (RESP%i)', async (resp) => {
    const blocked = await pair.connectBoth();
    if (resp === 3) await Promise.all([blocked.real.call('HELLO', '3'), blocked.local.call('HELLO', '3')]);
    for (const argv of [['BZPOPMIN', 'a', '0.05'], ['BZPOPMAX', 'a', 'b', '0.01'], ['BZMPOP', '0.05', '1', 'a', 'MIN'], ['BZPOPMIN', 'a', '0.0001']]) {
      blocked.real.write(encode(argv));
      blocked.local.write(encode(argv));
      const reply = await sameReply(blocked, argv.join(' '));
      expect(reply).toBe(resp === 2 ? '*-1\r\n' : '_\r\n');
    }
  });

  test('clients are served first come, first served, one element each', async () => {
    const first = await pair.connectBoth();
    const second = await pair.connectBoth();
    const third = await pair.connectBoth();
    await block(first, ['BZPOPMIN', 'k', '0']);
    await block(second, ['BZPOPMAX', 'other', 'k', '0']);
    await block(third, ['BZMPOP', '0', '1', 'k', 'MIN', 'COUNT', '5']);
    await pair.expectSame([['ZADD', 'k', '1', 'a', '2', 'b']]);
    await sameReply(first, 'first');
    await sameReply(second, 'second');
    // The third client keeps waiting: the set is gone.
    const [r, l] = await Promise.all([third.real.silentFor(80), third.local.silentFor(80)]);
    expect([r, l]).toEqual([true, true]);
    await pair.expectSame([['EXISTS', 'k'], ['ZADD', 'k', '5', 'e', '6', 'f', '7', 'g']]);
    await sameReply(third, 'third');
    await pair.expectSame([['ZRANGE', 'k', '0', '-1']]);
  });

  test('a key of another type does not serve a blocked pop; the later sorted set does', async () => {
    const blocked = await pair.connectBoth();
    await block(blocked, ['BZPOPMIN', 'k', '0']);
    await pair.expectSame([['SET', 'k', 'string']]);
    const [r, l] = await Promise.all([blocked.real.silentFor(80), blocked.local.silentFor(80)]);
    expect([r, l]).toEqual([true, true]);
    await pair.expectSame([['DEL', 'k'], ['ZADD', 'k', '1', 'a']]);
    await sameReply(blocked, 'served after the type changed');
  });

  test('ZUNIONSTORE and ZRANGESTORE creating the key serve blocked clients', async () => {
    const blocked = await pair.connectBoth();
    await pair.expectSame([['ZADD', 'src', '1', 'a', '2', 'b', '3', 'c']]);
    await block(blocked, ['BZPOPMAX', 'dst', '0']);
    await pair.expectSame([['ZUNIONSTORE', 'dst', '1', 'src', 'WEIGHTS', '2']]);
    await sameReply(blocked, 'after zunionstore');
    await block(blocked, ['BZPOPMIN', 'dst2', '0']);
    await pair.expectSame([['ZRANGESTORE', 'dst2', 'src', '1', '2']]);
    await sameReply(blocked, 'after zrangestore');
  });

  test('blocking is per database', async () => {
    const blocked = await pair.connectBoth();
    await Promise.all([blocked.real.call('SELECT', '3'), blocked.local.call('SELECT', '3')]);
    await block(blocked, ['BZPOPMIN', 'k', '0']);
    await pair.expectSame([['ZADD', 'k', '1', 'a']]);
    const [r, l] = await Promise.all([blocked.real.silentFor(80), blocked.local.silentFor(80)]);
    expect([r, l]).toEqual([true, true]);
    await pair.expectSame([['SELECT', '3'], ['ZADD', 'k', '2', 'b'], ['SELECT', '0']]);
    await sameReply(blocked, 'served in its database');
  });

  test('a blocked client that disconnects is forgotten', async () => {
    const gone = await pair.connectBoth();
    const waiting = await pair.connectBoth();
    await block(gone, ['BZPOPMIN', 'k', '0']);
    await block(waiting, ['BZPOPMIN', 'k', '0']);
    gone.real.close();
    gone.local.close();
    await new Promise((r) => setTimeout(r, 50));
    await pair.expectSame([['ZADD', 'k', '1', 'a']]);
    await sameReply(waiting, 'the remaining client');
  });
});

// ---------------------------------------------------------------------------------------------
// Replication stream and keyspace notifications

/** A replica connection to the real server (SYNC), collecting the commands it propagates. */
class ReplicaTap {
  public static async attach(port: number): Promise<ReplicaTap> {
    const tap = new ReplicaTap(net.connect({ host: '127.0.0.1', port }));
    tap.socket.write('SYNC\r\n');
    await tap.waitFor(() => tap.synced);
    return tap;
  }

  private buffer = '';
  private synced = false;
  public readonly commands: string[][] = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      this.parse();
    });
    socket.on('error', () => undefined);
  }

  private parse(): void {
    if (!this.synced) {
      const m = /^\n*\$(\d+)\r\n/.exec(this.buffer);
      if (m === null || this.buffer.length < m[0].length + Number(m[1])) return;
      this.buffer = this.buffer.slice(m[0].length + Number(m[1]));
      this.synced = true;
    }
    for (;;) {
      const m = /^\*(\d+)\r\n/.exec(this.buffer);
      if (m === null) return;
      let at = m[0].length;
      const argv: string[] = [];
      for (let i = 0; i < Number(m[1]); i++) {
        const len = /^\$(\d+)\r\n/.exec(this.buffer.slice(at));
        if (len === null || this.buffer.length < at + len[0].length + Number(len[1]) + 2) return;
        at += len[0].length;
        argv.push(this.buffer.slice(at, at + Number(len[1])));
        at += Number(len[1]) + 2;
      }
      this.buffer = this.buffer.slice(at);
      const name = argv[0].toUpperCase();
      if (name !== 'PING' && name !== 'SELECT') this.commands.push(argv);
    }
  }

  public async waitFor(done: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`replication stream incomplete: ${JSON.stringify(this.commands)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  public close(): void {
    this.socket.destroy();
  }
}

describe('propagation and notifications against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
    // Keyspace notifications on both (the local node's configuration parameter is not on this branch).
    expect(await pair.realClient.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA')).toBe('+OK\r\n');
    pair.local.server.notifyFlags = parseNotifyFlags('KEA') as number;
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  const SCRIPT: Req[] = [
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f'], ['ZADD', 'z', 'NX', '9', 'a'], ['ZADD', 'z', 'XX', 'CH', '1', 'a'],
    ['ZADD', 'z', 'INCR', '2', 'a'], ['ZINCRBY', 'z', '0', 'a'], ['ZINCRBY', 'z', '1', 'a'], ['ZREM', 'z', 'nope'], ['ZREM', 'z', 'f'],
    ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z', '1'], ['ZPOPMAX', 'z', '0'], ['ZMPOP', '2', 'missing', 'z', 'MIN', 'COUNT', '1'],
    ['ZMPOP', '1', 'z', 'MAX', 'COUNT', '100'], ['ZMPOP', '1', 'z', 'MAX'],
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'], ['BZPOPMIN', 'missing', 'z', '0'], ['BZPOPMAX', 'z', '1'],
    ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '5'],
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'], ['ZREMRANGEBYRANK', 'z', '0', '0'], ['ZREMRANGEBYSCORE', 'z', '(2', '3'],
    ['ZREMRANGEBYLEX', 'z', '-', '+'], ['ZREMRANGEBYRANK', 'z', '0', '0'],
    ['ZADD', 'a', '1', 'x', '2', 'y'], ['ZADD', 'b', '3', 'y', '4', 'w'], ['ZUNIONSTORE', 'u', '2', 'a', 'b'], ['ZINTERSTORE', 'i', '2', 'a', 'b'],
    ['ZDIFFSTORE', 'd', '2', 'a', 'b'], ['ZRANGESTORE', 'r', 'a', '0', '0'], ['ZINTERSTORE', 'u', '1', 'missing'], ['ZDIFFSTORE', 'none', '1', 'missing'],
    ['ZRANGESTORE', 'r', 'missing', '0', '-1'], ['ZRANGE', 'a', '0', '-1'], ['ZUNION', '2', 'a', 'b'],
  ];

  test('writes replicate as the real server sends them (pops rewritten to ZPOPMIN/ZPOPMAX)', async () => {
    const tap = await ReplicaTap.attach(pair.real.port);
    const local: string[][] = [];
    const off = pair.local.server.onPropagate((_db, argv) => local.push([...argv]));
    try {
      await pair.expectSame(SCRIPT);
      await tap.waitFor(() => tap.commands.length >= local.length);
      await new Promise((r) => setTimeout(r, 50));
      expect(local).toEqual(tap.commands);
      expect(local).toContainEqual(['ZPOPMIN', 'z', '1']);
      expect(local).toContainEqual(['ZPOPMAX', 'z']);
    } finally {
      off();
      tap.close();
    }
  });

  test('blocked clients served later replicate as ZPOPMIN/ZPOPMAX with the count they got', async () => {
    const tap = await ReplicaTap.attach(pair.real.port);
    const local: string[][] = [];
    const off = pair.local.server.onPropagate((_db, argv) => local.push([...argv]));
    try {
      const one = await pair.connectBoth();
      const two = await pair.connectBoth();
      for (const [c, argv] of [[one, ['BZPOPMAX', 'k', '0']], [two, ['BZMPOP', '0', '1', 'k', 'MIN', 'COUNT', '3']]] as const) {
        c.real.write(encode(argv));
        c.local.write(encode(argv));
        await new Promise((r) => setTimeout(r, 30));
      }
      await pair.expectSame([['ZADD', 'k', '1', 'a', '2', 'b']]);
      await Promise.all([one.real.reply(), one.local.reply(), two.real.reply(), two.local.reply()]);
      await tap.waitFor(() => tap.commands.length >= local.length && tap.commands.length >= 3);
      expect(local).toEqual(tap.commands);
      expect(local).toEqual([['ZADD', 'k', '1', 'a', '2', 'b'], ['ZPOPMAX', 'k'], ['ZPOPMIN', 'k', '1']]);
    } finally {
      off();
      tap.close();
    }
  });

  test('keyspace notifications: same events, same order', async () => {
    const subscriber = await RawClient.connect(pair.real.port);
    expect(await subscriber.call('PSUBSCRIBE', '__key*__:*')).toMatch(/^\*3\r\n\$10\r\npsubscribe/);
    const local: Array<[string, string]> = [];
    const spy = jest.spyOn(pair.local.server.pubsub, 'publish').mockImplementation((channel, message) => {
      local.push([channel, message]);
      return 0;
    });
    try {
      await pair.expectSame(SCRIPT);
      const real: Array<[string, string]> = [];
      while (real.length < local.length) {
        const frame = await subscriber.reply();
        const parts = frame.split('\r\n');
        // *4 $8 pmessage $len pattern $len channel $len message
        real.push([parts[6], parts[8]]);
      }
      expect(await subscriber.silentFor(50)).toBe(true);
      expect(local).toEqual(real);
      expect(local.map(([, m]) => m)).toEqual(expect.arrayContaining(['zadd', 'zincr', 'zrem', 'zpopmin', 'zpopmax', 'zremrangebyrank',
        'zremrangebyscore', 'zremrangebylex', 'zunionstore', 'zinterstore', 'zdiffstore', 'zrangestore', 'del']));
    } finally {
      spy.mockRestore();
      subscriber.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Large sets: replies that do not depend on hash order

describe('large sorted sets against redis-server', () => {
  let pair: CompatPair;
  beforeAll(async () => {
    pair = await CompatPair.start();
  });
  afterAll(() => pair.stop());
  beforeEach(() => pair.reset());

  test('ranks and ranges over 2000 members with ties and updates', async () => {
    const setup: Req[] = [];
    for (let i = 0; i < 2000; i += 500) {
      const args: string[] = [];
      for (let j = i; j < i + 500; j++) args.push(String((j * 7919) % 97), 'member' + j);
      setup.push(['ZADD', 'big', ...args]);
    }
    setup.push(['ZADD', 'big', 'INCR', '0.5', 'member7'], ['ZREM', 'big', 'member8', 'member9'], ['ZADD', 'big', '-5', 'member10']);
    await pair.expectSame(setup);
    await pair.expectSame([
      ['ZCARD', 'big'], ['ZRANK', 'big', 'member1999'], ['ZREVRANK', 'big', 'member7'], ['ZRANGE', 'big', '1000', '1010', 'WITHSCORES'],
      ['ZRANGE', 'big', '-20', '-1'], ['ZRANGE', 'big', '(10', '20', 'BYSCORE', 'LIMIT', '30', '15'], ['ZRANGE', 'big', '50', '(40', 'BYSCORE', 'REV', 'LIMIT', '5', '7'],
      ['ZCOUNT', 'big', '(10', '20'], ['ZLEXCOUNT', 'big', '-', '+'],
      ['ZREMRANGEBYRANK', 'big', '100', '199'], ['ZREMRANGEBYSCORE', 'big', '90', '+inf'], ['ZCARD', 'big'], ['ZRANGE', 'big', '1500', '-1'],
      ['ZPOPMIN', 'big', '3'], ['ZPOPMAX', 'big', '3'], ['ZRANGESTORE', 'dst', 'big', '0', '199'], ['ZRANGE', 'dst', '195', '-1', 'WITHSCORES'],
      ['ZUNIONSTORE', 'u', '2', 'big', 'dst', 'WEIGHTS', '1', '-1'], ['ZRANGE', 'u', '0', '5', 'WITHSCORES'], ['ZINTER', '2', 'big', 'dst', 'WITHSCORES', 'AGGREGATE', 'MAX'],
      ['ZRANDMEMBER', 'big', '5000'],
    ]);
  });

  test('ZSCAN returns every member with its score (hash order normalized)', async () => {
    await pair.expectSame([['ZADD', 'big', ...members(300, 'e')], ['ZADD', 'big', '0.1', 'tenth', '1e17', 'huge', '-0', 'nz', 'inf', 'top']]);
    const scanAll = async (c: RawClient) => {
      const seen = new Map<string, string>();
      let cursor = '0';
      do {
        const reply = await c.call('ZSCAN', 'big', cursor, 'COUNT', '50');
        const parts = reply.split('\r\n');
        cursor = parts[2];
        for (let i = 5; i + 2 < parts.length; i += 4) seen.set(parts[i], parts[i + 2]);
      } while (cursor !== '0');
      return [...seen.entries()].sort();
    };
    const [real, local] = await Promise.all([scanAll(pair.realClient), scanAll(pair.localClient)]);
    expect(local.length).toBe(304);
    expect(local).toEqual(real);
    const matched = async (c: RawClient) => (await c.call('ZSCAN', 'big', '0', 'MATCH', 'e29*', 'COUNT', '1000')).split('\r\n').filter((_, i) => i >= 5 && (i - 5) % 4 === 0).sort();
    expect(await matched(pair.localClient)).toEqual(await matched(pair.realClient));
  });
});
