/**
 * Lua scripting (EVAL, EVALSHA, SCRIPT ...) as Redis OSS 7 and Valkey 8 run it: one Lua state per
 * server, scripts compiled once and kept by SHA1, KEYS/ARGV globals, the `redis` library, the
 * sandbox (protected globals, read-only library tables), conversions between replies and Lua
 * values in both directions, effects replication, and long scripts that other clients see as
 * BUSY and that SCRIPT KILL can stop.
 *
 * Long scripts: fengari runs a script synchronously, which would keep Node's event loop from
 * reading other clients. Scripts therefore run in a Lua coroutine with a count hook. Every
 * {@link HOOK_INSTRUCTIONS} instructions the hook looks at the clock; once the script has run
 * longer than busy-reply-threshold, the hook yields (when the script is at a yieldable point)
 * and the engine resumes it on the next turn of the event loop. Meanwhile the server answers
 * other clients' commands with BUSY (except the allow_busy ones such as SCRIPT KILL), does not
 * serve blocked clients, run active expiry or send propagation, so the keyspace stays untouched:
 * the script is still atomic. SCRIPT KILL sets a flag the hook turns into a Lua error.
 */
import { createHash } from 'node:crypto';
import { AclDenial, noPermissionMessage } from '../acl';
import type { Client } from '../client';
import { Command, ReplyError } from '../commands/types';
import type { RedisServer } from '../server';
import { Fengari, LuaDebug, LuaState, fengari, fromLua, lit, toLua } from './fengari';
import { openRedisLibraries } from './libs';
import { Lrand48 } from './prng';
import { openStandardLibraries } from './stdlib';
import { keySlot } from '../store/slot';

/** How long the code of a function library may run when it is loaded (ms). */
const LOAD_TIMEOUT_MS = 500;
/** Registry key of the globals table library functions run with. */
const FUNCTION_GLOBALS = 'function_globals';
/** Instructions between two looks at the clock. */
const HOOK_INSTRUCTIONS = 10000;
/** While busy, how long a script runs between two yields to the event loop (ms). */
const BUSY_SLICE_MS = 10;

/** Script flags from the `#!lua flags=...` shebang. */
export const enum ScriptFlag {
  NO_WRITES = 1,
  ALLOW_OOM = 2,
  ALLOW_STALE = 4,
  NO_CLUSTER = 8,
  ALLOW_CROSS_SLOT = 16,
  /** No shebang: the compatibility mode of scripts written before Redis 7. */
  EVAL_COMPAT = 32,
}

const FLAG_NAMES: Record<string, ScriptFlag> = {
  'no-writes': ScriptFlag.NO_WRITES,
  'allow-oom': ScriptFlag.ALLOW_OOM,
  'allow-stale': ScriptFlag.ALLOW_STALE,
  'no-cluster': ScriptFlag.NO_CLUSTER,
  'allow-cross-slot-keys': ScriptFlag.ALLOW_CROSS_SLOT,
};

/** A compiled script. */
interface CachedScript {
  readonly sha: string;
  readonly body: string;
  /** The compiled function, in the registry. */
  readonly ref: number;
  readonly flags: number;
}

/** A function library (FUNCTION LOAD). */
export interface FunctionLibrary {
  readonly name: string;
  readonly code: string;
  readonly functions: Map<string, LibraryFunction>;
}

/** A function a library registered: runs like a script whose "sha" is the function's name. */
export interface LibraryFunction extends CachedScript {
  readonly name: string;
  readonly description: string | null;
  readonly library: FunctionLibrary;
}

const VALID_NAME = /^[A-Za-z0-9_]+$/;
const INVALID_NAME = 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

/** The library name of a `#!lua name=<lib>` header; throws the real server's errors. */
export function parseLibraryHeader(code: string): string {
  if (!code.startsWith('#!')) throw new ReplyError('ERR Missing library metadata');
  let end = code.indexOf('\n');
  if (end < 0) end = code.length;
  const parts = code.slice(2, end).split(' ');
  let name: string | null = null;
  if (parts[0] !== 'lua') throw new ReplyError('ERR Invalid library metadata');
  for (const part of parts.slice(1)) {
    if (!part.startsWith('name=')) throw new ReplyError('ERR Invalid library metadata');
    name = part.slice(5);
  }
  if (name === null) throw new ReplyError('ERR Invalid library metadata');
  if (!VALID_NAME.test(name)) throw new ReplyError(`ERR ${INVALID_NAME}`);
  return name;
}

/** The script being run. */
export interface Run {
  readonly caller: Client;
  readonly script: CachedScript;
  readonly readOnly: boolean;
  readonly started: number;
  /** May the script yield to the event loop when it runs long? */
  readonly canYield: boolean;
  /** FCALL/FCALL_RO rather than EVAL. */
  readonly isFunction: boolean;
  /** The command that started the run (FUNCTION STATS). */
  readonly argv: readonly string[];
  /** The slot of the keys the script declared or first touched (cluster mode), -1 for none. */
  slot: number;
  /** The server was out of memory when the script started. */
  readonly oomAtStart: boolean;
  wrote: boolean;
  busy: boolean;
  killed: boolean;
  lastYield: number;
}

export const SCRIPT_KILLED = 'ERR Script killed by user with SCRIPT KILL...';

/** The SHA1 of a script body, in lower-case hex. */
export function sha1hex(s: string): string {
  return createHash('sha1').update(s, 'latin1').digest('hex');
}

/** Parses the shebang line: the flags, and how many bytes of the body it takes. */
export function parseShebang(body: string): { flags: number; length: number } {
  if (!body.startsWith('#!')) return { flags: ScriptFlag.EVAL_COMPAT, length: 0 };
  let end = body.indexOf('\n');
  if (end < 0) end = body.length;
  const parts = body.slice(0, end).split(' ').filter((p) => p.length > 0);
  if (parts[0] !== '#!lua') throw new ReplyError(`ERR Unexpected engine in script shebang: ${parts[0]}`);
  let flags = 0;
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) throw new ReplyError(`ERR Unknown lua shebang option: ${part}`);
    for (const name of part.slice(6).split(',')) {
      if (name === '') continue;
      const flag = FLAG_NAMES[name];
      if (flag === undefined) throw new ReplyError(`ERR Unexpected flag in script shebang: ${name}`);
      flags |= flag;
    }
  }
  return { flags, length: end };
}

/** The Lua side of one server. */
export class ScriptingEngine {
  /** math.random's generator: survives SCRIPT FLUSH, as the real server's does. */
  public readonly random = new Lrand48();
  public readonly F: Fengari;
  private L!: LuaState;
  private thread!: LuaState;
  private threadRef = -1;
  private readonly scripts = new Map<string, CachedScript>();
  /** Bytes of the cached script bodies (INFO used_memory_scripts_eval). */
  public scriptBytes = 0;
  /** The script being run, if any. */
  public run: Run | null = null;
  /** The client scripts call commands through. */
  public readonly scriptClient: Client;
  /** redis.setresp: the protocol replies come back to the script in. */
  private resp: 2 | 3 = 2;
  private readonly debug: LuaDebug;

  /** Function libraries (FUNCTION LOAD), by name. */
  public readonly libraries = new Map<string, FunctionLibrary>();
  /** Every library's functions, by lower-case name (FCALL finds a function whatever the case). */
  public readonly functions = new Map<string, LibraryFunction>();
  /** The library FUNCTION LOAD is running the code of (redis.register_function adds to it). */
  private loading: FunctionLibrary | null = null;

  constructor(public readonly server: RedisServer) {
    this.F = fengari();
    this.debug = new this.F.lua.lua_Debug();
    this.scriptClient = server.createInternalClient('script');
    this.reset();
  }

  /** Bytes the function libraries hold: their code and their functions' names and descriptions. */
  public get functionBytes(): number {
    let n = 0;
    for (const lib of this.libraries.values()) {
      n += lib.code.length + lib.name.length;
      for (const f of lib.functions.values()) n += f.name.length + (f.description?.length ?? 0);
    }
    return n;
  }

  /** Number of cached scripts. */
  public get size(): number {
    return this.scripts.size;
  }

  /** A new Lua state with the libraries and the sandbox; the script cache is emptied. */
  public reset(): void {
    const { lua, lauxlib } = this.F;
    this.scripts.clear();
    this.scriptBytes = 0;
    const L = lauxlib.luaL_newstate();
    this.L = L;
    openStandardLibraries(this.F, L, {
      random: this.random,
      memory: () => 32768 + this.scriptBytes,
      isMainThread: (S) => S === this.thread,
    });
    openRedisLibraries(this.F, L, this);
    this.protectGlobals();
    this.newThread();
    this.createFunctionGlobals();
    lua.lua_settop(L, 0);
    // Function libraries outlive SCRIPT FLUSH: they are compiled again in the new state.
    const libraries = [...this.libraries.values()];
    this.libraries.clear();
    this.functions.clear();
    for (const lib of libraries) {
      try {
        this.loadLibrary(lib.code, false);
      } catch (e) {
        this.server.log(`Library '${lib.name}' could not be loaded again: ${(e as Error).message}`);
      }
    }
  }

  /** Makes the globals and every library table read-only; reading a missing global is an error. */
  private protectGlobals(): void {
    const { lua, lauxlib } = this.F;
    const L = this.L;
    lua.lua_pushglobaltable(L);
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushjsfunction(L, (S) => {
      const name = lua.lua_tolstring(S, 2);
      return lauxlib.luaL_error(S, lit("Script attempted to access nonexistent global variable '%s'"), name ?? lit('?'));
    });
    lua.lua_setfield(L, -2, lit('__index'));
    lua.lua_setmetatable(L, -2);
    // Library tables (string, math, redis...) become read-only too.
    lua.lua_pushnil(L);
    while (lua.lua_next(L, -2)) {
      if (lua.lua_type(L, -1) === lua.LUA_TTABLE && !lua.lua_rawequal(L, -1, -3)) this.F.setReadonly(L, -1, true);
      lua.lua_pop(L, 1);
    }
    this.F.setReadonly(L, -1, true);
    lua.lua_pop(L, 1);
  }

  /**
   * The globals library functions run with: those of scripts but KEYS and ARGV (functions get
   * their keys and arguments as parameters), read-only, `_G` being this table. Kept in the registry.
   */
  private createFunctionGlobals(): void {
    const { lua, lauxlib } = this.F;
    const L = this.L;
    lua.lua_createtable(L, 0, 32);
    lua.lua_pushglobaltable(L);
    lua.lua_pushnil(L);
    while (lua.lua_next(L, -2)) {
      lua.lua_pushvalue(L, -2);
      lua.lua_insert(L, -2);
      lua.lua_rawset(L, -5);
    }
    lua.lua_pop(L, 1);
    lua.lua_pushvalue(L, -1);
    lua.lua_setfield(L, -2, lit('_G'));
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushjsfunction(L, (S) => {
      const name = lua.lua_tolstring(S, 2);
      return lauxlib.luaL_error(S, lit("Script attempted to access nonexistent global variable '%s'"), name ?? lit('?'));
    });
    lua.lua_setfield(L, -2, lit('__index'));
    lua.lua_setmetatable(L, -2);
    this.F.setReadonly(L, -1, true);
    lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, lit(FUNCTION_GLOBALS));
  }

  /**
   * The environment of a function library being loaded: a read-only table whose missing names
   * come from the load API (`redis.register_function`, `redis.log`, the log levels and the
   * version) and, once loaded, from the globals the functions run with.
   */
  private pushLoadEnvironment(): void {
    const { lua, lauxlib } = this.F;
    const L = this.L;
    const missing = (S: LuaState): number => {
      const name = lua.lua_tolstring(S, 2);
      return lauxlib.luaL_error(S, lit("Script attempted to access nonexistent global variable '%s'"), name ?? lit('?'));
    };
    lua.lua_createtable(L, 0, 0); // env
    lua.lua_createtable(L, 0, 1); // env's metatable
    lua.lua_createtable(L, 0, 1); // the load API
    lua.lua_createtable(L, 0, 16); // its redis table
    lua.lua_pushjsfunction(L, (S) => this.registerFunction(S));
    lua.lua_setfield(L, -2, lit('register_function'));
    lua.lua_getglobal(L, lit('redis'));
    for (const name of ['log', 'LOG_DEBUG', 'LOG_VERBOSE', 'LOG_NOTICE', 'LOG_WARNING', 'REDIS_VERSION', 'REDIS_VERSION_NUM']) {
      lua.lua_getfield(L, -1, lit(name));
      lua.lua_setfield(L, -3, lit(name));
    }
    lua.lua_pop(L, 1);
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushjsfunction(L, missing);
    lua.lua_setfield(L, -2, lit('__index'));
    lua.lua_setmetatable(L, -2);
    this.F.setReadonly(L, -1, true);
    lua.lua_setfield(L, -2, lit('redis'));
    lua.lua_createtable(L, 0, 1);
    lua.lua_pushjsfunction(L, missing);
    lua.lua_setfield(L, -2, lit('__index'));
    lua.lua_setmetatable(L, -2);
    this.F.setReadonly(L, -1, true);
    lua.lua_setfield(L, -2, lit('__index'));
    lua.lua_setmetatable(L, -2);
    this.F.setReadonly(L, -1, true);
  }

  /** redis.register_function(name, callback) or redis.register_function{...}, during FUNCTION LOAD. */
  private registerFunction(S: LuaState): number {
    const { lua } = this.F;
    const lib = this.loading;
    const fail = (msg: string): number => {
      lua.lua_settop(S, 0);
      lua.lua_createtable(S, 0, 1);
      lua.lua_pushstring(S, lit(msg));
      lua.lua_setfield(S, -2, lit('err'));
      return lua.lua_error(S);
    };
    if (lib === null) return fail('ERR redis.register_function can only be called on FUNCTION LOAD command');
    const { lauxlib } = this.F;
    const n = lua.lua_gettop(S);
    let name: string | null = null;
    let flags = 0;
    let description: string | null = null;
    let ref = -1;
    const failWith = (msg: string): number => {
      if (ref >= 0) lauxlib.luaL_unref(S, lua.LUA_REGISTRYINDEX, ref);
      return fail(msg);
    };
    if (n === 1) {
      if (lua.lua_type(S, 1) !== lua.LUA_TTABLE) return fail('ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).');
      lua.lua_pushnil(S);
      while (lua.lua_next(S, 1)) {
        if (lua.lua_type(S, -2) !== lua.LUA_TSTRING) return failWith('ERR named argument key given to redis.register_function is not a string');
        const key = fromLua(lua.lua_tolstring(S, -2) as Uint8Array);
        const t = lua.lua_type(S, -1);
        if (key === 'function_name') {
          if (t !== lua.LUA_TSTRING) return failWith('ERR function_name argument given to redis.register_function must be a string');
          name = fromLua(lua.lua_tolstring(S, -1) as Uint8Array);
        } else if (key === 'description') {
          if (t !== lua.LUA_TSTRING) return failWith('ERR description argument given to redis.register_function must be a string');
          description = fromLua(lua.lua_tolstring(S, -1) as Uint8Array);
        } else if (key === 'callback') {
          if (t !== lua.LUA_TFUNCTION) return failWith('ERR callback argument given to redis.register_function must be a function');
          if (ref >= 0) lauxlib.luaL_unref(S, lua.LUA_REGISTRYINDEX, ref);
          lua.lua_pushvalue(S, -1);
          ref = lauxlib.luaL_ref(S, lua.LUA_REGISTRYINDEX);
        } else if (key === 'flags') {
          if (t !== lua.LUA_TTABLE) return failWith('ERR flags argument to redis.register_function must be a table representing function flags');
          for (let i = 1; ; i++) {
            if (lua.lua_rawgeti(S, -1, i) === lua.LUA_TNIL) {
              lua.lua_pop(S, 1);
              break;
            }
            const flag = lua.lua_type(S, -1) === lua.LUA_TSTRING ? FLAG_NAMES[fromLua(lua.lua_tolstring(S, -1) as Uint8Array)] : undefined;
            if (flag === undefined) return failWith('ERR unknown flag given');
            flags |= flag;
            lua.lua_pop(S, 1);
          }
        } else {
          return failWith('ERR unknown argument given to redis.register_function');
        }
        lua.lua_pop(S, 1);
      }
      if (name === null) return failWith('ERR redis.register_function must get a function name argument');
      if (ref < 0) return fail('ERR redis.register_function must get a callback argument');
    } else if (n === 2) {
      if (lua.lua_type(S, 1) !== lua.LUA_TSTRING) return fail('ERR first argument to redis.register_function must be a string');
      if (lua.lua_type(S, 2) !== lua.LUA_TFUNCTION) return fail('ERR second argument to redis.register_function must be a function');
      name = fromLua(lua.lua_tolstring(S, 1) as Uint8Array);
      lua.lua_pushvalue(S, 2);
      ref = lauxlib.luaL_ref(S, lua.LUA_REGISTRYINDEX);
    } else {
      return fail('ERR wrong number of arguments to redis.register_function');
    }
    if (!VALID_NAME.test(name)) return failWith(`ERR ${INVALID_NAME}`);
    if (lib.functions.has(name)) return failWith('ERR Function already exists in the library');
    lib.functions.set(name, { sha: name, body: lib.code, ref, flags, name, description, library: lib });
    return 0;
  }

  /**
   * FUNCTION LOAD: parses the `#!lua name=<lib>` header, runs the code in the library's own
   * environment (where only redis.register_function, redis.log and the version are reachable)
   * and installs the functions it registered; returns the library's name.
   */
  public loadLibrary(code: string, replace: boolean): string {
    const name = parseLibraryHeader(code);
    const old = this.libraries.get(name);
    if (old !== undefined && !replace) throw new ReplyError(`ERR Library '${name}' already exists`);
    const { lua, lauxlib } = this.F;
    const L = this.L;
    const headerEnd = code.indexOf('\n');
    const chunk = toLua(headerEnd < 0 ? '' : code.slice(headerEnd));
    const lib: FunctionLibrary = { name, code, functions: new Map() };
    lua.lua_settop(L, 0);
    if (lauxlib.luaL_loadbufferx(L, chunk, chunk.length, lit('@user_function'), lit('t')) !== lua.LUA_OK) {
      const message = fromLua(lua.lua_tolstring(L, -1) ?? lit('?')).replace(/ near <eof>$/, " near '<eof>'");
      lua.lua_settop(L, 0);
      throw new ReplyError(`ERR Error compiling function: ${message}`);
    }
    this.pushLoadEnvironment();
    lua.lua_pushvalue(L, -1);
    lua.lua_setupvalue(L, 1, 1); // the chunk's _ENV
    const unref = (): void => {
      for (const f of lib.functions.values()) lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, f.ref);
    };
    this.loading = lib;
    let status: number;
    const started = performance.now();
    // Code that runs too long at load time is stopped, as the real server does after 500 ms.
    lua.lua_sethook(L, (S) => {
      if (performance.now() - started < LOAD_TIMEOUT_MS) return;
      lua.lua_createtable(S, 0, 1);
      lua.lua_pushstring(S, lit('ERR FUNCTION LOAD timeout'));
      lua.lua_setfield(S, -2, lit('err'));
      lua.lua_error(S);
    }, lua.LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
    try {
      lua.lua_pushvalue(L, 1);
      status = lua.lua_pcall(L, 0, 0, 0);
    } finally {
      this.loading = null;
      lua.lua_sethook(L, null, 0, 0);
    }
    if (status !== lua.LUA_OK) {
      let msg: string;
      if (lua.lua_type(L, -1) === lua.LUA_TTABLE) {
        lua.lua_getfield(L, -1, lit('err'));
        msg = lua.lua_type(L, -1) === lua.LUA_TSTRING ? fromLua(lua.lua_tolstring(L, -1) as Uint8Array) : 'ERR unknown error';
      } else {
        msg = 'ERR ' + fromLua(lua.lua_tolstring(L, -1) ?? lit('?'));
      }
      lua.lua_settop(L, 0);
      unref();
      throw new ReplyError(`ERR Error registering functions: ${msg}`);
    }
    if (lib.functions.size === 0) {
      lua.lua_settop(L, 0);
      throw new ReplyError('ERR No functions registered');
    }
    for (const f of lib.functions.keys()) {
      const other = this.functions.get(f.toLowerCase());
      if (other !== undefined && other.library !== old) {
        lua.lua_settop(L, 0);
        unref();
        throw new ReplyError(`ERR Function ${f} already exists`);
      }
    }
    // From now on the functions see the globals they run with.
    lua.lua_getmetatable(L, 2);
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, lit(FUNCTION_GLOBALS));
    lua.lua_setfield(L, -2, lit('__index'));
    lua.lua_settop(L, 0);
    if (old !== undefined) this.deleteLibrary(name);
    this.libraries.set(name, lib);
    for (const f of lib.functions.values()) this.functions.set(f.name.toLowerCase(), f);
    return name;
  }

  /** FUNCTION DELETE: false when there is no such library. */
  public deleteLibrary(name: string): boolean {
    const lib = this.libraries.get(name);
    if (lib === undefined) return false;
    const { lua, lauxlib } = this.F;
    for (const f of lib.functions.values()) {
      this.functions.delete(f.name.toLowerCase());
      lauxlib.luaL_unref(this.L, lua.LUA_REGISTRYINDEX, f.ref);
    }
    this.libraries.delete(name);
    return true;
  }

  /** FUNCTION FLUSH. */
  public flushLibraries(): void {
    for (const name of [...this.libraries.keys()]) this.deleteLibrary(name);
  }

  private newThread(): void {
    const { lua, lauxlib } = this.F;
    const L = this.L;
    if (this.threadRef >= 0) lauxlib.luaL_unref(L, lua.LUA_REGISTRYINDEX, this.threadRef);
    this.thread = lua.lua_newthread(L);
    this.threadRef = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    lua.lua_sethook(this.thread, (S) => this.hook(S), lua.LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
  }

  // ------------------------------------------------------------------------------------------
  // The cache

  public exists(sha: string): boolean {
    return this.scripts.has(sha.toLowerCase());
  }

  /** Compiles a script (once) and returns it; throws the real server's errors. */
  public load(body: string): CachedScript {
    const sha = sha1hex(body);
    const cached = this.scripts.get(sha);
    if (cached !== undefined) return cached;
    const { flags, length } = parseShebang(body);
    const { lua, lauxlib } = this.F;
    const L = this.L;
    const code = toLua(length > 0 ? body.slice(length) : body);
    const status = lauxlib.luaL_loadbufferx(L, code, code.length, lit('@user_script'), lit('t'));
    if (status !== lua.LUA_OK) {
      // Lua 5.1 quotes every token in syntax errors, <eof> too.
      const message = fromLua(lua.lua_tolstring(L, -1) ?? lit('?')).replace(/ near <eof>$/, " near '<eof>'");
      lua.lua_pop(L, 1);
      throw new ReplyError(`ERR Error compiling script (new function): ${message}`);
    }
    const ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    const script: CachedScript = { sha, body, ref, flags };
    this.scripts.set(sha, script);
    this.scriptBytes += body.length;
    return script;
  }

  public lookup(sha: string): CachedScript | undefined {
    return this.scripts.get(sha.length === 40 ? sha.toLowerCase() : sha);
  }

  // ------------------------------------------------------------------------------------------
  // Running

  /**
   * Runs a script for `caller` (EVAL/EVALSHA and their _RO forms): checks the script's flags,
   * runs it, writes the reply. When the script yields because it runs long, the reply is written
   * (and the caller resumed) when it ends.
   */
  public eval(caller: Client, script: CachedScript, keys: readonly string[], args: readonly string[], readOnly: boolean): void {
    this.start(caller, script, keys, args, readOnly, false);
  }

  /** FCALL and FCALL_RO: runs a library function with its keys and arguments as two tables. */
  public fcall(caller: Client, fn: LibraryFunction, keys: readonly string[], args: readonly string[], readOnly: boolean): void {
    this.start(caller, fn, keys, args, readOnly, true);
  }

  private start(
    caller: Client, script: CachedScript, keys: readonly string[], args: readonly string[], readOnly: boolean, isFunction: boolean,
  ): void {
    const server = this.server;
    const flags = script.flags;
    const oom = server.maxmemory > 0 && caller.kind !== 'master' && server.usedMemory() > server.maxmemory;
    if (!(flags & ScriptFlag.EVAL_COMPAT)) {
      if (flags & ScriptFlag.NO_CLUSTER && server.cluster !== undefined) throw new ReplyError("ERR Can not run script on cluster, 'no-cluster' flag is set.");
      if (!(flags & ScriptFlag.ALLOW_OOM) && !(flags & ScriptFlag.NO_WRITES) && oom) {
        throw new ReplyError("OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'");
      }
      if (!(flags & ScriptFlag.NO_WRITES)) {
        if (server.role === 'replica' && caller.kind !== 'master') throw new ReplyError('READONLY Can not run script with write flag on readonly replica');
        if (readOnly) throw new ReplyError('ERR Can not execute a script with write flag using *_ro command.');
      }
    }
    const { lua } = this.F;
    const T = this.thread;
    const sc = this.scriptClient;
    sc.db = caller.db;
    sc.user = caller.user;
    sc.w.resp = 2;
    sc.w.doubleStyle = caller.w.doubleStyle;
    this.resp = 2;
    let slot = -1;
    if (server.cluster !== undefined && keys.length > 0) slot = keySlot(keys[0]);
    this.run = {
      caller,
      script,
      readOnly,
      started: performance.now(),
      slot,
      oomAtStart: oom,
      canYield: caller.socket !== null && !caller.inExec && !caller.reprocessing && server.busyReplyThreshold > 0,
      isFunction,
      argv: caller.currentArgv ?? [],
      wrote: false,
      busy: false,
      killed: false,
      lastYield: 0,
    };
    lua.lua_settop(T, 0);
    if (isFunction) {
      lua.lua_rawgeti(T, lua.LUA_REGISTRYINDEX, script.ref);
      for (const list of [keys, args]) {
        lua.lua_createtable(T, list.length, 0);
        for (let i = 0; i < list.length; i++) {
          const s = toLua(list[i]);
          lua.lua_pushlstring(T, s, s.length);
          lua.lua_rawseti(T, -2, i + 1);
        }
      }
      this.resume(2);
    } else {
      this.setArgs(keys, args);
      lua.lua_rawgeti(T, lua.LUA_REGISTRYINDEX, script.ref);
      this.resume(0);
    }
  }

  /** KEYS and ARGV, set as globals (the globals table is read-only to scripts). */
  private setArgs(keys: readonly string[], args: readonly string[]): void {
    const { lua } = this.F;
    const L = this.L;
    lua.lua_pushglobaltable(L);
    this.F.setReadonly(L, -1, false);
    for (const [name, list] of [['KEYS', keys], ['ARGV', args]] as const) {
      lua.lua_createtable(L, list.length, 0);
      for (let i = 0; i < list.length; i++) {
        const s = toLua(list[i]);
        lua.lua_pushlstring(L, s, s.length);
        lua.lua_rawseti(L, -2, i + 1);
      }
      lua.lua_setfield(L, -2, lit(name));
    }
    this.F.setReadonly(L, -1, true);
    lua.lua_pop(L, 1);
  }

  /** Runs (or goes on running) the script until it ends or yields. */
  private resume(nargs = 0): void {
    const { lua } = this.F;
    const run = this.run as Run;
    const T = this.thread;
    const status = lua.lua_resume(T, null, nargs);
    if (status === lua.LUA_YIELD) {
      lua.lua_settop(T, 0);
      run.lastYield = performance.now();
      const timer = setImmediate(() => this.resume());
      void timer;
      return;
    }
    const c = run.caller;
    if (status === lua.LUA_OK) {
      if (lua.lua_gettop(T) === 0) lua.lua_pushnil(T);
      lua.lua_settop(T, 1);
      this.writeReply(c, T);
      lua.lua_settop(T, 0);
    } else {
      try {
        this.writeError(c, T);
      } finally {
        // A thread that raised an error is dead: the next script gets a new one.
        this.newThread();
      }
    }
    this.finish(run);
  }

  /** Ends a run: the propagation of its writes, and the caller goes on if it was kept waiting. */
  private finish(run: Run): void {
    this.run = null;
    this.resp = 2;
    const { lua } = this.F;
    lua.lua_settop(this.L, 0);
    const server = this.server;
    if (run.busy) {
      server.log(`Script ${run.killed ? 'killed' : 'finished'} after ${Math.round(performance.now() - run.started)} milliseconds`);
      server.scriptEnded(run.caller);
    }
  }

  /** The count hook: time checks, BUSY, yields to the event loop, SCRIPT KILL. */
  private hook(T: LuaState): void {
    const run = this.run;
    if (run === null) return;
    const { lua } = this.F;
    if (run.killed) {
      lua.lua_createtable(T, 0, 1);
      lua.lua_pushstring(T, lit(SCRIPT_KILLED));
      lua.lua_setfield(T, -2, lit('err'));
      lua.lua_error(T);
      return;
    }
    const now = performance.now();
    const threshold = this.server.busyReplyThreshold;
    if (!run.busy) {
      if (threshold <= 0 || now - run.started < threshold || !run.canYield) return;
      run.busy = true;
      this.server.log(`Slow script detected: still in execution after ${Math.round(now - run.started)} milliseconds. You can try killing the script using the SCRIPT KILL command. Script name is: ${run.script.sha}.`);
      this.server.scriptBusy(run.caller);
    }
    if (now - run.lastYield >= BUSY_SLICE_MS && lua.lua_isyieldable(T)) lua.lua_yield(T, 0);
  }

  /** SCRIPT KILL (`isEval`) and FUNCTION KILL. */
  public kill(isEval = true): void {
    const run = this.run;
    if (run === null || !run.busy) throw new ReplyError('NOTBUSY No scripts in execution right now.');
    if (isEval === run.isFunction) throw new ReplyError(busyError(this.server.engine, run.isFunction));
    if (run.wrote) {
      throw new ReplyError('UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.');
    }
    run.killed = true;
  }

  // ------------------------------------------------------------------------------------------
  // Lua -> reply

  /** Writes the Lua value at the top of `T` as the reply (luaReplyToRedisReply). */
  private writeReply(c: Client, T: LuaState, depth = 0): void {
    const { lua } = this.F;
    const w = c.w;
    const t = lua.lua_type(T, -1);
    if (!lua.lua_checkstack(T, 4)) {
      w.error('ERR reached lua stack limit');
      return;
    }
    switch (t) {
      case lua.LUA_TSTRING:
        w.bulk(fromLua(lua.lua_tolstring(T, -1) as Uint8Array));
        return;
      case lua.LUA_TBOOLEAN:
        if (this.resp === 2) {
          if (lua.lua_toboolean(T, -1)) w.int(1);
          else w.nullBulk();
        } else {
          w.bool(lua.lua_toboolean(T, -1));
        }
        return;
      case lua.LUA_TNUMBER:
        w.int(toLongLong(lua.lua_tonumber(T, -1)));
        return;
      case lua.LUA_TTABLE:
        this.writeTable(c, T, depth);
        return;
      default:
        w.nullBulk();
    }
  }

  private writeTable(c: Client, T: LuaState, depth: number): void {
    const { lua } = this.F;
    const w = c.w;
    // {err=...}
    const err = this.stringField(T, 'err');
    if (err !== undefined) {
      w.error(err);
      return;
    }
    const ok = this.stringField(T, 'ok');
    if (ok !== undefined) {
      w.status(ok.replace(/[\r\n]/g, ' '));
      return;
    }
    if (this.field(T, 'double') === lua.LUA_TNUMBER) {
      const d = lua.lua_tonumber(T, -1);
      lua.lua_pop(T, 1);
      w.double(d);
      return;
    }
    lua.lua_pop(T, 1);
    const bigNumber = this.stringField(T, 'big_number');
    if (bigNumber !== undefined) {
      w.bigNumber(bigNumber.replace(/[\r\n]/g, ' '));
      return;
    }
    if (this.field(T, 'map') === lua.LUA_TTABLE) {
      this.writePairs(c, T, depth, true);
      lua.lua_pop(T, 1);
      return;
    }
    lua.lua_pop(T, 1);
    if (this.field(T, 'set') === lua.LUA_TTABLE) {
      this.writePairs(c, T, depth, false);
      lua.lua_pop(T, 1);
      return;
    }
    lua.lua_pop(T, 1);
    if (this.field(T, 'verbatim_string') === lua.LUA_TTABLE) {
      const format = this.stringField(T, 'format');
      const s = this.stringField(T, 'string');
      if (format !== undefined && s !== undefined && format.length === 3) {
        lua.lua_pop(T, 1);
        if (w.resp === 3) w.raw('=' + (s.length + 4) + '\r\n' + format + ':' + s + '\r\n');
        else w.bulk(s);
        return;
      }
    }
    lua.lua_pop(T, 1);
    // An array, up to the first nil.
    let n = 0;
    const header = w.out.length;
    w.out += '*0\r\n';
    const bodyStart = w.out.length;
    for (;;) {
      lua.lua_rawgeti(T, -1, n + 1);
      if (lua.lua_type(T, -1) === lua.LUA_TNIL) {
        lua.lua_pop(T, 1);
        break;
      }
      this.writeReply(c, T, depth + 1);
      lua.lua_pop(T, 1);
      n++;
    }
    if (n > 0) w.out = w.out.slice(0, header) + '*' + n + '\r\n' + w.out.slice(bodyStart);
  }

  /** A map (`{map={...}}`) or set (`{set={...}}`): every key of the table at the top. */
  private writePairs(c: Client, T: LuaState, depth: number, isMap: boolean): void {
    const { lua } = this.F;
    const w = c.w;
    const header = w.out.length;
    w.out += '*0\r\n';
    const bodyStart = w.out.length;
    let n = 0;
    lua.lua_pushnil(T);
    while (lua.lua_next(T, -2)) {
      // Key at -2, value at -1: write the key from a copy (lua_next needs the original).
      lua.lua_pushvalue(T, -2);
      this.writeReply(c, T, depth + 1);
      lua.lua_pop(T, 1);
      if (isMap) this.writeReply(c, T, depth + 1);
      lua.lua_pop(T, 1);
      n++;
    }
    const head = isMap ? (w.resp === 3 ? '%' + n : '*' + n * 2) : (w.resp === 3 ? '~' + n : '*' + n);
    w.out = w.out.slice(0, header) + head + '\r\n' + w.out.slice(bodyStart);
  }

  /** Pushes `t[name]` (raw) for the table at the top; returns its type. */
  private field(T: LuaState, name: string): number {
    const { lua } = this.F;
    lua.lua_pushstring(T, lit(name));
    return lua.lua_rawget(T, -2);
  }

  /** The string field `name` of the table on top of the stack (the stack left as it was). */
  private stringField(T: LuaState, name: string): string | undefined {
    const { lua } = this.F;
    const value = this.field(T, name) === lua.LUA_TSTRING ? fromLua(lua.lua_tolstring(T, -1) as Uint8Array) : undefined;
    lua.lua_pop(T, 1);
    return value;
  }

  /** Writes the error a failed script ends with: `<err> script: <sha>, on <source>:<line>.` */
  private writeError(c: Client, T: LuaState): void {
    const { lua } = this.F;
    const run = this.run as Run;
    let msg: string;
    lua.lua_checkstack(T, 4);
    const t = lua.lua_type(T, -1);
    if (t === lua.LUA_TTABLE) {
      msg = this.stringField(T, 'err') ?? 'ERR unknown error';
    } else if (t === lua.LUA_TSTRING || t === lua.LUA_TNUMBER) {
      msg = 'ERR ' + fromLua(lua.lua_tolstring(T, -1) as Uint8Array);
    } else {
      msg = 'ERR ' + (t === lua.LUA_TNIL ? 'nil' : fromLua(lua.lua_typename(T, t)));
    }
    const where = this.errorLocation(T);
    if (where !== null) msg += ` script: ${run.script.sha}, on ${where}.`;
    c.w.error(msg);
  }

  /** `@user_script:<line>` of the Lua function that raised the error (the dead thread's stack). */
  private errorLocation(T: LuaState): string | null {
    const { lua } = this.F;
    const ar = this.debug;
    for (let level = 0; level < 2; level++) {
      if (!lua.lua_getstack(T, level, ar)) return null;
      lua.lua_getinfo(T, lit('Sl'), ar);
      const what = ar.what === null ? '' : fromLua(ar.what);
      if (what === 'J' || what === 'C') continue;
      const source = ar.source === null ? '?' : fromLua(ar.source);
      return `${source}:${ar.currentline}`;
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------
  // redis.call / redis.pcall

  /**
   * Runs a command from the script (scriptCall): returns the raw reply, or throws the message of
   * the error the script sees (a Lua error table for redis.call, the returned table for pcall).
   */
  public call(argv: string[]): string {
    const run = this.run;
    const server = this.server;
    const sc = this.scriptClient;
    if (run === null) throw new ScriptCallError('ERR redis.call can only be called inside a script invocation');
    let cmd = server.lookupCommand(argv[0]);
    if (cmd !== undefined && server.restricted !== null && server.restricted.has(cmd.name)) cmd = undefined;
    if (cmd !== undefined && cmd.subcommands !== undefined && (argv.length >= 2 || cmd.handler === undefined)) {
      const sub = argv.length >= 2 ? cmd.subcommands.get(argv[1].toLowerCase()) : undefined;
      cmd = sub !== undefined && !(server.restricted?.has(sub.fullName) ?? false) ? sub : argv.length < 2 ? cmd : undefined;
    }
    if (cmd === undefined) throw new ScriptCallError('ERR Unknown Redis command called from script');
    if (!cmd.arityOk(argv.length) || cmd.subcommands !== undefined) throw new ScriptCallError('ERR Wrong number of args calling Redis command from script');
    if (cmd.noScript) throw new ScriptCallError('ERR This Redis command is not allowed from script');
    const caller = run.caller;
    if (!sc.user.allowsAll) {
      const denial = sc.user.permits(cmd, argv);
      if (denial !== null) {
        server.acl.addLogEntry(sc, denial.reason, denial.object);
        throw new ScriptCallError(this.noPermission(cmd, denial));
      }
    }
    if (cmd.isWrite) {
      if (run.readOnly || (run.script.flags & ScriptFlag.NO_WRITES)) throw new ScriptCallError('ERR Write commands are not allowed from read-only scripts.');
      if (server.role === 'replica' && caller.kind !== 'master') throw new ScriptCallError("READONLY You can't write against a read only replica.");
    }
    if (run.oomAtStart && !run.wrote && cmd.denyOom && !(run.script.flags & ScriptFlag.ALLOW_OOM) && caller.kind !== 'master') {
      throw new ScriptCallError("OOM command not allowed when used memory > 'maxmemory'.");
    }
    if (server.cluster !== undefined && caller.kind !== 'master') this.checkCluster(run, cmd, argv);
    const dirty = server.dirty;
    const mark = sc.w.out.length;
    sc.now = server.clock.now();
    server.call(sc, cmd, argv);
    if (cmd.isWrite && server.dirty !== dirty) run.wrote = true;
    const reply = sc.w.out.slice(mark);
    sc.w.out = '';
    return reply;
  }

  /** Why a command called from a script is refused by ACL, in this engine's wording. */
  private noPermission(cmd: Command, denial: AclDenial): string {
    const server = this.server;
    if (server.acl.style === '7.0') {
      switch (denial.reason) {
        case 'command': return "ERR The user executing the script can't run this command or subcommand";
        case 'key': return "ERR The user executing the script can't access at least one of the keys mentioned in the command";
        case 'channel': return "ERR The user executing the script can't publish to the channel mentioned in the command";
        default: return 'ERR The user executing the script is lacking the permissions for the command';
      }
    }
    return noPermissionMessage(server.acl.style, this.scriptClient.user.name, denial, cmd.fullName);
  }

  /** Cluster mode: the command's keys must be served here, in the slot of the script's keys. */
  private checkCluster(run: Run, cmd: Command, argv: readonly string[]): void {
    const sc = this.scriptClient;
    sc.readonlyMode = run.caller.readonlyMode;
    sc.asking = run.caller.asking;
    const redirect = this.server.cluster?.route(sc, cmd, argv) ?? null;
    if (redirect !== null) {
      if (redirect.startsWith('CLUSTERDOWN')) throw new ScriptCallError('ERR Script attempted to execute a command while the cluster is down');
      throw new ScriptCallError(`ERR Script attempted to access a non local key in a cluster node script: ${run.script.sha}`);
    }
    if (run.script.flags & ScriptFlag.ALLOW_CROSS_SLOT) return;
    for (const i of cmd.keyIndexes(argv)) {
      const slot = keySlot(argv[i]);
      if (run.slot === -1) run.slot = slot;
      else if (run.slot !== slot) throw new ScriptCallError('ERR Script attempted to access keys that do not hash to the same slot');
    }
  }

  /** redis.setresp. */
  public setResp(resp: 2 | 3): void {
    this.resp = resp;
    this.scriptClient.w.resp = resp;
  }

  public get currentResp(): 2 | 3 {
    return this.resp;
  }

  /** Whether the script calling into the engine is a SCRIPT LOAD / EVAL body, for redis.log. */
  public get running(): Run | null {
    return this.run;
  }
}

/** The BUSY error clients get while a long script (or function) runs. */
export function busyError(engine: string, isFunction: boolean): string {
  return `BUSY ${engine === 'valkey' ? 'Valkey' : 'Redis'} is busy running a script. You can only call ${isFunction ? 'FUNCTION' : 'SCRIPT'} KILL or SHUTDOWN NOSAVE.`;
}

/** An error a command called from a script answered with (or a refusal to run it). */
export class ScriptCallError {
  constructor(public readonly message: string) {}
}

/** C's `(long long)` cast of a double on x86-64: truncation; NaN and out of range give LLONG_MIN. */
export function toLongLong(d: number): number | bigint {
  if (!(d >= -9223372036854775808 && d < 9223372036854775808)) return -9223372036854775808n;
  const t = Math.trunc(d);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}
