import { commands as acl } from './acl';
import { commands as bitmap } from './bitmap';
import { commands as client } from './client';
import { commands as cluster } from './cluster';
import { commands as config } from './config';
import { commands as connection } from './connection';
import { commands as functions } from './functions';
import { commands as hash } from './hash';
import { commands as hyperloglog } from './hyperloglog';
import { commands as introspection } from './introspection';
import { commands as keys } from './keys';
import { commands as lists } from './list';
import { commands as pubsub } from './pubsub';
import { commands as replication } from './replication';
import { commands as scripting } from './scripting';
import { commands as server } from './server';
import { commands as set } from './set';
import { commands as string } from './string';
import { commands as transactions } from './transactions';
import { Command, CommandDef, CommandEngineView, redisBaseVersion } from './types';
import { compareVersions } from '../config';
import { commands as zset } from './zset';

/** Every command family; each file exports its definitions. */
const FAMILIES: ReadonlyArray<readonly CommandDef[]> = [
  connection,
  server,
  keys,
  string,
  transactions,
  scripting,
  functions,
  pubsub,
  replication,
  cluster,
  bitmap,
  hyperloglog,
  hash,
  set,
  lists,
  zset,
  config,
  client,
  introspection,
  acl,
];

export interface CommandTable {
  /** Lookup by lower-case and by upper-case name (clients send either). */
  readonly byName: Map<string, Command>;
  /** Commands in definition order. */
  readonly list: Command[];
}

let cached: { defs: CommandDef[] } | undefined;

/** The engine a command table is built for: commands newer than its version are unknown. */
export interface CommandTableEngine {
  readonly engine: 'valkey' | 'redis';
  readonly version: string;
}

/** Whether an engine has a command (or subcommand): its `since` is not newer than the engine. */
export function commandAvailable(def: CommandDef, engine: CommandTableEngine | undefined): boolean {
  if (engine === undefined) return true;
  if (def.valkeySince !== undefined) return engine.engine === 'valkey' && compareVersions(def.valkeySince, engine.version) <= 0;
  return compareVersions(def.since, redisBaseVersion(engine)) <= 0;
}

/** A command's arity in an engine: `earlierArity` for engines older than the change. */
export function commandArity(def: CommandDef, engine: CommandTableEngine | undefined): number {
  const earlier = def.earlierArity;
  if (earlier === undefined || engine === undefined) return def.arity;
  return compareVersions(redisBaseVersion(engine), earlier.before) < 0 ? earlier.arity : def.arity;
}

/**
 * Compiles the command table (one per server: commands carry per-server statistics). With an
 * engine, commands and subcommands introduced after its version are left out, as the real server
 * of that version does not know them.
 */
export function buildCommandTable(engine?: CommandTableEngine): CommandTable {
  cached ??= { defs: FAMILIES.flat() };
  const byName = new Map<string, Command>();
  const list: Command[] = [];
  let id = 0;
  const view: CommandEngineView = {
    available: (def) => commandAvailable(def, engine),
    arity: (def) => commandArity(def, engine),
  };
  for (const def of cached.defs) {
    if (byName.has(def.name)) throw new Error(`Command '${def.name}' is defined twice`);
    if (!view.available(def)) continue;
    const cmd = new Command(def, undefined, view);
    cmd.id = id++;
    for (const sub of cmd.subcommands?.values() ?? []) sub.id = id++;
    list.push(cmd);
    byName.set(def.name, cmd);
    byName.set(def.name.toUpperCase(), cmd);
  }
  return { byName, list };
}
