/**
 * The libraries Redis adds to Lua: `redis` (call, pcall, error_reply, status_reply, sha1hex, log,
 * setresp, set_repl, replicate_commands, acl_check_cmd, breakpoint, debug and the constants),
 * Lua 5.1's `error`, `cjson` and `bit` (LuaBitOp).
 */
import type { ScriptingEngine } from './engine';
import { ScriptCallError, sha1hex } from './engine';
import { Fengari, LuaState, formatLuaNumber, fromLua, lit, toLua } from './fengari';
import { redisBaseVersion } from '../commands/types';
import { formatDouble } from '../resp/reply';

type Fn = (L: LuaState) => number;

/** Opens `redis`, `cjson` and `bit` and replaces `error` with Lua 5.1's. */
export function openRedisLibraries(F: Fengari, L: LuaState, engine: ScriptingEngine): void {
  const { lua } = F;
  openRedis(F, L, engine);
  openCjson(F, L);
  openBit(F, L);
  // Lua 5.1's error adds the position to numbers too (they are strings to lua_isstring).
  lua.lua_pushjsfunction(L, (S) => {
    const level = F.lauxlib.luaL_optinteger(S, 2, 1);
    lua.lua_settop(S, 1);
    const t = lua.lua_type(S, 1);
    if ((t === lua.LUA_TSTRING || t === lua.LUA_TNUMBER) && level > 0) {
      F.lauxlib.luaL_where(S, level);
      const where = fromLua(lua.lua_tolstring(S, -1) as Uint8Array);
      const msg = toLua(where + fromLua(lua.lua_tolstring(S, 1) as Uint8Array));
      lua.lua_settop(S, 0);
      lua.lua_pushlstring(S, msg, msg.length);
    }
    return lua.lua_error(S);
  });
  lua.lua_setglobal(L, lit('error'));
  // pcall gives scripts the message of an error table ({err=...} raised by redis.call) as a
  // string, as Redis does for compatibility with scripts written before error tables.
  const wrapper = toLua(PCALL_WRAPPER);
  if (F.lauxlib.luaL_loadbufferx(L, wrapper, wrapper.length, lit('=pcall'), lit('t')) !== lua.LUA_OK) {
    throw new Error(fromLua(lua.lua_tolstring(L, -1) as Uint8Array));
  }
  lua.lua_call(L, 0, 0);
}

const PCALL_WRAPPER = `
local pcall, type, rawget = pcall, type, rawget
local function convert(ok, ...)
  if not ok then
    local e = ...
    if type(e) == 'table' and type(rawget(e, 'err')) == 'string' then return false, rawget(e, 'err') end
  end
  return ok, ...
end
_G.pcall = function(...) return convert(pcall(...)) end
`;

/** Pushes `{err=msg}`. */
function pushErrorTable(F: Fengari, L: LuaState, msg: string): void {
  const { lua } = F;
  lua.lua_createtable(L, 0, 1);
  const m = toLua(msg);
  lua.lua_pushlstring(L, m, m.length);
  lua.lua_setfield(L, -2, lit('err'));
}

/** Raises `{err=msg}` as a Lua error. */
function raise(F: Fengari, L: LuaState, msg: string): never {
  pushErrorTable(F, L, msg);
  return F.lua.lua_error(L);
}

function pushString(F: Fengari, L: LuaState, s: string): void {
  const u = toLua(s);
  F.lua.lua_pushlstring(L, u, u.length);
}

// ------------------------------------------------------------------------------------------
// redis

function openRedis(F: Fengari, L: LuaState, engine: ScriptingEngine): void {
  const { lua, lauxlib } = F;
  const server = engine.server;
  const numberStyle = server.doubleStyle;

  /** The arguments of redis.call as byte strings; throws the real server's message. */
  const readArgs = (S: LuaState): string[] => {
    const n = lua.lua_gettop(S);
    if (n === 0) throw new ScriptCallError('ERR Please specify at least one argument for this redis lib call');
    const argv = new Array<string>(n);
    for (let i = 1; i <= n; i++) {
      const t = lua.lua_type(S, i);
      if (t === lua.LUA_TSTRING) {
        argv[i - 1] = fromLua(lua.lua_tolstring(S, i) as Uint8Array);
      } else if (t === lua.LUA_TNUMBER) {
        // Redis 7.0 prints numbers with %.17g; Valkey (and Redis 7.2+) in the shortest form.
        argv[i - 1] = formatDouble(lua.lua_tonumber(S, i), numberStyle);
      } else {
        throw new ScriptCallError('ERR Lua redis lib command arguments must be strings or integers');
      }
    }
    return argv;
  };

  const callOrPcall = (raiseErrors: boolean): Fn => (S) => {
    let reply: string;
    try {
      reply = engine.call(readArgs(S));
    } catch (e) {
      if (!(e instanceof ScriptCallError)) throw e;
      pushErrorTable(F, S, e.message);
      if (raiseErrors) return lua.lua_error(S);
      return 1;
    }
    lua.lua_settop(S, 0);
    pushReply(F, S, reply, 0, engine.currentResp);
    if (raiseErrors && reply.charCodeAt(0) === 0x2d) return lua.lua_error(S);
    return 1;
  };

  const fields: Record<string, Fn> = {
    call: callOrPcall(true),
    pcall: callOrPcall(false),
    error_reply: (S) => {
      if (lua.lua_gettop(S) !== 1 || lua.lua_type(S, 1) !== lua.LUA_TSTRING) return raise(F, S, 'ERR wrong number or type of arguments');
      let msg = fromLua(lua.lua_tolstring(S, 1) as Uint8Array);
      if (msg.startsWith('-')) msg = msg.slice(1);
      pushErrorTable(F, S, msg);
      return 1;
    },
    status_reply: (S) => {
      if (lua.lua_gettop(S) !== 1 || lua.lua_type(S, 1) !== lua.LUA_TSTRING) return raise(F, S, 'ERR wrong number or type of arguments');
      lua.lua_createtable(S, 0, 1);
      lua.lua_pushvalue(S, 1);
      lua.lua_setfield(S, -2, lit('ok'));
      return 1;
    },
    sha1hex: (S) => {
      if (lua.lua_gettop(S) !== 1) return raise(F, S, 'ERR wrong number of arguments');
      const s = lua.lua_tolstring(S, 1);
      pushString(F, S, sha1hex(s === null ? '' : fromLua(s)));
      return 1;
    },
    log: (S) => {
      const n = lua.lua_gettop(S);
      if (n < 2) return raise(F, S, 'ERR redis.log() requires two arguments or more.');
      if (lua.lua_type(S, 1) !== lua.LUA_TNUMBER) return raise(F, S, 'ERR First argument must be a number (log level).');
      const level = lua.lua_tonumber(S, 1);
      if (level < 0 || level > 3) return raise(F, S, 'ERR Invalid debug level.');
      let msg = '';
      for (let i = 2; i <= n; i++) {
        const s = lua.lua_tolstring(S, i);
        if (s === null) continue;
        if (msg.length > 0) msg += ' ';
        msg += fromLua(s);
      }
      server.log(`[lua:${LOG_LEVELS[Math.trunc(level)]}] ${msg}`);
      return 0;
    },
    setresp: (S) => {
      if (lua.lua_gettop(S) !== 1) return raise(F, S, 'ERR redis.setresp() requires one argument.');
      const resp = lua.lua_tonumber(S, 1);
      if (resp !== 2 && resp !== 3) return raise(F, S, 'ERR RESP version must be 2 or 3.');
      engine.setResp(resp);
      return 0;
    },
    set_repl: (S) => {
      if (lua.lua_gettop(S) !== 1) return raise(F, S, 'ERR redis.set_repl() requires one argument.');
      const flags = lua.lua_tonumber(S, 1);
      if (!Number.isInteger(flags) || flags < 0 || flags > 3) {
        return raise(F, S, 'ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
      }
      return 0;
    },
    replicate_commands: (S) => {
      lua.lua_pushboolean(S, true);
      return 1;
    },
    breakpoint: (S) => {
      lua.lua_pushboolean(S, false);
      return 1;
    },
    debug: () => 0,
    acl_check_cmd: (S) => {
      const n = lua.lua_gettop(S);
      if (n === 0) return raise(F, S, 'ERR Please specify at least one argument for this redis lib call');
      let argv: string[];
      try {
        argv = readArgs(S);
      } catch (e) {
        return raise(F, S, (e as ScriptCallError).message);
      }
      let cmd = server.lookupCommand(argv[0]);
      if (cmd?.subcommands !== undefined && argv.length >= 2) cmd = cmd.subcommands.get(argv[1].toLowerCase());
      if (cmd === undefined) return raise(F, S, 'ERR Invalid command passed to redis.acl_check_cmd()');
      const user = engine.scriptClient.user;
      lua.lua_pushboolean(S, user.allowsAll || user.permits(cmd, argv) === null);
      return 1;
    },
  };

  lua.lua_createtable(L, 0, 32);
  for (const [name, fn] of Object.entries(fields)) {
    lua.lua_pushjsfunction(L, fn);
    lua.lua_setfield(L, -2, lit(name));
  }
  const version = redisBaseVersion(server);
  const [major, minor, patch] = version.split('.').map(Number);
  pushString(F, L, version);
  lua.lua_setfield(L, -2, lit('REDIS_VERSION'));
  lua.lua_pushnumber(L, (major << 16) | (minor << 8) | patch);
  lua.lua_setfield(L, -2, lit('REDIS_VERSION_NUM'));
  const constants: Record<string, number> = {
    LOG_DEBUG: 0,
    LOG_VERBOSE: 1,
    LOG_NOTICE: 2,
    LOG_WARNING: 3,
    REPL_NONE: 0,
    REPL_AOF: 1,
    REPL_SLAVE: 2,
    REPL_REPLICA: 2,
    REPL_ALL: 3,
  };
  for (const [name, value] of Object.entries(constants)) {
    lua.lua_pushnumber(L, value);
    lua.lua_setfield(L, -2, lit(name));
  }
  lua.lua_setglobal(L, lit('redis'));
  void lauxlib;
}

const LOG_LEVELS = ['debug', 'verbose', 'notice', 'warning'];

/**
 * Pushes a reply (RESP2 or RESP3 bytes) as the Lua value Redis converts it to; returns the offset
 * after it.
 */
export function pushReply(F: Fengari, L: LuaState, s: string, pos: number, resp: 2 | 3): number {
  const { lua } = F;
  const type = s.charCodeAt(pos);
  const eol = s.indexOf('\r\n', pos);
  const line = s.slice(pos + 1, eol);
  let next = eol + 2;
  lua.lua_checkstack(L, 4);
  switch (type) {
    case 0x2b: // + status
      lua.lua_createtable(L, 0, 1);
      pushString(F, L, line);
      lua.lua_setfield(L, -2, lit('ok'));
      return next;
    case 0x2d: // - error (already counted in the error statistics)
      pushErrorTable(F, L, line);
      lua.lua_pushboolean(L, true);
      lua.lua_setfield(L, -2, lit('ignore_error_stats_update'));
      return next;
    case 0x3a: // : integer
      lua.lua_pushnumber(L, Number(line));
      return next;
    case 0x24: { // $ bulk
      const len = Number(line);
      if (len < 0) {
        lua.lua_pushboolean(L, false);
        return next;
      }
      pushString(F, L, s.slice(next, next + len));
      return next + len + 2;
    }
    case 0x2a: case 0x3e: { // * array, > push
      const n = Number(line);
      if (n < 0) {
        lua.lua_pushboolean(L, false);
        return next;
      }
      lua.lua_createtable(L, n, 0);
      for (let i = 1; i <= n; i++) {
        next = pushReply(F, L, s, next, resp);
        lua.lua_rawseti(L, -2, i);
      }
      return next;
    }
    case 0x5f: // _ null
      lua.lua_pushnil(L);
      return next;
    case 0x23: // # boolean
      lua.lua_pushboolean(L, line === 't');
      return next;
    case 0x2c: { // , double
      lua.lua_createtable(L, 0, 1);
      lua.lua_pushnumber(L, parseDouble(line));
      lua.lua_setfield(L, -2, lit('double'));
      return next;
    }
    case 0x28: // ( big number
      lua.lua_createtable(L, 0, 1);
      pushString(F, L, line);
      lua.lua_setfield(L, -2, lit('big_number'));
      return next;
    case 0x3d: { // = verbatim
      const len = Number(line);
      const body = s.slice(next, next + len);
      lua.lua_createtable(L, 0, 1);
      lua.lua_createtable(L, 0, 2);
      pushString(F, L, body.slice(0, 3));
      lua.lua_setfield(L, -2, lit('format'));
      pushString(F, L, body.slice(4));
      lua.lua_setfield(L, -2, lit('string'));
      lua.lua_setfield(L, -2, lit('verbatim_string'));
      return next + len + 2;
    }
    case 0x25: case 0x7e: { // % map, ~ set
      const n = Number(line);
      const isMap = type === 0x25;
      lua.lua_createtable(L, 0, 1);
      lua.lua_createtable(L, 0, n);
      for (let i = 0; i < n; i++) {
        next = pushReply(F, L, s, next, resp);
        if (isMap) next = pushReply(F, L, s, next, resp);
        else lua.lua_pushboolean(L, true);
        lua.lua_settable(L, -3);
      }
      lua.lua_setfield(L, -2, lit(isMap ? 'map' : 'set'));
      return next;
    }
    case 0x7c: { // | attribute: skipped, the value follows
      const n = Number(line);
      for (let i = 0; i < 2 * n; i++) {
        next = pushReply(F, L, s, next, resp);
        lua.lua_pop(L, 1);
      }
      return pushReply(F, L, s, next, resp);
    }
    default:
      lua.lua_pushnil(L);
      return s.length;
  }
}

function parseDouble(s: string): number {
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'nan' || s === '-nan') return NaN;
  return Number(s);
}

// ------------------------------------------------------------------------------------------
// cjson

const JSON_NULL = { cjsonNull: true };
const MAX_DEPTH = 1000;

function openCjson(F: Fengari, L: LuaState): void {
  const { lua, lauxlib } = F;
  const encode = (S: LuaState, idx: number, depth: number): string => {
    switch (lua.lua_type(S, idx)) {
      case lua.LUA_TSTRING: return jsonString(fromLua(lua.lua_tolstring(S, idx) as Uint8Array));
      case lua.LUA_TNUMBER: {
        const d = lua.lua_tonumber(S, idx);
        if (!Number.isFinite(d)) return lauxlib.luaL_error(S, lit('Cannot serialise number: must not be NaN or Inf'));
        return formatLuaNumber(d);
      }
      case lua.LUA_TBOOLEAN: return lua.lua_toboolean(S, idx) ? 'true' : 'false';
      case lua.LUA_TNIL: return 'null';
      case lua.LUA_TLIGHTUSERDATA:
        if (lua.lua_touserdata(S, idx) === JSON_NULL) return 'null';
        break;
      case lua.LUA_TTABLE: return encodeTable(S, lua.lua_absindex(S, idx), depth + 1);
    }
    const tname = fromLua(lauxlib.luaL_typename(S, idx));
    return lauxlib.luaL_error(S, toLua(`Cannot serialise ${tname}: type not supported`));
  };
  const encodeTable = (S: LuaState, idx: number, depth: number): string => {
    if (depth > MAX_DEPTH) return lauxlib.luaL_error(S, toLua(`Cannot serialise, excessive nesting (${depth})`));
    lauxlib.luaL_checkstack(S, 6, null);
    // An array when every key is a positive integer (and the array is not excessively sparse).
    let max = 0;
    let items = 0;
    let isArray = true;
    lua.lua_pushnil(S);
    while (lua.lua_next(S, idx)) {
      lua.lua_pop(S, 1);
      if (lua.lua_type(S, -1) === lua.LUA_TNUMBER) {
        const k = lua.lua_tonumber(S, -1);
        if (Number.isInteger(k) && k >= 1) {
          if (k > max) max = k;
          items++;
          continue;
        }
      }
      isArray = false;
    }
    if (isArray && max > 0) {
      if (max > items * 2 && max > 10) return lauxlib.luaL_error(S, lit('Cannot serialise table: excessively sparse array'));
      let out = '[';
      for (let i = 1; i <= max; i++) {
        if (i > 1) out += ',';
        lua.lua_rawgeti(S, idx, i);
        out += encode(S, -1, depth);
        lua.lua_pop(S, 1);
      }
      return out + ']';
    }
    let out = '{';
    let first = true;
    lua.lua_pushnil(S);
    while (lua.lua_next(S, idx)) {
      const kt = lua.lua_type(S, -2);
      let key: string;
      if (kt === lua.LUA_TSTRING) key = fromLua(lua.lua_tolstring(S, -2) as Uint8Array);
      else if (kt === lua.LUA_TNUMBER) key = formatLuaNumber(lua.lua_tonumber(S, -2));
      else return lauxlib.luaL_error(S, lit('Cannot serialise table: table key must be a number or string'));
      if (!first) out += ',';
      first = false;
      out += jsonString(key) + ':' + encode(S, -1, depth);
      lua.lua_pop(S, 1);
    }
    return out + '}';
  };

  lua.lua_createtable(L, 0, 8);
  const fields: Record<string, Fn> = {
    encode: (S) => {
      if (lua.lua_gettop(S) !== 1) return lauxlib.luaL_argerror(S, 1, lit('expected 1 argument'));
      pushString(F, S, encode(S, 1, 0));
      return 1;
    },
    decode: (S) => {
      if (lua.lua_gettop(S) !== 1) return lauxlib.luaL_argerror(S, 1, lit('expected 1 argument'));
      const text = fromLua(lauxlib.luaL_checklstring(S, 1));
      new JsonDecoder(F, S, text).decodeTop();
      return 1;
    },
  };
  for (const [name, fn] of Object.entries(fields)) {
    lua.lua_pushjsfunction(L, fn);
    lua.lua_setfield(L, -2, lit(name));
  }
  // Settings functions: accepted, the defaults stay (they only return the current values).
  for (const [name, values] of Object.entries(CJSON_SETTINGS)) {
    lua.lua_pushjsfunction(L, (S) => {
      for (const v of values) {
        if (typeof v === 'number') lua.lua_pushnumber(S, v);
        else if (typeof v === 'boolean') lua.lua_pushboolean(S, v);
        else pushString(F, S, v);
      }
      return values.length;
    });
    lua.lua_setfield(L, -2, lit(name));
  }
  lua.lua_pushlightuserdata(L, JSON_NULL);
  lua.lua_setfield(L, -2, lit('null'));
  lua.lua_setglobal(L, lit('cjson'));
}

const CJSON_SETTINGS: Record<string, ReadonlyArray<number | boolean | string>> = {
  encode_sparse_array: [false, 2, 10],
  encode_max_depth: [MAX_DEPTH],
  decode_max_depth: [MAX_DEPTH],
  encode_number_precision: [14],
  encode_keep_buffer: [true],
  encode_invalid_numbers: [false],
  decode_invalid_numbers: [true],
};

/** A JSON string as lua-cjson writes it (it escapes `/` too). */
function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x22: out += '\\"'; break;
      case 0x5c: out += '\\\\'; break;
      case 0x2f: out += '\\/'; break;
      case 0x08: out += '\\b'; break;
      case 0x0c: out += '\\f'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      default:
        out += c < 0x20 || c === 0x7f ? '\\u' + c.toString(16).padStart(4, '0') : s[i];
    }
  }
  return out + '"';
}

/** lua-cjson's decoder: pushes the value; errors name the token and its position as cjson does. */
class JsonDecoder {
  private pos = 0;
  private depth = 0;
  constructor(private readonly F: Fengari, private readonly L: LuaState, private readonly s: string) {}

  public decodeTop(): void {
    this.value();
    this.ws();
    if (this.pos < this.s.length) this.fail('the end', this.tokenName());
  }

  private ws(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  private fail(expected: string, found: string): never {
    return this.F.lauxlib.luaL_error(this.L, toLua(`Expected ${expected} but found ${found} at character ${this.pos + 1}`));
  }

  private tokenName(): string {
    const c = this.s[this.pos];
    if (c === undefined) return 'T_END';
    if (c === '{') return 'T_OBJ_BEGIN';
    if (c === '}') return 'T_OBJ_END';
    if (c === '[') return 'T_ARR_BEGIN';
    if (c === ']') return 'T_ARR_END';
    if (c === ',') return 'T_COMMA';
    if (c === ':') return 'T_COLON';
    if (c === '"') return 'T_STRING';
    if (c === '-' || (c >= '0' && c <= '9')) return 'T_NUMBER';
    if (this.s.startsWith('true', this.pos) || this.s.startsWith('false', this.pos)) return 'T_BOOLEAN';
    if (this.s.startsWith('null', this.pos)) return 'T_NULL';
    return 'invalid token';
  }

  private value(): void {
    const { lua } = this.F;
    const L = this.L;
    const s = this.s;
    this.ws();
    const c = s[this.pos];
    lua.lua_checkstack(L, 4);
    if (c === '{' || c === '[') {
      if (++this.depth > MAX_DEPTH) {
        this.F.lauxlib.luaL_error(L, toLua(`Found too many nested data structures (${this.depth}) at character ${this.pos + 1}`));
      }
      this.pos++;
      lua.lua_newtable(L);
      if (c === '[') this.array();
      else this.object();
      this.depth--;
      return;
    }
    if (c === '"') {
      pushString(this.F, L, this.string());
      return;
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(s.slice(this.pos, this.pos + 400));
    if (m !== null && m[0] !== '-') {
      lua.lua_pushnumber(L, Number(m[0]));
      this.pos += m[0].length;
      return;
    }
    for (const [word, push] of [['true', () => lua.lua_pushboolean(L, true)], ['false', () => lua.lua_pushboolean(L, false)], ['null', () => lua.lua_pushlightuserdata(L, JSON_NULL)]] as const) {
      if (s.startsWith(word, this.pos)) {
        push();
        this.pos += word.length;
        return;
      }
    }
    this.fail('value', this.tokenName());
  }

  private array(): void {
    const { lua } = this.F;
    this.ws();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (let i = 1; ; i++) {
      this.value();
      lua.lua_rawseti(this.L, -2, i);
      this.ws();
      const c = this.s[this.pos];
      if (c === ']') {
        this.pos++;
        return;
      }
      if (c !== ',') this.fail('comma or array end', this.tokenName());
      this.pos++;
    }
  }

  private object(): void {
    const { lua } = this.F;
    this.ws();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.s[this.pos] !== '"') this.fail('object key string', this.tokenName());
      pushString(this.F, this.L, this.string());
      this.ws();
      if (this.s[this.pos] !== ':') this.fail('colon', this.tokenName());
      this.pos++;
      this.value();
      lua.lua_rawset(this.L, -3);
      this.ws();
      const c = this.s[this.pos];
      if (c === '}') {
        this.pos++;
        return;
      }
      if (c !== ',') this.fail('comma or object end', this.tokenName());
      this.pos++;
    }
  }

  /** A string token (the opening quote at pos), unescaped to bytes (\u escapes as UTF-8). */
  private string(): string {
    const s = this.s;
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= s.length) {
        this.pos = start;
        return this.fail('value', 'invalid token');
      }
      const c = s[this.pos++];
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = s[this.pos++];
      switch (e) {
        case '"': case '\\': case '/': out += e; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = s.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.pos = start;
            return this.fail('value', 'invalid token');
          }
          this.pos += 4;
          let cp = parseInt(hex, 16);
          if (cp >= 0xd800 && cp < 0xdc00 && s[this.pos] === '\\' && s[this.pos + 1] === 'u') {
            const low = parseInt(s.slice(this.pos + 2, this.pos + 6), 16);
            if (low >= 0xdc00 && low < 0xe000) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
              this.pos += 6;
            }
          }
          out += Buffer.from(String.fromCodePoint(cp), 'utf8').toString('latin1');
          break;
        }
        default:
          this.pos = start;
          return this.fail('value', 'invalid token');
      }
    }
  }
}

// ------------------------------------------------------------------------------------------
// bit (LuaBitOp)

/** LuaBitOp's number normalization: round to an integer (half to even), keep the low 32 bits. */
export function tobit(d: number): number {
  if (!Number.isFinite(d)) return 0;
  let r = Math.round(d);
  if (Math.abs(d % 1) === 0.5 && r % 2 !== 0) r -= 1;
  if (Math.abs(r) <= 0x7fffffff) return r | 0;
  return Number(BigInt.asIntN(32, BigInt(r)));
}

function openBit(F: Fengari, L: LuaState): void {
  const { lua, lauxlib } = F;
  const arg = (S: LuaState, i: number) => tobit(lauxlib.luaL_checknumber(S, i));
  const ret = (S: LuaState, n: number) => {
    lua.lua_pushnumber(S, n | 0);
    return 1;
  };
  const fold = (op: (a: number, b: number) => number): Fn => (S) => {
    let r = arg(S, 1);
    const n = lua.lua_gettop(S);
    for (let i = 2; i <= n; i++) r = op(r, arg(S, i));
    return ret(S, r);
  };
  const shift = (op: (a: number, n: number) => number): Fn => (S) => ret(S, op(arg(S, 1), arg(S, 2) & 31));
  const fields: Record<string, Fn> = {
    tobit: (S) => ret(S, arg(S, 1)),
    bnot: (S) => ret(S, ~arg(S, 1)),
    band: fold((a, b) => a & b),
    bor: fold((a, b) => a | b),
    bxor: fold((a, b) => a ^ b),
    lshift: shift((a, n) => a << n),
    rshift: shift((a, n) => a >>> n),
    arshift: shift((a, n) => a >> n),
    rol: shift((a, n) => (a << n) | (a >>> (32 - n))),
    ror: shift((a, n) => (a >>> n) | (a << (32 - n))),
    bswap: (S) => {
      const b = arg(S, 1);
      return ret(S, ((b >>> 24) & 0xff) | ((b >> 8) & 0xff00) | ((b & 0xff00) << 8) | (b << 24));
    },
    tohex: (S) => {
      const b = arg(S, 1);
      let n = lua.lua_type(S, 2) <= lua.LUA_TNIL ? 8 : arg(S, 2);
      let digits = '0123456789abcdef';
      if (n < 0) {
        n = -n;
        digits = '0123456789ABCDEF';
      }
      if (n > 8) n = 8;
      let out = '';
      let x = b;
      for (let i = 0; i < n; i++) {
        out = digits[x & 15] + out;
        x >>>= 4;
      }
      pushString(F, S, out);
      return 1;
    },
  };
  lua.lua_createtable(L, 0, 12);
  for (const [name, fn] of Object.entries(fields)) {
    lua.lua_pushjsfunction(L, fn);
    lua.lua_setfield(L, -2, lit(name));
  }
  lua.lua_setglobal(L, lit('bit'));
}
