/**
 * The standard library as Redis's Lua 5.1 offers it, on top of fengari's Lua 5.3 libraries:
 * the globals Redis keeps (no `print`, `dofile`, `loadfile`, `getfenv`, `setfenv`, `newproxy`,
 * `require`, `os`, `io`), Lua 5.1's `unpack`, `loadstring`, `gcinfo`, `table.getn`/`maxn`/
 * `foreach`/`foreachi`/`setn`, `string.gfind`, the 5.1 math library (all results doubles,
 * `math.mod`, `math.pow`, `math.log10`, `math.ldexp`, `math.frexp`, hyperbolic functions),
 * 5.1's `string.format` and `tonumber`, and none of 5.3's additions (`table.unpack`,
 * `table.move`, `string.pack`, `math.type`, `utf8`...).
 */
import { Fengari, LuaState, fromLua, lit, parseLuaNumber, toLua } from './fengari';
import { FormatSpec, formatFloat, formatInteger, formatString, quoteString } from './format';
import { Lrand48 } from './prng';

/** What the libraries need from the engine. */
export interface LibraryHost {
  /** math.random / math.randomseed. */
  readonly random: Lrand48;
  /** Memory the Lua state uses, in bytes (collectgarbage("count"), gcinfo). */
  memory(): number;
  /** The thread scripts run in: there, coroutine.running() is nil and coroutine.yield fails as at top level. */
  isMainThread(L: LuaState): boolean;
}

/** Opens the libraries into a fresh state and adapts them to Lua 5.1 as Redis has it. */
export function openStandardLibraries(F: Fengari, L: LuaState, host: LibraryHost): void {
  const { lua, lauxlib, lualib } = F;
  lauxlib.luaL_requiref(L, lit('_G'), lualib.luaopen_base, 1);
  lua.lua_pop(L, 1);
  for (const [name, open] of [['table', lualib.luaopen_table], ['string', lualib.luaopen_string], ['coroutine', lualib.luaopen_coroutine]] as const) {
    lauxlib.luaL_requiref(L, lit(name), open, 1);
    lua.lua_pop(L, 1);
  }
  adaptBase(F, L, host);
  adaptTable(F, L);
  adaptString(F, L);
  adaptCoroutine(F, L, host);
  openMath(F, L, host);
}

type Fn = (L: LuaState) => number;

/** Sets fields of the table at the top of the stack (nil removes). */
function setFields(F: Fengari, L: LuaState, fields: Record<string, Fn | null>): void {
  const { lua } = F;
  for (const [name, fn] of Object.entries(fields)) {
    if (fn === null) lua.lua_pushnil(L);
    else lua.lua_pushjsfunction(L, fn);
    lua.lua_setfield(L, -2, lit(name));
  }
}

/** Sets a field of the table at the top to the value of another field (aliases). */
function alias(F: Fengari, L: LuaState, name: string, of: string): void {
  F.lua.lua_getfield(L, -1, lit(of));
  F.lua.lua_setfield(L, -2, lit(name));
}

// ------------------------------------------------------------------------------------------
// Base library

function adaptBase(F: Fengari, L: LuaState, host: LibraryHost): void {
  const { lua, lauxlib } = F;
  lua.lua_pushglobaltable(L);
  // Lua 5.3's `load` reads strings too; 5.1's takes a reader function only. Binary chunks are
  // refused, as Redis's Lua does.
  lua.lua_getfield(L, -1, lit('load'));
  lua.lua_pushjsclosure(L, (S) => {
    lauxlib.luaL_checktype(S, 1, lua.LUA_TFUNCTION);
    const chunkname = lauxlib.luaL_optlstring(S, 2, lit('=(load)'));
    lua.lua_settop(S, 1);
    lua.lua_pushvalue(S, lua.lua_upvalueindex(1));
    lua.lua_insert(S, 1);
    lua.lua_pushstring(S, chunkname as Uint8Array);
    lua.lua_pushstring(S, lit('t'));
    lua.lua_call(S, 3, lua.LUA_MULTRET);
    return lua.lua_gettop(S);
  }, 1);
  lua.lua_setfield(L, -2, lit('load'));
  setFields(F, L, {
    dofile: null,
    loadfile: null,
    print: null,
    rawlen: null,
    loadstring: (S) => {
      const s = lauxlib.luaL_checklstring(S, 1);
      const chunkname = lauxlib.luaL_optlstring(S, 2, s) as Uint8Array;
      const status = lauxlib.luaL_loadbufferx(S, s, s.length, chunkname, lit('t'));
      if (status === lua.LUA_OK) return 1;
      lua.lua_pushnil(S);
      lua.lua_insert(S, -2);
      return 2;
    },
    gcinfo: (S) => {
      lua.lua_pushnumber(S, Math.floor(host.memory() / 1024));
      return 1;
    },
    collectgarbage: (S) => collectgarbage(F, S, host),
    tonumber: (S) => tonumber(F, S),
    // 5.1's unpack reads with raw access; 5.3's table.unpack is the same for plain tables.
    unpack: null,
  });
  lua.lua_getglobal(L, lit('table'));
  lua.lua_getfield(L, -1, lit('unpack'));
  lua.lua_setfield(L, -3, lit('unpack'));
  lua.lua_pop(L, 1);
  lua.lua_pushliteral(L, 'Lua 5.1');
  lua.lua_setfield(L, -2, lit('_VERSION'));
  lua.lua_pop(L, 1);
}

const GC_OPTIONS = ['stop', 'restart', 'collect', 'count', 'step', 'setpause', 'setstepmul'];

/** collectgarbage as Lua 5.1 answers it (the memory is the engine's estimate). */
function collectgarbage(F: Fengari, L: LuaState, host: LibraryHost): number {
  const { lua, lauxlib } = F;
  const opt = fromLua(lauxlib.luaL_optlstring(L, 1, lit('collect')) as Uint8Array);
  lauxlib.luaL_optinteger(L, 2, 0);
  if (!GC_OPTIONS.includes(opt)) return lauxlib.luaL_argerror(L, 1, toLua(`invalid option '${opt}'`));
  switch (opt) {
    case 'count': lua.lua_pushnumber(L, host.memory() / 1024); break;
    case 'step': lua.lua_pushboolean(L, true); break;
    case 'setpause': case 'setstepmul': lua.lua_pushnumber(L, 200); break;
    default: lua.lua_pushnumber(L, 0);
  }
  return 1;
}

/** tonumber: base 10 through the Lua 5.1 numeral rules, other bases as C's strtoul. */
function tonumber(F: Fengari, L: LuaState): number {
  const { lua, lauxlib } = F;
  const base = lauxlib.luaL_optinteger(L, 2, 10);
  if (base === 10) {
    lauxlib.luaL_checkany(L, 1);
    const n = lua.lua_tonumberx(L, 1);
    if (n === false) lua.lua_pushnil(L);
    else lua.lua_pushnumber(L, n);
    return 1;
  }
  const s = lauxlib.luaL_checklstring(L, 1);
  if (base < 2 || base > 36) return lauxlib.luaL_argerror(L, 2, 'base out of range');
  const n = strtoul(s, base);
  if (n === undefined) lua.lua_pushnil(L);
  else lua.lua_pushnumber(L, n);
  return 1;
}

function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

/** C's strtoul, requiring the whole string (but trailing space) to be used; undefined if not. */
function strtoul(s: Uint8Array, base: number): number | undefined {
  let end = s.indexOf(0);
  if (end < 0) end = s.length;
  let i = 0;
  while (i < end && isSpace(s[i])) i++;
  let negative = false;
  if (s[i] === 0x2b || s[i] === 0x2d) {
    negative = s[i] === 0x2d;
    i++;
  }
  if (base === 16 && s[i] === 0x30 && (s[i + 1] | 0x20) === 0x78) {
    const d = digitValue(s[i + 2]);
    if (d >= 0 && d < 16) i += 2;
  }
  let value = 0n;
  const big = BigInt(base);
  const start = i;
  let overflow = false;
  for (; i < end; i++) {
    const d = digitValue(s[i]);
    if (d < 0 || d >= base) break;
    value = value * big + BigInt(d);
    if (value > 0xffffffffffffffffn) overflow = true;
  }
  if (i === start) return undefined;
  while (i < end && isSpace(s[i])) i++;
  if (i !== end) return undefined;
  if (overflow) return 18446744073709551615;
  return Number(negative ? BigInt.asUintN(64, -value) : value);
}

function digitValue(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const lower = b | 0x20;
  if (lower >= 0x61 && lower <= 0x7a) return lower - 0x61 + 10;
  return -1;
}

// ------------------------------------------------------------------------------------------
// table

function adaptTable(F: Fengari, L: LuaState): void {
  const { lua, lauxlib } = F;
  lua.lua_getglobal(L, lit('table'));
  const checkTable = (S: LuaState): number => {
    lauxlib.luaL_checktype(S, 1, lua.LUA_TTABLE);
    return lua.lua_rawlen(S, 1);
  };
  setFields(F, L, {
    unpack: null,
    pack: null,
    move: null,
    getn: (S) => {
      lua.lua_pushnumber(S, checkTable(S));
      return 1;
    },
    setn: (S) => lauxlib.luaL_error(S, "'setn' is obsolete"),
    maxn: (S) => {
      lauxlib.luaL_checktype(S, 1, lua.LUA_TTABLE);
      let max = 0;
      lua.lua_pushnil(S);
      while (lua.lua_next(S, 1)) {
        lua.lua_pop(S, 1);
        if (lua.lua_type(S, -1) === lua.LUA_TNUMBER) {
          const v = lua.lua_tonumber(S, -1);
          if (v > max) max = v;
        }
      }
      lua.lua_pushnumber(S, max);
      return 1;
    },
    foreach: (S) => {
      lauxlib.luaL_checktype(S, 1, lua.LUA_TTABLE);
      lauxlib.luaL_checktype(S, 2, lua.LUA_TFUNCTION);
      lua.lua_pushnil(S);
      while (lua.lua_next(S, 1)) {
        lua.lua_pushvalue(S, 2);
        lua.lua_pushvalue(S, -3);
        lua.lua_pushvalue(S, -3);
        lua.lua_call(S, 2, 1);
        if (lua.lua_type(S, -1) !== lua.LUA_TNIL) return 1;
        lua.lua_pop(S, 2);
      }
      return 0;
    },
    foreachi: (S) => {
      const n = checkTable(S);
      lauxlib.luaL_checktype(S, 2, lua.LUA_TFUNCTION);
      for (let i = 1; i <= n; i++) {
        lua.lua_pushvalue(S, 2);
        lua.lua_pushnumber(S, i);
        lua.lua_rawgeti(S, 1, i);
        lua.lua_call(S, 2, 1);
        if (lua.lua_type(S, -1) !== lua.LUA_TNIL) return 1;
        lua.lua_pop(S, 1);
      }
      return 0;
    },
    // Lua 5.1's insert and remove: raw access, no bounds check on the position.
    insert: (S) => {
      let e = checkTable(S) + 1;
      let pos: number;
      switch (lua.lua_gettop(S)) {
        case 2: pos = e; break;
        case 3: {
          pos = lauxlib.luaL_checkinteger(S, 2);
          if (pos > e) e = pos;
          for (let i = e; i > pos; i--) {
            lua.lua_rawgeti(S, 1, i - 1);
            lua.lua_rawseti(S, 1, i);
          }
          break;
        }
        default: return lauxlib.luaL_error(S, "wrong number of arguments to 'insert'");
      }
      lua.lua_rawseti(S, 1, pos);
      return 0;
    },
    remove: (S) => {
      const e = checkTable(S);
      let pos = lauxlib.luaL_optinteger(S, 2, e);
      if (e === 0) return 0;
      lua.lua_rawgeti(S, 1, pos);
      for (; pos < e; pos++) {
        lua.lua_rawgeti(S, 1, pos + 1);
        lua.lua_rawseti(S, 1, pos);
      }
      lua.lua_pushnil(S);
      lua.lua_rawseti(S, 1, e);
      return 1;
    },
  });
  lua.lua_pop(L, 1);
}

// ------------------------------------------------------------------------------------------
// string

function adaptString(F: Fengari, L: LuaState): void {
  const { lua } = F;
  lua.lua_getglobal(L, lit('string'));
  setFields(F, L, {
    pack: null,
    unpack: null,
    packsize: null,
    format: (S) => stringFormat(F, S),
  });
  alias(F, L, 'gfind', 'gmatch');
  lua.lua_pop(L, 1);
}

const FLAG_CHARS = '-+ #0';

/** string.format with Lua 5.1's rules (see format.ts for the conversions). */
function stringFormat(F: Fengari, L: LuaState): number {
  const { lua, lauxlib } = F;
  const top = lua.lua_gettop(L);
  const fmt = lauxlib.luaL_checklstring(L, 1);
  let arg = 1;
  let out = '';
  let i = 0;
  const n = fmt.length;
  while (i < n) {
    const ch = fmt[i];
    if (ch !== 0x25) {
      // Copy a run of plain bytes.
      let j = i + 1;
      while (j < n && fmt[j] !== 0x25) j++;
      out += fromLua(fmt.subarray(i, j));
      i = j;
      continue;
    }
    i++;
    if (fmt[i] === 0x25) {
      out += '%';
      i++;
      continue;
    }
    // Scan the specification.
    const start = i;
    while (i < n && FLAG_CHARS.includes(String.fromCharCode(fmt[i]))) i++;
    if (i - start >= FLAG_CHARS.length + 1) lauxlib.luaL_error(L, 'invalid format (repeated flags)');
    const flags = fromLua(fmt.subarray(start, i));
    let width = 0;
    let precision = -1;
    let digits = 0;
    while (digits < 2 && isDigit(fmt[i])) {
      width = width * 10 + fmt[i] - 0x30;
      i++;
      digits++;
    }
    if (fmt[i] === 0x2e) {
      i++;
      precision = 0;
      digits = 0;
      while (digits < 2 && isDigit(fmt[i])) {
        precision = precision * 10 + fmt[i] - 0x30;
        i++;
        digits++;
      }
    }
    if (isDigit(fmt[i])) lauxlib.luaL_error(L, 'invalid format (width or precision too long)');
    const conversion = i < n ? String.fromCharCode(fmt[i]) : '';
    i++;
    if (++arg > top) lauxlib.luaL_argerror(L, arg, 'no value');
    const spec: FormatSpec = { flags, width, precision, conversion };
    switch (conversion) {
      case 'c': case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
        out += formatInteger(spec, lauxlib.luaL_checknumber(L, arg));
        break;
      case 'e': case 'E': case 'f': case 'g': case 'G':
        out += formatFloat(spec, lauxlib.luaL_checknumber(L, arg));
        break;
      case 'q':
        out += quoteString(fromLua(lauxlib.luaL_checklstring(L, arg)));
        break;
      case 's':
        out += formatString(spec, fromLua(lauxlib.luaL_checklstring(L, arg)));
        break;
      default:
        return lauxlib.luaL_error(L, toLua(`invalid option '%${conversion}' to 'format'`));
    }
  }
  const bytes = toLua(out);
  lua.lua_pushlstring(L, bytes, bytes.length);
  return 1;
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

// ------------------------------------------------------------------------------------------
// coroutine

function adaptCoroutine(F: Fengari, L: LuaState, host: LibraryHost): void {
  const { lua, lauxlib } = F;
  lua.lua_getglobal(L, lit('coroutine'));
  // Scripts run in a thread of the engine's own; to them it is the main thread.
  lua.lua_pushjsfunction(L, (S) => {
    if (host.isMainThread(S)) return lauxlib.luaL_error(S, 'attempt to yield across metamethod/C-call boundary');
    return lua.lua_yield(S, lua.lua_gettop(S));
  });
  lua.lua_setfield(L, -2, lit('yield'));
  setFields(F, L, {
    isyieldable: null,
    running: (S) => {
      if (host.isMainThread(S)) return 0;
      lua.lua_pushthread(S);
      return 1;
    },
  });
  lua.lua_pop(L, 1);
}

// ------------------------------------------------------------------------------------------
// math: Lua 5.1's library, every result a double

function openMath(F: Fengari, L: LuaState, host: LibraryHost): void {
  const { lua, lauxlib } = F;
  const num = (S: LuaState, i: number) => lauxlib.luaL_checknumber(S, i);
  const one = (f: (x: number) => number): Fn => (S) => {
    lua.lua_pushnumber(S, f(num(S, 1)));
    return 1;
  };
  const two = (f: (x: number, y: number) => number): Fn => (S) => {
    lua.lua_pushnumber(S, f(num(S, 1), num(S, 2)));
    return 1;
  };
  const extreme = (pick: (a: number, b: number) => boolean): Fn => (S) => {
    const n = lua.lua_gettop(S);
    let best = num(S, 1);
    for (let i = 2; i <= n; i++) {
      const d = num(S, i);
      if (pick(d, best)) best = d;
    }
    lua.lua_pushnumber(S, best);
    return 1;
  };
  const cInt = (d: number) => (d > -2147483649 && d < 2147483648 ? Math.trunc(d) : -2147483648);
  const fmod = (a: number, b: number) => a % b;
  lua.lua_createtable(L, 0, 32);
  setFields(F, L, {
    abs: one(Math.abs),
    acos: one(Math.acos),
    asin: one(Math.asin),
    atan: one(Math.atan),
    atan2: two(Math.atan2),
    ceil: one(Math.ceil),
    cos: one(Math.cos),
    cosh: one(Math.cosh),
    deg: one((x) => x * (180 / Math.PI)),
    exp: one(Math.exp),
    floor: one(Math.floor),
    fmod: two(fmod),
    mod: two(fmod),
    frexp: (S) => {
      const [m, e] = frexp(num(S, 1));
      lua.lua_pushnumber(S, m);
      lua.lua_pushnumber(S, e);
      return 2;
    },
    ldexp: (S) => {
      lua.lua_pushnumber(S, num(S, 1) * Math.pow(2, cInt(num(S, 2))));
      return 1;
    },
    log: one(Math.log),
    log10: one(Math.log10),
    max: extreme((a, b) => a > b),
    min: extreme((a, b) => a < b),
    modf: (S) => {
      const x = num(S, 1);
      const ip = x >= 0 ? Math.floor(x) : Math.ceil(x);
      lua.lua_pushnumber(S, ip);
      lua.lua_pushnumber(S, Number.isFinite(x) ? x - ip : Number.isNaN(x) ? x : 0);
      return 2;
    },
    pow: two(cPow),
    rad: one((x) => x * (Math.PI / 180)),
    sin: one(Math.sin),
    sinh: one(Math.sinh),
    sqrt: one(Math.sqrt),
    tan: one(Math.tan),
    tanh: one(Math.tanh),
    random: (S) => {
      const r = host.random.fraction();
      switch (lua.lua_gettop(S)) {
        case 0:
          lua.lua_pushnumber(S, r);
          break;
        case 1: {
          const u = cInt(num(S, 1));
          if (u < 1) lauxlib.luaL_argerror(S, 1, 'interval is empty');
          lua.lua_pushnumber(S, Math.floor(r * u) + 1);
          break;
        }
        case 2: {
          const l = cInt(num(S, 1));
          const u = cInt(num(S, 2));
          if (l > u) lauxlib.luaL_argerror(S, 2, 'interval is empty');
          lua.lua_pushnumber(S, Math.floor(r * (u - l + 1)) + l);
          break;
        }
        default: return lauxlib.luaL_error(S, 'wrong number of arguments');
      }
      return 1;
    },
    randomseed: (S) => {
      host.random.seed(cInt(num(S, 1)));
      return 0;
    },
  });
  lua.lua_pushnumber(L, Math.PI);
  lua.lua_setfield(L, -2, lit('pi'));
  lua.lua_pushnumber(L, Infinity);
  lua.lua_setfield(L, -2, lit('huge'));
  lua.lua_setglobal(L, lit('math'));
}

/** C's pow where it differs from Math.pow: 1^y and x^0 are 1 even for NaN, (-1)^±inf is 1. */
export function cPow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) return 1;
  return Math.pow(x, y);
}

/** C's frexp: x = m * 2^e with 0.5 <= |m| < 1. */
function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = Math.max(-1073, Math.floor(Math.log2(Math.abs(x))) + 1);
  let m = x * Math.pow(2, -e);
  while (Math.abs(m) < 0.5) {
    m *= 2;
    e--;
  }
  while (Math.abs(m) >= 1) {
    m /= 2;
    e++;
  }
  return [m, e];
}

/** A number parsed as Lua 5.1 reads numerals (re-exported for the libraries). */
export { parseLuaNumber };
