import type { Client } from '../client';
import { Notify } from '../notify';
import type { RedisServer } from '../server';
import { is, isLongString, parseDouble, toLong } from './args';
import { keyChanged, lookupRead, lookupWrite, notify, setKey } from './keyspace';
import { parseScanArgs, scanMatches, writeScanReply } from './scan';
import { blockingTimeout } from './timeout';
import { CommandDef, Errors, ReplyError, wrongArity } from './types';
import { formatDouble, formatG } from '../resp/reply';
import { LexBound, LexRange, ScoreRange, ZNode, lexGteMin, lexLteMax } from '../store/skiplist';
import { RObject, RValue, codecFor, typeOf } from '../store/types';
import { SortedSet } from '../store/zset';
import { strtod } from '../util/strtod';

/**
 * Sorted set commands, as Redis 7.0 and Valkey 8 (or Redis 7.2+) answer them. Where the two
 * differ, the code branches on {@link modern}.
 */

const ONE_KEY = { first: 1, last: 1, step: 1 };
const NAN_ERROR = 'ERR resulting score is not a number (NaN)';
const SCORE_RANGE_ERROR = 'ERR min or max is not a float';
const LEX_RANGE_ERROR = 'ERR min or max not valid string range item';
/**
 * Engine limits of this family. `maxReplyBytes`: a ZRANDMEMBER reply with a huge negative count
 * stops growing there and the client is disconnected, where the real server would grow its output
 * buffer until the client is dropped (a JS string cannot hold more than about 512 MB).
 */
export const zsetLimits = { maxReplyBytes: 256 * 1024 * 1024 };

const modernCache = new WeakMap<RedisServer, boolean>();

/** Valkey, or Redis 7.2 and later (ZRANK WITHSCORE, re-run blocked commands, ZADD encoding hints). */
export function modern(server: RedisServer): boolean {
  let m = modernCache.get(server);
  if (m === undefined) {
    const [major, minor] = server.version.split('.').map(Number);
    m = server.engine === 'valkey' || major > 7 || (major === 7 && minor >= 2);
    modernCache.set(server, m);
  }
  return m;
}

// ------------------------------------------------------------------------------------------
// Lookups

function asZset(value: RValue): SortedSet {
  if (!(value instanceof SortedSet)) throw new ReplyError(Errors.WRONGTYPE);
  return value;
}

/** A sorted set for reading (hit/miss statistics), undefined when missing, WRONGTYPE otherwise. */
function readZset(c: Client, key: string): SortedSet | undefined {
  const value = lookupRead(c, key);
  return value === undefined ? undefined : asZset(value);
}

/** A sorted set for writing, undefined when missing, WRONGTYPE otherwise. */
function writeZset(c: Client, key: string): SortedSet | undefined {
  const value = lookupWrite(c, key);
  return value === undefined ? undefined : asZset(value);
}

// ------------------------------------------------------------------------------------------
// Argument parsing

/** A score bound as the server parses it: `(` for exclusive, then anything C's strtod takes. */
function parseScoreBound(arg: string): { value: number; exclusive: boolean } | undefined {
  const exclusive = arg.charCodeAt(0) === 40; /* ( */
  const { value, end } = strtod(arg, exclusive ? 1 : 0);
  // The server checks that strtod stopped at the end of the C string (a NUL byte ends it too).
  if ((end < arg.length && arg.charCodeAt(end) !== 0) || Number.isNaN(value)) return undefined;
  return { value, exclusive };
}

function parseScoreRange(minArg: string, maxArg: string): ScoreRange {
  const min = parseScoreBound(minArg);
  const max = parseScoreBound(maxArg);
  if (min === undefined || max === undefined) throw new ReplyError(SCORE_RANGE_ERROR);
  return { min: min.value, max: max.value, minex: min.exclusive, maxex: max.exclusive };
}

const MINUS: LexBound = { inf: -1, value: '', exclusive: true };
const PLUS: LexBound = { inf: 1, value: '', exclusive: true };

function parseLexBound(arg: string): LexBound | undefined {
  switch (arg.charCodeAt(0)) {
    case 43: /* + */
      return arg.length === 1 || arg.charCodeAt(1) === 0 ? PLUS : undefined;
    case 45: /* - */
      return arg.length === 1 || arg.charCodeAt(1) === 0 ? MINUS : undefined;
    case 40: /* ( */
      return { inf: 0, value: arg.slice(1), exclusive: true };
    case 91: /* [ */
      return { inf: 0, value: arg.slice(1), exclusive: false };
    default:
      return undefined;
  }
}

/** The first node in a member range: a walk from the head in the compact encoding, as there. */
function lexFirst(zs: SortedSet, range: LexRange): ZNode | null {
  return zs.listpack ? zs.zsl.firstInLexRangeLinear(range) : zs.zsl.firstInLexRange(range);
}

/** The last node in a member range (see {@link lexFirst}). */
function lexLast(zs: SortedSet, range: LexRange): ZNode | null {
  return zs.listpack ? zs.zsl.lastInLexRangeLinear(range) : zs.zsl.lastInLexRange(range);
}

function parseLexRange(minArg: string, maxArg: string): LexRange {
  const min = parseLexBound(minArg);
  const max = parseLexBound(maxArg);
  if (min === undefined || max === undefined) throw new ReplyError(LEX_RANGE_ERROR);
  return { min, max };
}

/**
 * A range option with the server's getRangeLongFromObjectOrReply semantics: a 64-bit integer
 * between min and max; `message` (when given) replaces both the not-an-integer and the range errors.
 */
function rangeLong(arg: string, min: bigint, max: bigint, message?: string): number {
  if (!isLongString(arg)) throw new ReplyError(message ?? Errors.NOT_INTEGER);
  const n = BigInt(arg);
  if (n < min || n > max) throw new ReplyError(message ?? `ERR value is out of range, value must between ${min} and ${max}`);
  return Number(n);
}

const LONG_MAX = 9223372036854775807n;

/** getPositiveLongFromObjectOrReply: 0..LONG_MAX. */
function positiveLong(arg: string, message = 'ERR value is out of range, must be positive'): number {
  return rangeLong(arg, 0n, LONG_MAX, message);
}

// ------------------------------------------------------------------------------------------
// Replies

/** Writes `count` nodes from `node` on, as members or member/score pairs (RESP3: nested pairs). */
function writeNodes(c: Client, node: ZNode | null, count: number, reverse: boolean, withScores: boolean): void {
  const nested = withScores && c.w.resp === 3;
  c.w.array(withScores && !nested ? count * 2 : count);
  for (let i = 0; i < count && node !== null; i++) {
    if (nested) c.w.array(2);
    c.w.bulk(node.member);
    if (withScores) c.w.double(node.score);
    node = reverse ? node.backward : node.forward;
  }
}

/** Writes a whole set in order (results of ZUNION, ZINTER, ZDIFF). */
function writeSet(c: Client, zs: SortedSet, withScores: boolean): void {
  writeNodes(c, zs.zsl.first, zs.length, false, withScores);
}

// ------------------------------------------------------------------------------------------
// ZADD / ZINCRBY

/** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]; ZINCRBY key increment member. */
function zaddGeneric(c: Client, argv: string[], incrCommand: boolean): void {
  let nx = false;
  let xx = false;
  let gt = false;
  let lt = false;
  let ch = false;
  let incr = incrCommand;
  let i = 2;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (is(a, 'NX')) nx = true;
    else if (is(a, 'XX')) xx = true;
    else if (is(a, 'CH')) ch = true;
    else if (is(a, 'INCR')) incr = true;
    else if (is(a, 'GT')) gt = true;
    else if (is(a, 'LT')) lt = true;
    else break;
  }
  const rest = argv.length - i;
  if (rest === 0 || rest % 2 !== 0) throw new ReplyError(Errors.SYNTAX);
  const pairs = rest / 2;
  if (nx && xx) throw new ReplyError('ERR XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw new ReplyError('ERR GT, LT, and/or NX options at the same time are not compatible');
  if (incr && pairs > 1) throw new ReplyError('ERR INCR option supports a single increment-element pair');

  // Every score is checked before anything changes.
  let firstScore = 0;
  let scores: number[] | null = null;
  let longest = 0;
  for (let j = 0; j < pairs; j++) {
    const d = parseDouble(argv[i + 2 * j]);
    if (d === undefined) throw new ReplyError(Errors.NOT_FLOAT);
    if (j === 0) firstScore = d;
    else (scores ??= [firstScore])[j] = d;
    const len = argv[i + 2 * j + 1].length;
    if (len > longest) longest = len;
  }

  const key = argv[1];
  const server = c.server;
  const config = server.encoding;
  let zs = writeZset(c, key);
  if (zs === undefined) {
    if (xx) {
      if (incr) c.w.nullBulk();
      else c.w.int(0);
      return;
    }
    // Redis 7.0 picks the encoding from the first member; later versions from all of them.
    const compact = modern(server)
      ? pairs <= config.zsetMaxListpackEntries && longest <= config.zsetMaxListpackValue
      : config.zsetMaxListpackEntries !== 0 && argv[i + 1].length <= config.zsetMaxListpackValue;
    zs = new SortedSet(compact);
    c.db.add(key, zs);
  } else if (zs.listpack && modern(server) && (pairs > config.zsetMaxListpackEntries || longest > config.zsetMaxListpackValue)) {
    zs.toSkiplist();
  }

  let added = 0;
  let updated = 0;
  let processed = 0;
  let lastScore = 0;
  for (let j = 0; j < pairs; j++) {
    let score = j === 0 ? firstScore : (scores as number[])[j];
    const member = argv[i + 2 * j + 1];
    const node = zs.dict.get(member);
    if (node !== undefined) {
      if (nx) continue;
      const current = node.score;
      if (incr) {
        score += current;
        if (Number.isNaN(score)) throw new ReplyError(NAN_ERROR);
      }
      if ((lt && score >= current) || (gt && score <= current)) continue;
      processed++;
      lastScore = score;
      if (score !== current) {
        zs.setScore(node, score);
        updated++;
      }
    } else if (!xx) {
      zs.add(member, score, config);
      added++;
      processed++;
      lastScore = score;
    }
  }
  if (added + updated > 0) {
    keyChanged(c, key, added + updated);
    notify(c, Notify.ZSET, incr ? 'zincr' : 'zadd', key);
  }
  if (incr) {
    if (processed > 0) c.w.double(lastScore);
    else c.w.nullBulk();
  } else {
    c.w.int(ch ? added + updated : added);
  }
}

// ------------------------------------------------------------------------------------------
// Removal

function zrem(c: Client, argv: string[]): void {
  const key = argv[1];
  const zs = writeZset(c, key);
  if (zs === undefined) {
    c.w.int(0);
    return;
  }
  let deleted = 0;
  let keyRemoved = false;
  for (let i = 2; i < argv.length; i++) {
    if (zs.delete(argv[i])) deleted++;
    if (zs.length === 0) {
      c.db.delete(key);
      keyRemoved = true;
      break;
    }
  }
  if (deleted > 0) {
    notify(c, Notify.ZSET, 'zrem', key);
    if (keyRemoved) notify(c, Notify.GENERIC, 'del', key);
    keyChanged(c, key, deleted);
  }
  c.w.int(deleted);
}

type RangeKind = 'rank' | 'score' | 'lex';

/** ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX key min max */
function zremrange(kind: RangeKind): (c: Client, argv: string[]) => void {
  const event = kind === 'rank' ? 'zremrangebyrank' : kind === 'score' ? 'zremrangebyscore' : 'zremrangebylex';
  return (c, argv) => {
    let start = 0;
    let end = 0;
    let scoreRange: ScoreRange | undefined;
    let lexRange: LexRange | undefined;
    if (kind === 'rank') {
      start = toLong(argv[2]);
      end = toLong(argv[3]);
    } else if (kind === 'score') {
      scoreRange = parseScoreRange(argv[2], argv[3]);
    } else {
      lexRange = parseLexRange(argv[2], argv[3]);
    }
    const key = argv[1];
    const zs = writeZset(c, key);
    if (zs === undefined) {
      c.w.int(0);
      return;
    }
    const forget = (node: ZNode) => zs.forget(node);
    let deleted: number;
    if (kind === 'rank') {
      const length = zs.length;
      if (start < 0) start += length;
      if (end < 0) end += length;
      if (start < 0) start = 0;
      if (start > end || start >= length) {
        c.w.int(0);
        return;
      }
      if (end >= length) end = length - 1;
      deleted = zs.zsl.deleteRankRange(start + 1, end + 1, forget);
    } else if (kind === 'score') {
      deleted = zs.zsl.deleteScoreRange(scoreRange as ScoreRange, forget);
    } else if (zs.listpack) {
      const range = lexRange as LexRange;
      const from = zs.zsl.firstInLexRangeLinear(range);
      deleted = from === null ? 0 : zs.zsl.deleteFrom(from, (node) => lexLteMax(node.member, range), forget);
    } else {
      deleted = zs.zsl.deleteLexRange(lexRange as LexRange, forget);
    }
    if (deleted > 0) {
      const removed = zs.length === 0;
      if (removed) c.db.delete(key);
      keyChanged(c, key, deleted);
      notify(c, Notify.ZSET, event, key);
      if (removed) notify(c, Notify.GENERIC, 'del', key);
    }
    c.w.int(deleted);
  };
}

// ------------------------------------------------------------------------------------------
// Reads

function zcard(c: Client, argv: string[]): void {
  c.w.int(readZset(c, argv[1])?.length ?? 0);
}

function zscore(c: Client, argv: string[]): void {
  const score = readZset(c, argv[1])?.score(argv[2]);
  if (score === undefined) c.w.nullBulk();
  else c.w.double(score);
}

function zmscore(c: Client, argv: string[]): void {
  const zs = readZset(c, argv[1]);
  c.w.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = zs?.score(argv[i]);
    if (score === undefined) c.w.nullBulk();
    else c.w.double(score);
  }
}

/** ZRANK / ZREVRANK key member [WITHSCORE] (WITHSCORE from Redis 7.2 / Valkey). */
function zrank(reverse: boolean): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    // Redis 7.0's arity is 3 (the table refuses WITHSCORE there).
    if (argv.length > 4) throw new ReplyError(wrongArity(reverse ? 'zrevrank' : 'zrank'));
    let withScore = false;
    if (argv.length === 4) {
      if (!is(argv[3], 'WITHSCORE')) throw new ReplyError(Errors.SYNTAX);
      withScore = true;
    }
    const zs = readZset(c, argv[1]);
    const node = zs?.dict.get(argv[2]);
    if (zs === undefined || node === undefined) {
      if (withScore) c.w.nullArray();
      else c.w.nullBulk();
      return;
    }
    const rank = zs.zsl.rank(node.score, node.member);
    if (withScore) c.w.array(2);
    c.w.int(reverse ? zs.length - rank : rank - 1);
    if (withScore) c.w.double(node.score);
  };
}

function zcount(c: Client, argv: string[]): void {
  const range = parseScoreRange(argv[2], argv[3]);
  const zs = readZset(c, argv[1]);
  if (zs === undefined) {
    c.w.int(0);
    return;
  }
  if (zs.zsl.firstInScoreRange(range) === null) {
    c.w.int(0);
    return;
  }
  const first = zs.zsl.foundRank;
  zs.zsl.lastInScoreRange(range);
  c.w.int(zs.zsl.foundRank - first + 1);
}

function zlexcount(c: Client, argv: string[]): void {
  const range = parseLexRange(argv[2], argv[3]);
  const zs = readZset(c, argv[1]);
  if (zs === undefined) {
    c.w.int(0);
    return;
  }
  if (zs.listpack) {
    // The compact encoding counts by walking from the first node in range.
    let n = 0;
    for (let node = zs.zsl.firstInLexRangeLinear(range); node !== null && lexLteMax(node.member, range); node = node.forward) n++;
    c.w.int(n);
    return;
  }
  if (zs.zsl.firstInLexRange(range) === null) {
    c.w.int(0);
    return;
  }
  const first = zs.zsl.foundRank;
  zs.zsl.lastInLexRange(range);
  c.w.int(zs.zsl.foundRank - first + 1);
}

// ------------------------------------------------------------------------------------------
// ZRANGE family

type Direction = 'auto' | 'forward' | 'reverse';

/**
 * ZRANGE, ZRANGESTORE and the older ZREVRANGE / Z[REV]RANGEBYSCORE / Z[REV]RANGEBYLEX.
 * `keyIndex` is the source key's position; `dst` is ZRANGESTORE's destination.
 */
function zrangeGeneric(c: Client, argv: string[], keyIndex: number, dst: string | null, kindArg: RangeKind | 'auto', directionArg: Direction): void {
  let kind = kindArg;
  let direction = directionArg;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = keyIndex + 3; j < argv.length; j++) {
    const a = argv[j];
    const left = argv.length - j - 1;
    if (dst === null && is(a, 'WITHSCORES')) {
      withScores = true;
    } else if (is(a, 'LIMIT') && left >= 2) {
      offset = toLong(argv[j + 1]);
      limit = toLong(argv[j + 2]);
      j += 2;
    } else if (direction === 'auto' && is(a, 'REV')) {
      direction = 'reverse';
    } else if (kind === 'auto' && is(a, 'BYLEX')) {
      kind = 'lex';
    } else if (kind === 'auto' && is(a, 'BYSCORE')) {
      kind = 'score';
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  }
  if (direction === 'auto') direction = 'forward';
  if (kind === 'auto') kind = 'rank';
  if (limit !== -1 && kind === 'rank') throw new ReplyError('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withScores && kind === 'lex') throw new ReplyError('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  const reverse = direction === 'reverse';
  let minArg = argv[keyIndex + 1];
  let maxArg = argv[keyIndex + 2];
  if (reverse && kind !== 'rank') [minArg, maxArg] = [maxArg, minArg];

  let start = 0;
  let end = 0;
  let scoreRange: ScoreRange | undefined;
  let lexRange: LexRange | undefined;
  if (kind === 'rank') {
    start = toLong(minArg);
    end = toLong(maxArg);
  } else if (kind === 'score') {
    scoreRange = parseScoreRange(minArg, maxArg);
  } else {
    lexRange = parseLexRange(minArg, maxArg);
  }

  const zs = readZset(c, argv[keyIndex]);
  // The selection: `count` nodes from `first`, walking forward or backward.
  let first: ZNode | null = null;
  let count = 0;
  if (zs !== undefined) {
    const zsl = zs.zsl;
    if (kind === 'rank') {
      const length = zs.length;
      if (start < 0) start += length;
      if (end < 0) end += length;
      if (start < 0) start = 0;
      if (start <= end && start < length) {
        if (end >= length) end = length - 1;
        count = end - start + 1;
        first = reverse ? zsl.byRank(length - start) : zsl.byRank(start + 1);
      }
    } else if (kind === 'score') {
      // Ranks of the first and last nodes in range give the size of the selection at once.
      let low = 0;
      let high = 0;
      if (zsl.firstInScoreRange(scoreRange as ScoreRange) !== null) {
        low = zsl.foundRank;
        zsl.lastInScoreRange(scoreRange as ScoreRange);
        high = zsl.foundRank;
      }
      // A negative offset selects nothing; a negative limit means no limit.
      if (low > 0 && offset >= 0 && offset <= high - low) {
        const available = high - low + 1 - offset;
        count = limit < 0 ? available : Math.min(limit, available);
        if (count > 0) first = zsl.byRank(reverse ? high - offset : low + offset);
      }
    } else {
      // By member: find the starting node, skip the offset, then walk while in range (members
      // with different scores need not be in member order, so ranks cannot be trusted here).
      const range = lexRange as LexRange;
      let node = reverse ? lexLast(zs, range) : lexFirst(zs, range);
      if (node !== null && offset > 0) {
        if (zs.listpack) {
          for (let k = 0; k < offset && node !== null; k++) node = reverse ? node.backward : node.forward;
        } else {
          const rank = zsl.foundRank + (reverse ? -offset : offset);
          node = rank >= 1 ? zsl.byRank(rank) : null;
        }
      }
      if (offset >= 0) {
        first = node;
        while (node !== null && (limit < 0 || count < limit) && (reverse ? lexGteMin(node.member, range) : lexLteMax(node.member, range))) {
          count++;
          node = reverse ? node.backward : node.forward;
        }
      }
    }
  }

  if (dst === null) {
    writeNodes(c, first, count, reverse, withScores);
    return;
  }
  // ZRANGESTORE: the destination starts compact unless the rank range is known to be too long.
  const config = c.server.encoding;
  const compact = !(kind === 'rank' && count > config.zsetMaxListpackEntries);
  const result = new SortedSet(compact);
  let node = first;
  for (let i = 0; i < count && node !== null; i++) {
    result.add(node.member, node.score, config);
    node = reverse ? node.backward : node.forward;
  }
  storeResult(c, dst, result, 'zrangestore');
}

/**
 * Stores a computed set at `dst` (replacing any value and TTL), or deletes `dst` when the result
 * is empty; replies with the result's size.
 */
function storeResult(c: Client, dst: string, result: SortedSet, event: string): void {
  if (result.length > 0) {
    lookupWrite(c, dst); // an expired destination goes first, as the real server's setKey does
    setKey(c, dst, result);
    c.w.int(result.length);
    notify(c, Notify.ZSET, event, dst);
    return;
  }
  c.w.int(0);
  if (c.db.delete(dst)) {
    keyChanged(c, dst);
    notify(c, Notify.GENERIC, 'del', dst);
  }
}

// ------------------------------------------------------------------------------------------
// ZUNION / ZINTER / ZDIFF (+STORE), ZINTERCARD

type SetOp = 'union' | 'inter' | 'diff';

/** One input of a set operation: a sorted set, a plain set (every score 1) or a missing key. */
class OpSource {
  public weight = 1;
  private membership: Set<string> | null = null;

  constructor(
    public readonly value: RObject | null,
    public readonly zset: SortedSet | null,
    public readonly members: readonly string[] | null,
  ) {}

  public get size(): number {
    return this.zset !== null ? this.zset.length : this.members !== null ? this.members.length : 0;
  }

  /** The member's score in this input, or undefined. */
  public find(member: string): number | undefined {
    if (this.zset !== null) return this.zset.score(member);
    if (this.members === null) return undefined;
    this.membership ??= new Set(this.members);
    return this.membership.has(member) ? 1 : undefined;
  }

  /** Calls `visit` for every element; stops when it returns false. */
  public forEach(visit: (member: string, score: number) => boolean | void): void {
    if (this.zset !== null) {
      for (let node = this.zset.zsl.first; node !== null; node = node.forward) {
        if (visit(node.member, node.score) === false) return;
      }
    } else if (this.members !== null) {
      for (const member of this.members) if (visit(member, 1) === false) return;
    }
  }
}

/** Members of a plain set value, through the set type's codec. */
function plainSetMembers(value: RObject): string[] {
  const codec = codecFor('set');
  if (codec === undefined) throw new ReplyError(Errors.WRONGTYPE);
  return codec.sortElements?.(value) ?? codec.dump(value);
}

function aggregateInto(target: number, value: number, aggregate: number): number {
  if (aggregate === AGGREGATE_SUM) {
    const sum = target + value;
    // inf + -inf: the convention is 0.
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (aggregate === AGGREGATE_MIN) return value < target ? value : target;
  return value > target ? value : target;
}

const AGGREGATE_SUM = 0;
const AGGREGATE_MIN = 1;
const AGGREGATE_MAX = 2;

/**
 * ZUNION/ZINTER/ZDIFF numkeys key... [WEIGHTS w...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES],
 * their STORE forms (destination first) and ZINTERCARD numkeys key... [LIMIT n].
 */
function setOperation(c: Client, argv: string[], dst: string | null, numkeysIndex: number, op: SetOp, cardinalityOnly: boolean): void {
  const name = c.lastCommand?.fullName ?? argv[0].toLowerCase();
  const setnum = toLong(argv[numkeysIndex]);
  if (setnum < 1) throw new ReplyError(`ERR at least 1 input key is needed for '${name}' command`);
  if (setnum > argv.length - (numkeysIndex + 1)) throw new ReplyError(Errors.SYNTAX);

  const sources: OpSource[] = [];
  let j = numkeysIndex + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const value = lookupRead(c, argv[j]);
    if (value === undefined) {
      sources.push(new OpSource(null, null, null));
      continue;
    }
    const type = typeOf(value);
    if (type === 'zset') sources.push(new OpSource(value as RObject, value as SortedSet, null));
    else if (type === 'set') sources.push(new OpSource(value as RObject, null, plainSetMembers(value as RObject)));
    else throw new ReplyError(Errors.WRONGTYPE);
  }

  let aggregate = AGGREGATE_SUM;
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const a = argv[j];
    if (op !== 'diff' && !cardinalityOnly && remaining >= setnum + 1 && is(a, 'WEIGHTS')) {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = parseDouble(argv[j]);
        if (w === undefined) throw new ReplyError('ERR weight value is not a float');
        sources[i].weight = w;
      }
    } else if (op !== 'diff' && !cardinalityOnly && remaining >= 2 && is(a, 'AGGREGATE')) {
      const mode = argv[j + 1];
      if (is(mode, 'SUM')) aggregate = AGGREGATE_SUM;
      else if (is(mode, 'MIN')) aggregate = AGGREGATE_MIN;
      else if (is(mode, 'MAX')) aggregate = AGGREGATE_MAX;
      else throw new ReplyError(Errors.SYNTAX);
      j += 2;
    } else if (dst === null && !cardinalityOnly && is(a, 'WITHSCORES')) {
      withScores = true;
      j++;
    } else if (cardinalityOnly && remaining >= 2 && is(a, 'LIMIT')) {
      limit = positiveLong(argv[j + 1], "ERR LIMIT can't be negative");
      j += 2;
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  }

  // Smallest inputs first (a stable sort, like the server's for equal sizes).
  if (op !== 'diff') sources.sort((a, b) => a.size - b.size);

  const result = new SortedSet(false);
  let cardinality = 0;
  if (op === 'inter') {
    const base = sources[0];
    if (base.size > 0) {
      base.forEach((member, baseScore) => {
        let score = base.weight * baseScore;
        if (Number.isNaN(score)) score = 0;
        let k = 1;
        for (; k < sources.length; k++) {
          const other = sources[k];
          // The same key twice: its score is the one being iterated.
          const found = other.value === base.value ? baseScore : other.find(member);
          if (found === undefined) break;
          score = aggregateInto(score, found * other.weight, aggregate);
        }
        if (k < sources.length) return true;
        if (cardinalityOnly) {
          cardinality++;
          return !(limit > 0 && cardinality >= limit);
        }
        result.insert(member, score);
        return true;
      });
    }
  } else if (op === 'union') {
    const scores = new Map<string, number>();
    for (const source of sources) {
      source.forEach((member, value) => {
        let score = source.weight * value;
        if (Number.isNaN(score)) score = 0;
        const existing = scores.get(member);
        scores.set(member, existing === undefined ? score : aggregateInto(existing, score, aggregate));
      });
    }
    for (const [member, score] of scores) result.insert(member, score);
  } else {
    const base = sources[0];
    let sameKey = false;
    for (let k = 1; k < sources.length; k++) if (sources[k].value !== null && sources[k].value === base.value) sameKey = true;
    if (base.size > 0 && !sameKey) {
      base.forEach((member, score) => {
        for (let k = 1; k < sources.length; k++) if (sources[k].find(member) !== undefined) return;
        result.insert(member, score);
      });
    }
  }

  if (dst !== null) {
    result.compactIfFits(c.server.encoding);
    storeResult(c, dst, result, op === 'union' ? 'zunionstore' : op === 'inter' ? 'zinterstore' : 'zdiffstore');
  } else if (cardinalityOnly) {
    c.w.int(cardinality);
  } else {
    writeSet(c, result, withScores);
  }
}

/** Key positions of `numkeys key...` commands, with an optional destination before. */
function numkeysKeys(numkeysIndex: number, withDestination: boolean): (argv: readonly string[]) => number[] {
  return (argv) => {
    const n = Number(argv[numkeysIndex]);
    if (!isLongString(argv[numkeysIndex] ?? '') || n < 1 || n > argv.length - numkeysIndex - 1) return [];
    const out = withDestination ? [1] : [];
    for (let i = 0; i < n; i++) out.push(numkeysIndex + 1 + i);
    return out;
  };
}

// ------------------------------------------------------------------------------------------
// Popping

type Shape = 'pop' | 'bzpop' | 'mpop';

/**
 * Pops up to `count` elements (-1: one, without COUNT) from the lowest or highest end of a
 * non-empty set and replies in the command's shape:
 * - `pop` (ZPOPMIN/ZPOPMAX): a flat array, or in RESP3 with a count, nested pairs;
 * - `bzpop` (BZPOPMIN/BZPOPMAX): key, member, score;
 * - `mpop` (ZMPOP/BZMPOP): key, then the member/score pairs.
 */
function popElements(c: Client, key: string, zs: SortedSet, max: boolean, count: number, shape: Shape): void {
  const n = count === -1 ? 1 : Math.min(count, zs.length);
  const nested = shape === 'mpop' || (shape === 'pop' && c.w.resp === 3 && count !== -1);
  if (shape === 'pop') {
    c.w.array(nested ? n : n * 2);
  } else if (shape === 'bzpop') {
    c.w.array(n * 2 + 1);
    c.w.bulk(key);
  } else {
    c.w.array(2);
    c.w.bulk(key);
    c.w.array(n);
  }
  for (let i = 0; i < n; i++) {
    const node = (max ? zs.zsl.tail : zs.zsl.first) as ZNode;
    zs.deleteNode(node);
    if (nested) c.w.array(2);
    c.w.bulk(node.member);
    c.w.double(node.score);
  }
  keyChanged(c, key, n);
  notify(c, Notify.ZSET, max ? 'zpopmax' : 'zpopmin', key);
  if (zs.length === 0) {
    c.db.delete(key);
    notify(c, Notify.GENERIC, 'del', key);
  }
}

/** ZPOPMIN / ZPOPMAX key [count] */
function zpop(max: boolean): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    if (argv.length > 3) throw new ReplyError(Errors.SYNTAX);
    const count = argv.length === 3 ? positiveLong(argv[2]) : -1;
    const key = argv[1];
    const zs = writeZset(c, key);
    if (zs === undefined || count === 0) {
      c.w.array(0);
      return;
    }
    popElements(c, key, zs, max, count, 'pop');
  };
}

/** Parses `MIN|MAX [COUNT n]` after `numkeys key...`; returns [max, count, keys]. */
function parseMpop(argv: string[], numkeysIndex: number): [boolean, number, string[]] {
  const numkeys = rangeLong(argv[numkeysIndex], 1n, LONG_MAX, 'ERR numkeys should be greater than 0');
  const whereIndex = numkeysIndex + numkeys + 1;
  if (whereIndex >= argv.length) throw new ReplyError(Errors.SYNTAX);
  let max: boolean;
  if (is(argv[whereIndex], 'MIN')) max = false;
  else if (is(argv[whereIndex], 'MAX')) max = true;
  else throw new ReplyError(Errors.SYNTAX);
  let count = -1;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    if (count === -1 && is(argv[j], 'COUNT') && j + 1 < argv.length) {
      count = rangeLong(argv[++j], 1n, LONG_MAX, 'ERR count should be greater than 0');
    } else {
      throw new ReplyError(Errors.SYNTAX);
    }
  }
  return [max, count === -1 ? 1 : count, argv.slice(numkeysIndex + 1, whereIndex)];
}

/** ZMPOP numkeys key... MIN|MAX [COUNT n] */
function zmpop(c: Client, argv: string[]): void {
  const [max, count, keys] = parseMpop(argv, 1);
  for (const key of keys) {
    const zs = writeZset(c, key);
    if (zs === undefined) continue;
    const n = Math.min(count, zs.length);
    popElements(c, key, zs, max, count, 'mpop');
    // Replicas get the deterministic form.
    c.rewrittenArgv = [max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(n)];
    return;
  }
  c.w.nullArray();
}

/**
 * BZPOPMIN/BZPOPMAX/BZMPOP: pops from the first non-empty key, or blocks. A blocked client is
 * run again when one of its keys is created; Redis 7.0 then serves it from that key only, later
 * versions run the whole command again (keys in order), provided the key holds a sorted set.
 */
function blockingPop(c: Client, argv: string[], keys: string[], max: boolean, count: number, shape: 'bzpop' | 'mpop', timeoutMs: number): void {
  const replicate = (key: string, zs: SortedSet) => {
    const n = count === -1 ? -1 : Math.min(count, zs.length);
    c.rewrittenArgv = n === -1 ? [max ? 'ZPOPMAX' : 'ZPOPMIN', key] : [max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(n)];
  };
  if (c.reprocessing && c.servingKey !== null) {
    const ready = c.servingKey;
    const value = c.db.get(ready, c.now, false);
    if (!(value instanceof SortedSet) || value.length === 0) {
      c.server.blockOnKeys(c, c.lastCommand as NonNullable<Client['lastCommand']>, argv, keys, timeoutMs, onBlockTimeout);
      return;
    }
    if (!modern(c.server)) {
      const zs = writeZset(c, ready) as SortedSet;
      replicate(ready, zs);
      popElements(c, ready, zs, max, count, shape);
      return;
    }
  }
  for (const key of keys) {
    const zs = writeZset(c, key);
    if (zs === undefined) continue;
    replicate(key, zs);
    popElements(c, key, zs, max, count, shape);
    return;
  }
  if (!c.canBlock) {
    // Inside MULTI or a script: answered as a timeout at once.
    c.w.nullArray();
    return;
  }
  c.server.blockOnKeys(c, c.lastCommand as NonNullable<Client['lastCommand']>, argv, keys, timeoutMs, onBlockTimeout);
}

function onBlockTimeout(c: Client): void {
  c.w.nullArray();
}

/** BZPOPMIN / BZPOPMAX key [key ...] timeout */
function bzpop(max: boolean): (c: Client, argv: string[]) => void {
  return (c, argv) => {
    const timeoutMs = blockingTimeout(c, argv[argv.length - 1]);
    blockingPop(c, argv, argv.slice(1, -1), max, -1, 'bzpop', timeoutMs);
  };
}

/** BZMPOP timeout numkeys key... MIN|MAX [COUNT n] */
function bzmpop(c: Client, argv: string[]): void {
  const [max, count, keys] = parseMpop(argv, 2);
  const timeoutMs = blockingTimeout(c, argv[1]);
  blockingPop(c, argv, keys, max, count, 'mpop', timeoutMs);
}

// ------------------------------------------------------------------------------------------
// ZRANDMEMBER, ZSCAN

/** ZRANDMEMBER key [count [WITHSCORES]] */
function zrandmember(c: Client, argv: string[]): void {
  if (argv.length < 3) {
    const zs = readZset(c, argv[1]);
    if (zs === undefined) c.w.nullBulk();
    else c.w.bulk(zs.randomNode().member);
    return;
  }
  const l = rangeLong(argv[2], -LONG_MAX, LONG_MAX);
  if (argv.length > 4 || (argv.length === 4 && !is(argv[3], 'WITHSCORES'))) throw new ReplyError(Errors.SYNTAX);
  const withScores = argv.length === 4;
  if (withScores && (BigInt(argv[2]) < -LONG_MAX / 2n || BigInt(argv[2]) > LONG_MAX / 2n)) throw new ReplyError('ERR value is out of range');
  const zs = readZset(c, argv[1]);
  if (zs === undefined || l === 0) {
    c.w.array(0);
    return;
  }
  const size = zs.length;
  const nested = withScores && c.w.resp === 3;
  const emit = (node: ZNode) => {
    if (nested) c.w.array(2);
    c.w.bulk(node.member);
    if (withScores) c.w.double(node.score);
  };
  const header = (n: number) => c.w.array(withScores && !nested ? n * 2 : n);

  if (l < 0 || l === 1) {
    // With repetitions, in random order.
    const count = Math.abs(l);
    const mark = c.w.out.length;
    header(count);
    for (let i = 0; i < count; i++) {
      emit(zs.randomNode());
      if ((i & 1023) === 1023 && c.w.out.length - mark > zsetLimits.maxReplyBytes) {
        // The real server would grow its output buffer until the client is dropped.
        c.w.out = c.w.out.slice(0, mark);
        c.server.log(`Closing client ${c.id}: ZRANDMEMBER reply over ${zsetLimits.maxReplyBytes} bytes`);
        c.close();
        return;
      }
    }
    return;
  }
  if (l >= size) {
    // The whole set, walked from the highest score down as the server's set iterator does.
    header(size);
    for (let node = zs.zsl.tail; node !== null; node = node.backward) emit(node);
    return;
  }
  // Distinct members: a partial Fisher-Yates shuffle of the node positions.
  header(l);
  const picked = new Map<number, number>();
  for (let i = 0; i < l; i++) {
    const j = i + Math.floor(Math.random() * (size - i));
    const atJ = picked.get(j) ?? j;
    picked.set(j, picked.get(i) ?? i);
    emit(zs.nodeAt(atJ) as ZNode);
  }
}

/** A score as ZSCAN prints it: the real server copies it as text from its encoding. */
function scanScoreText(c: Client, zs: SortedSet, score: number): string {
  if (!zs.listpack) return Number.isFinite(score) ? formatG(score, 17) : formatDouble(score, 'g17');
  // The compact encoding holds integral scores (up to 2^62) as integers.
  if (Number.isInteger(score) && Math.abs(score) <= 4611686018427387903) return score.toFixed(0);
  return formatDouble(score, c.w.doubleStyle);
}

/** ZSCAN key cursor [MATCH pattern] [COUNT count] */
function zscan(c: Client, argv: string[]): void {
  const strtoulCursor = c.server.engine === 'redis';
  parseScanArgs(argv.slice(0, 3), 2, { strtoulCursor }); // the cursor is checked before the key
  const zs = readZset(c, argv[1]);
  if (zs === undefined) {
    writeScanReply(c, 0, []);
    return;
  }
  const options = parseScanArgs(argv, 2, { strtoulCursor });
  const out: string[] = [];
  if (zs.listpack) {
    // A compact set is returned whole, whatever the cursor and COUNT.
    for (let node = zs.zsl.first; node !== null; node = node.forward) {
      if (scanMatches(options, node.member)) out.push(node.member, scanScoreText(c, zs, node.score));
    }
    writeScanReply(c, 0, out);
    return;
  }
  // The dense node array from the top down: removals move the last node (already visited) into
  // the freed place and additions go on top, so every member present throughout is returned.
  const length = zs.length;
  let i = options.cursor === 0 ? length - 1 : Math.min(options.cursor - 1, length - 1);
  for (let visited = 0; i >= 0 && visited < options.count; i--, visited++) {
    const node = zs.nodeAt(i) as ZNode;
    if (scanMatches(options, node.member)) out.push(node.member, scanScoreText(c, zs, node.score));
  }
  writeScanReply(c, i < 0 ? 0 : i + 1, out);
}

// ------------------------------------------------------------------------------------------
// Command table

function def(name: string, arity: number, flags: CommandDef['flags'], since: string, summary: string, complexity: string, handler: CommandDef['handler'], extra: Partial<CommandDef> = {}): CommandDef {
  return { name, arity, flags, acl: ['sortedset'], keys: ONE_KEY, group: 'sorted-set', since, summary, complexity, handler, ...extra };
}

/** ZRANK/ZREVRANK took exactly key and member until Redis 7.2.0 added WITHSCORE. */
const WITHSCORE_SINCE_72: Partial<CommandDef> = { earlierArity: { before: '7.2.0', arity: 3 } };

const NUMKEYS_1 = { keys: undefined, getKeys: numkeysKeys(1, false) };
const STORE_KEYS = { getKeys: numkeysKeys(2, true) };

/** Sorted set commands. */
export const commands: CommandDef[] = [
  def('zadd', -4, ['write', 'denyoom', 'fast'], '1.2.0', 'Adds members to a sorted set or updates their scores; creates the key when missing.',
    'O(log N) per member', (c, argv) => zaddGeneric(c, argv, false)),
  def('zincrby', 4, ['write', 'denyoom', 'fast'], '1.2.0', 'Increments the score of a member of a sorted set.',
    'O(log N)', (c, argv) => zaddGeneric(c, argv, true)),
  def('zrem', -3, ['write', 'fast'], '1.2.0', 'Removes members from a sorted set; deletes the key when it becomes empty.',
    'O(M log N) for M members', zrem),
  def('zremrangebyrank', 4, ['write'], '2.0.0', 'Removes the members of a sorted set within a range of ranks.',
    'O(log N + M) for M removed members', zremrange('rank')),
  def('zremrangebyscore', 4, ['write'], '1.2.0', 'Removes the members of a sorted set within a range of scores.',
    'O(log N + M) for M removed members', zremrange('score')),
  def('zremrangebylex', 4, ['write'], '2.8.9', 'Removes the members of a sorted set within a lexicographical range.',
    'O(log N + M) for M removed members', zremrange('lex')),
  def('zcard', 2, ['readonly', 'fast'], '1.2.0', 'Returns the number of members of a sorted set.', 'O(1)', zcard),
  def('zscore', 3, ['readonly', 'fast'], '1.2.0', 'Returns the score of a member of a sorted set.', 'O(1)', zscore),
  def('zmscore', -3, ['readonly', 'fast'], '6.2.0', 'Returns the scores of several members of a sorted set.', 'O(M) for M members', zmscore),
  def('zrank', -3, ['readonly', 'fast'], '2.0.0', 'Returns the rank of a member in a sorted set, lowest score first.', 'O(log N)', zrank(false), WITHSCORE_SINCE_72),
  def('zrevrank', -3, ['readonly', 'fast'], '2.0.0', 'Returns the rank of a member in a sorted set, highest score first.', 'O(log N)', zrank(true), WITHSCORE_SINCE_72),
  def('zcount', 4, ['readonly', 'fast'], '2.0.0', 'Counts the members of a sorted set within a range of scores.', 'O(log N)', zcount),
  def('zlexcount', 4, ['readonly', 'fast'], '2.8.9', 'Counts the members of a sorted set within a lexicographical range.', 'O(log N)', zlexcount),
  def('zrange', -4, ['readonly'], '1.2.0', 'Returns members of a sorted set within a range of ranks, scores or members.',
    'O(log N + M) for M returned members', (c, argv) => zrangeGeneric(c, argv, 1, null, 'auto', 'auto')),
  def('zrangestore', -5, ['write', 'denyoom'], '6.2.0', 'Stores a range of members of a sorted set in another key.',
    'O(log N + M) for M stored members', (c, argv) => zrangeGeneric(c, argv, 2, argv[1], 'auto', 'auto'), { keys: { first: 1, last: 2, step: 1 } }),
  def('zrevrange', -4, ['readonly'], '1.2.0', 'Returns members of a sorted set within a range of ranks, highest score first.',
    'O(log N + M) for M returned members', (c, argv) => zrangeGeneric(c, argv, 1, null, 'rank', 'reverse')),
  def('zrangebyscore', -4, ['readonly'], '1.0.5', 'Returns members of a sorted set within a range of scores.',
    'O(log N + M) for M returned members', (c, argv) => zrangeGeneric(c, argv, 1, null, 'score', 'forward')),
  def('zrevrangebyscore', -4, ['readonly'], '2.2.0', 'Returns members of a sorted set within a range of scores, highest first.',
    'O(log N + M) for M returned members', (c, argv) => zrangeGeneric(c, argv, 1, null, 'score', 'reverse')),
  def('zrangebylex', -4, ['readonly'], '2.8.9', 'Returns members of a sorted set within a lexicographical range.',
    'O(log N + M) for M returned members', (c, argv) => zrangeGeneric(c, argv, 1, null, 'lex', 'forward')),
  def('zrevrangebylex', -4, ['readonly'], '2.8.9', 'Returns members of a sorted set within a lexicographical range, in reverse.',
    'O(log N + M) for M returned members', (c, argv) => zrangeGeneric(c, argv, 1, null, 'lex', 'reverse')),
  def('zunion', -3, ['readonly'], '6.2.0', 'Returns the union of sorted sets.',
    'O(N + M log M) for N input and M output members', (c, argv) => setOperation(c, argv, null, 1, 'union', false), NUMKEYS_1),
  def('zinter', -3, ['readonly'], '6.2.0', 'Returns the intersection of sorted sets.',
    'O(N K + M log M) for the smallest input N, K inputs and M output members', (c, argv) => setOperation(c, argv, null, 1, 'inter', false), NUMKEYS_1),
  def('zdiff', -3, ['readonly'], '6.2.0', 'Returns the members of the first sorted set that are in none of the others.',
    'O(L + (N-K) log N) for L input members, N in the first set and K output members', (c, argv) => setOperation(c, argv, null, 1, 'diff', false), NUMKEYS_1),
  def('zunionstore', -4, ['write', 'denyoom'], '2.0.0', 'Stores the union of sorted sets in a key.',
    'O(N + M log M) for N input and M output members', (c, argv) => setOperation(c, argv, argv[1], 2, 'union', false), STORE_KEYS),
  def('zinterstore', -4, ['write', 'denyoom'], '2.0.0', 'Stores the intersection of sorted sets in a key.',
    'O(N K + M log M) for the smallest input N, K inputs and M output members', (c, argv) => setOperation(c, argv, argv[1], 2, 'inter', false), STORE_KEYS),
  def('zdiffstore', -4, ['write', 'denyoom'], '6.2.0', 'Stores the difference of sorted sets in a key.',
    'O(L + (N-K) log N) for L input members, N in the first set and K output members', (c, argv) => setOperation(c, argv, argv[1], 2, 'diff', false), STORE_KEYS),
  def('zintercard', -3, ['readonly'], '7.0.0', 'Returns the number of members in the intersection of sorted sets.',
    'O(N K) for the smallest input N and K inputs', (c, argv) => setOperation(c, argv, null, 1, 'inter', true), NUMKEYS_1),
  def('zpopmin', -2, ['write', 'fast'], '5.0.0', 'Removes and returns the members with the lowest scores of a sorted set.',
    'O(M log N) for M popped members', zpop(false)),
  def('zpopmax', -2, ['write', 'fast'], '5.0.0', 'Removes and returns the members with the highest scores of a sorted set.',
    'O(M log N) for M popped members', zpop(true)),
  def('zmpop', -4, ['write'], '7.0.0', 'Removes and returns members with the lowest or highest scores from the first non-empty sorted set.',
    'O(K + M log N) for K keys and M popped members', zmpop, NUMKEYS_1),
  def('bzpopmin', -3, ['write', 'noscript', 'blocking', 'fast'], '5.0.0', 'Removes and returns the member with the lowest score from the first non-empty sorted set, or blocks until one is available.',
    'O(log N)', bzpop(false), { keys: { first: 1, last: -2, step: 1 } }),
  def('bzpopmax', -3, ['write', 'noscript', 'blocking', 'fast'], '5.0.0', 'Removes and returns the member with the highest score from the first non-empty sorted set, or blocks until one is available.',
    'O(log N)', bzpop(true), { keys: { first: 1, last: -2, step: 1 } }),
  def('bzmpop', -5, ['write', 'blocking'], '7.0.0', 'Removes and returns members with the lowest or highest scores from the first non-empty sorted set, or blocks until one is available.',
    'O(K + M log N) for K keys and M popped members', bzmpop, { keys: undefined, getKeys: numkeysKeys(2, false) }),
  def('zrandmember', -2, ['readonly'], '6.2.0', 'Returns random members of a sorted set.', 'O(M) for M returned members', zrandmember),
  def('zscan', -3, ['readonly'], '2.8.0', 'Iterates over the members and scores of a sorted set.', 'O(1) per call, O(N) for a full iteration', zscan),
];
