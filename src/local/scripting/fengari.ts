/**
 * The Lua virtual machine scripts run in: fengari (Lua 5.3 in JavaScript), loaded as a private
 * instance whose number handling is changed to behave as the Lua 5.1 that Redis embeds:
 *
 * - Lua 5.1 has one number type, the double. fengari's integers are 32-bit and wrap on
 *   overflow, so numerals, `tonumber` and string coercions produce floats only: arithmetic on
 *   script values never wraps (`1000000 * 1000000` is 1e12, as in Redis).
 * - Numbers print as Lua 5.1 prints them (`%.14g`: `3`, `0.1`, `1e+15`, never `3.0`).
 * - Library functions taking integers truncate fractional arguments (`string.sub(s, 1, 3.7)`),
 *   as Lua 5.1's casts do, instead of refusing them.
 * - Tables can be made read-only: Redis protects the globals and every library table.
 *
 * These changes are made by replacing functions on fengari's module objects before the modules
 * that capture them are loaded, on a copy of fengari loaded for the engine alone: an
 * application's own `require('fengari')` keeps the unchanged library.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { formatG } from '../resp/reply';

/** A Lua state (thread), opaque to the engine. */
export type LuaState = object & { readonly __luaState?: never };
/** A JS function callable from Lua: reads its arguments from the stack, returns the result count. */
export type LuaFunction = (L: LuaState) => number;
/** A Lua string: its bytes. */
export type LuaString = Uint8Array;

/** Debug information about an active function (lua_getinfo). */
export interface LuaDebug {
  source: LuaString | null;
  currentline: number;
  what: LuaString | null;
  name: LuaString | null;
}

/** The part of fengari's C-like API the engine uses (see the Lua 5.3 reference manual). */
export interface LuaApi {
  readonly LUA_OK: number;
  readonly LUA_YIELD: number;
  readonly LUA_ERRRUN: number;
  readonly LUA_ERRSYNTAX: number;
  readonly LUA_ERRMEM: number;
  readonly LUA_TNONE: number;
  readonly LUA_TNIL: number;
  readonly LUA_TBOOLEAN: number;
  readonly LUA_TLIGHTUSERDATA: number;
  readonly LUA_TNUMBER: number;
  readonly LUA_TSTRING: number;
  readonly LUA_TTABLE: number;
  readonly LUA_TFUNCTION: number;
  readonly LUA_TUSERDATA: number;
  readonly LUA_TTHREAD: number;
  readonly LUA_REGISTRYINDEX: number;
  readonly LUA_RIDX_GLOBALS: number;
  readonly LUA_MULTRET: number;
  readonly LUA_MASKCOUNT: number;
  readonly LUA_MASKLINE: number;
  readonly lua_Debug: new () => LuaDebug;
  lua_upvalueindex(i: number): number;
  lua_absindex(L: LuaState, idx: number): number;
  lua_gettop(L: LuaState): number;
  lua_settop(L: LuaState, idx: number): void;
  lua_pop(L: LuaState, n: number): void;
  lua_pushvalue(L: LuaState, idx: number): void;
  lua_remove(L: LuaState, idx: number): void;
  lua_insert(L: LuaState, idx: number): void;
  lua_replace(L: LuaState, idx: number): void;
  lua_checkstack(L: LuaState, n: number): boolean;
  lua_type(L: LuaState, idx: number): number;
  lua_typename(L: LuaState, t: number): LuaString;
  lua_toboolean(L: LuaState, idx: number): boolean;
  lua_tonumber(L: LuaState, idx: number): number;
  lua_tonumberx(L: LuaState, idx: number): number | false;
  lua_tointegerx(L: LuaState, idx: number): number | false;
  lua_tolstring(L: LuaState, idx: number): LuaString | null;
  lua_touserdata(L: LuaState, idx: number): unknown;
  lua_tothread(L: LuaState, idx: number): LuaState | null;
  lua_isstring(L: LuaState, idx: number): boolean;
  lua_isnumber(L: LuaState, idx: number): boolean;
  lua_rawequal(L: LuaState, a: number, b: number): boolean;
  lua_pushnil(L: LuaState): void;
  lua_pushnumber(L: LuaState, n: number): void;
  lua_pushboolean(L: LuaState, b: boolean | number): void;
  lua_pushlstring(L: LuaState, s: LuaString, len: number): void;
  lua_pushstring(L: LuaState, s: LuaString): void;
  lua_pushliteral(L: LuaState, s: string): void;
  lua_pushjsfunction(L: LuaState, f: LuaFunction): void;
  lua_pushjsclosure(L: LuaState, f: LuaFunction, n: number): void;
  lua_pushlightuserdata(L: LuaState, p: unknown): void;
  lua_pushthread(L: LuaState): boolean;
  lua_pushglobaltable(L: LuaState): void;
  lua_createtable(L: LuaState, narr: number, nrec: number): void;
  lua_newtable(L: LuaState): void;
  lua_newuserdata(L: LuaState, size: number): unknown;
  lua_rawget(L: LuaState, idx: number): number;
  lua_rawgeti(L: LuaState, idx: number, n: number): number;
  lua_rawset(L: LuaState, idx: number): void;
  lua_rawseti(L: LuaState, idx: number, n: number): void;
  lua_rawlen(L: LuaState, idx: number): number;
  lua_getfield(L: LuaState, idx: number, k: LuaString): number;
  lua_setfield(L: LuaState, idx: number, k: LuaString): void;
  lua_gettable(L: LuaState, idx: number): number;
  lua_settable(L: LuaState, idx: number): void;
  lua_getglobal(L: LuaState, name: LuaString): number;
  lua_setglobal(L: LuaState, name: LuaString): void;
  lua_next(L: LuaState, idx: number): boolean;
  lua_getmetatable(L: LuaState, idx: number): boolean;
  lua_setmetatable(L: LuaState, idx: number): void;
  lua_getupvalue(L: LuaState, funcindex: number, n: number): LuaString | null;
  lua_setupvalue(L: LuaState, funcindex: number, n: number): LuaString | null;
  lua_error(L: LuaState): never;
  lua_call(L: LuaState, nargs: number, nresults: number): void;
  lua_callk(L: LuaState, nargs: number, nresults: number, ctx: number, k: LuaContinuation | null): void;
  lua_pcall(L: LuaState, nargs: number, nresults: number, errfunc: number): number;
  lua_pcallk(L: LuaState, nargs: number, nresults: number, errfunc: number, ctx: number, k: LuaContinuation | null): number;
  lua_resume(L: LuaState, from: LuaState | null, nargs: number): number;
  lua_newthread(L: LuaState): LuaState;
  lua_xmove(from: LuaState, to: LuaState, n: number): void;
  lua_status(L: LuaState): number;
  lua_isyieldable(L: LuaState): boolean;
  lua_yield(L: LuaState, n: number): number;
  lua_sethook(L: LuaState, f: ((L: LuaState, ar: LuaDebug) => void) | null, mask: number, count: number): void;
  lua_getstack(L: LuaState, level: number, ar: LuaDebug): boolean;
  lua_getinfo(L: LuaState, what: LuaString, ar: LuaDebug): boolean;
}

/** A continuation of lua_callk / lua_pcallk (a JS function that can be resumed after a yield). */
export type LuaContinuation = (L: LuaState, status: number, ctx: number) => number;

/** The auxiliary library (lauxlib.h). */
export interface LauxApi {
  luaL_newstate(): LuaState;
  luaL_loadbufferx(L: LuaState, buff: LuaString, size: number, name: LuaString, mode: LuaString | null): number;
  /** `%s`, `%d`, `%f` and `%%` in the format; strings may be JS strings (ASCII) or bytes. */
  luaL_error(L: LuaState, fmt: LuaString | string, ...args: unknown[]): never;
  luaL_argerror(L: LuaState, arg: number, extramsg: LuaString | string): never;
  luaL_checkstack(L: LuaState, space: number, msg: LuaString | null): void;
  luaL_checknumber(L: LuaState, arg: number): number;
  luaL_checkinteger(L: LuaState, arg: number): number;
  luaL_checklstring(L: LuaState, arg: number): LuaString;
  luaL_checkany(L: LuaState, arg: number): void;
  luaL_checktype(L: LuaState, arg: number, t: number): void;
  luaL_optinteger(L: LuaState, arg: number, def: number): number;
  luaL_optnumber(L: LuaState, arg: number, def: number): number;
  luaL_optlstring(L: LuaState, arg: number, def: LuaString | null): LuaString | null;
  luaL_ref(L: LuaState, t: number): number;
  luaL_unref(L: LuaState, t: number, ref: number): void;
  luaL_requiref(L: LuaState, name: LuaString, openf: LuaFunction, glb: number): void;
  luaL_tolstring(L: LuaState, idx: number): LuaString;
  luaL_typename(L: LuaState, idx: number): LuaString;
  luaL_where(L: LuaState, level: number): void;
  luaL_len(L: LuaState, idx: number): number;
}

/** The standard library openers (lualib.h). */
export interface LualibApi {
  luaopen_base: LuaFunction;
  luaopen_table: LuaFunction;
  luaopen_string: LuaFunction;
  luaopen_math: LuaFunction;
  luaopen_coroutine: LuaFunction;
  luaopen_debug: LuaFunction;
}

export interface Fengari {
  readonly lua: LuaApi;
  readonly lauxlib: LauxApi;
  readonly lualib: LualibApi;
  /** Thrown (through Lua) by a write to a read-only table. */
  readonly READONLY_MESSAGE: string;
  /** Marks a table (at `idx`) read-only, or writable again. */
  setReadonly(L: LuaState, idx: number, readonly: boolean): void;
  /** Whether the table at `idx` is read-only. */
  isReadonly(L: LuaState, idx: number): boolean;
}

let loaded: Fengari | undefined;

/** The engine's copy of fengari, loaded (and adapted) on first use. */
export function fengari(): Fengari {
  loaded ??= loadFengari();
  return loaded;
}

// ------------------------------------------------------------------------------------------
// Bytes

/** A byte string (latin1 JS string, one char per byte) as Lua string bytes. */
export function toLua(s: string): LuaString {
  const n = s.length;
  if (n > 64) return Buffer.from(s, 'latin1');
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Lua string bytes as a byte string. */
export function fromLua(u: LuaString): string {
  const n = u.length;
  if (n > 64) return Buffer.from(u.buffer, u.byteOffset, n).toString('latin1');
  let out = '';
  for (let i = 0; i < n; i++) out += String.fromCharCode(u[i]);
  return out;
}

/** A literal (ASCII) as Lua string bytes, cached: for field names and messages. */
const literals = new Map<string, LuaString>();
export function lit(s: string): LuaString {
  let u = literals.get(s);
  if (u === undefined) {
    u = toLua(s);
    literals.set(s, u);
  }
  return u;
}

// ------------------------------------------------------------------------------------------
// Numbers as Lua 5.1 reads and prints them

/**
 * A number as Lua 5.1 prints it (`%.14g`). NaN prints as `-nan`: the NaN that arithmetic
 * produces on x86-64 has its sign bit set, and JavaScript does not keep a NaN's sign.
 */
export function formatLuaNumber(n: number): string {
  if (Number.isNaN(n)) return '-nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return formatG(n, 14);
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

/**
 * Parses a numeral as Lua 5.1 does (C's strtod, then strtoul for `0x` that strtod left): leading
 * and trailing white space, a sign, decimal with optional fraction and exponent, hexadecimal
 * (also with a binary exponent), `inf`/`infinity`/`nan`. Returns undefined for anything else. The
 * string ends at its first NUL byte, as a C string does.
 */
export function parseLuaNumber(bytes: ArrayLike<number>): number | undefined {
  let end = bytes.length;
  for (let i = 0; i < end; i++) {
    if (bytes[i] === 0) {
      end = i;
      break;
    }
  }
  let i = 0;
  while (i < end && WHITESPACE.has(bytes[i])) i++;
  let j = end;
  while (j > i && WHITESPACE.has(bytes[j - 1])) j--;
  if (i === j) return undefined;
  let text = '';
  for (let k = i; k < j; k++) text += String.fromCharCode(bytes[k]);
  const m = NUMERAL.exec(text);
  if (m === null) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  const body = m[2];
  const lower = body.toLowerCase();
  if (lower === 'inf' || lower === 'infinity') return sign * Infinity;
  if (lower.startsWith('nan')) return NaN;
  if (lower.startsWith('0x')) return sign * parseHexFloat(lower.slice(2));
  return sign * Number(body);
}

const NUMERAL = /^([+-]?)((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN](?:\([0-9A-Za-z_]*\))?)$/;

function parseHexFloat(s: string): number {
  const p = s.indexOf('p');
  const mantissa = p < 0 ? s : s.slice(0, p);
  const exponent = p < 0 ? 0 : Number(s.slice(p + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const fractionDigits = dot < 0 ? 0 : mantissa.length - dot - 1;
  let value = 0;
  for (const d of digits) value = value * 16 + parseInt(d, 16);
  return value * Math.pow(2, exponent - 4 * fractionDigits);
}

// ------------------------------------------------------------------------------------------
// Loading

function toLuaBytes(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'latin1'));
}

interface TValueLike {
  setfltvalue(n: number): void;
}
interface TableLike {
  readonly?: boolean;
}
interface StackValue {
  value: unknown;
  ttistable(): boolean;
}
interface LuaStateInternals {
  stack: StackValue[];
  top: number;
  ci: { funcOff: number };
}

/**
 * Loads fengari's modules afresh (whatever another part of the process loaded stays untouched
 * in the module cache), adapting the number and table functions before the modules that capture
 * them at load time.
 */
function loadFengari(): Fengari {
  const req = createRequire(__filename);
  const root = path.dirname(req.resolve('fengari/src/fengari.js'));
  const cache = req.cache;
  const saved = new Map<string, NodeJS.Module>();
  for (const key of Object.keys(cache)) {
    if (key.startsWith(root + path.sep)) {
      saved.set(key, cache[key] as NodeJS.Module);
      delete cache[key];
    }
  }
  try {
    // defs.js and luaconf.js require each other: defs first, as fengari itself loads them.
    req(path.join(root, 'defs.js'));
    const luaconf = req(path.join(root, 'luaconf.js'));
    luaconf.LUA_COMPAT_FLOATSTRING = true;
    luaconf.lua_number2str = formatLuaNumber;

    const lapi = req(path.join(root, 'lapi.js'));
    const lobject = req(path.join(root, 'lobject.js'));
    const ltable = req(path.join(root, 'ltable.js'));
    const ldebug = req(path.join(root, 'ldebug.js'));
    const { to_luastring } = req(path.join(root, 'defs.js'));

    // Every numeral is a float: Lua 5.1 numbers are doubles.
    lobject.luaO_str2num = (s: Uint8Array, o: TValueLike): number => {
      const n = parseLuaNumber(s);
      if (n === undefined) return 0;
      o.setfltvalue(n);
      return s.length + 1;
    };

    // Type errors worded as Lua 5.1 words them: "attempt to index field 'x' (a nil value)"
    // rather than 5.3's "attempt to index a nil value (field 'x')".
    const pushvfstring = lobject.luaO_pushvfstring as (L: LuaState, fmt: Uint8Array, argp: unknown[]) => unknown;
    const typeErrorFormat = to_luastring('attempt to %s a %s value%s');
    const typeErrorFormat51 = to_luastring("attempt to %s %s '%s' (a %s value)");
    const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
    lobject.luaO_pushvfstring = (L: LuaState, fmt: Uint8Array, argp: unknown[]): unknown => {
      if (argp.length === 3 && sameBytes(fmt, typeErrorFormat)) {
        const info = argp[2] as Uint8Array;
        const m = /^ \((\S+) '(.*)'\)$/s.exec(Buffer.from(info).toString('latin1'));
        if (m !== null) return pushvfstring(L, typeErrorFormat51, [argp[0], toLuaBytes(m[1]), toLuaBytes(m[2]), argp[1]]);
      }
      return pushvfstring(L, fmt, argp);
    };

    // Integer arguments of library functions: truncated, clamped to 32 bits, as C casts them.
    const tonumberx = lapi.lua_tonumberx as (L: LuaState, idx: number) => number | false;
    lapi.lua_tointegerx = (L: LuaState, idx: number): number | false => {
      const n = tonumberx(L, idx);
      if (n === false || Number.isNaN(n)) return false;
      if (n >= 2147483647) return 2147483647;
      if (n <= -2147483648) return -2147483648;
      return Math.trunc(n);
    };

    // Read-only tables.
    const READONLY_MESSAGE = 'Attempt to modify a readonly table';
    const readonlyMessage = to_luastring(READONLY_MESSAGE);
    const setfrom = ltable.luaH_setfrom;
    ltable.luaH_setfrom = (L: LuaState, t: TableLike, key: unknown, value: unknown): void => {
      if (t.readonly === true) ldebug.luaG_runerror(L, readonlyMessage);
      setfrom(L, t, key, value);
    };
    const rawseti = lapi.lua_rawseti;
    const index2table = (L: LuaState, idx: number): TableLike | null => {
      // Stack addressing as lapi's index2addr (no pseudo-indices here).
      const s = L as unknown as LuaStateInternals;
      const at = idx > 0 ? s.ci.funcOff + idx : s.top + idx;
      if (idx === 0 || at < 0 || at >= s.top) return null;
      const slot = s.stack[at];
      return slot.ttistable() ? slot.value as TableLike : null;
    };
    lapi.lua_rawseti = (L: LuaState, idx: number, n: number): void => {
      if (index2table(L, idx)?.readonly === true) ldebug.luaG_runerror(L, readonlyMessage);
      rawseti(L, idx, n);
    };
    const setmetatable = lapi.lua_setmetatable;
    lapi.lua_setmetatable = (L: LuaState, idx: number): void => {
      if (index2table(L, idx)?.readonly === true) ldebug.luaG_runerror(L, readonlyMessage);
      setmetatable(L, idx);
    };

    const f = req(path.join(root, 'fengari.js'));
    const lua = f.lua as LuaApi;
    return {
      lua,
      lauxlib: f.lauxlib as LauxApi,
      lualib: f.lualib as LualibApi,
      READONLY_MESSAGE,
      setReadonly(L, idx, readonly) {
        const t = index2table(L, idx);
        if (t === null) throw new Error('setReadonly: not a table');
        if (readonly) t.readonly = true;
        else delete t.readonly;
      },
      isReadonly(L, idx) {
        return index2table(L, idx)?.readonly === true;
      },
    };
  } finally {
    // Our copy stays reachable through the objects above; the cache gets back what it held.
    for (const key of Object.keys(cache)) if (key.startsWith(root + path.sep)) delete cache[key];
    for (const [key, mod] of saved) cache[key] = mod;
  }
}
