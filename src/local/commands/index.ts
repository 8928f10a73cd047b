import { commands as acl } from './acl';
import { commands as bitmap } from './bitmap';
import { commands as cluster } from './cluster';
import { commands as connection } from './connection';
import { commands as hash } from './hash';
import { commands as hyperloglog } from './hyperloglog';
import { commands as keys } from './keys';
import { commands as lists } from './list';
import { commands as pubsub } from './pubsub';
import { commands as replication } from './replication';
import { commands as server } from './server';
import { commands as set } from './set';
import { commands as string } from './string';
import { commands as transactions } from './transactions';
import { Command, CommandDef } from './types';
import { commands as zset } from './zset';

/** Every command family; each file exports its definitions. */
const FAMILIES: ReadonlyArray<readonly CommandDef[]> = [
  connection,
  server,
  keys,
  string,
  transactions,
  pubsub,
  replication,
  cluster,
  bitmap,
  hyperloglog,
  hash,
  set,
  lists,
  zset,
  acl,
];

export interface CommandTable {
  /** Lookup by lower-case and by upper-case name (clients send either). */
  readonly byName: Map<string, Command>;
  /** Commands in definition order. */
  readonly list: Command[];
}

let cached: { defs: CommandDef[] } | undefined;

/** Compiles the command table (one per server: commands carry per-server statistics). */
export function buildCommandTable(): CommandTable {
  cached ??= { defs: FAMILIES.flat() };
  const byName = new Map<string, Command>();
  const list: Command[] = [];
  let id = 0;
  for (const def of cached.defs) {
    if (byName.has(def.name)) throw new Error(`Command '${def.name}' is defined twice`);
    const cmd = new Command(def);
    cmd.id = id++;
    for (const sub of cmd.subcommands?.values() ?? []) sub.id = id++;
    list.push(cmd);
    byName.set(def.name, cmd);
    byName.set(def.name.toUpperCase(), cmd);
  }
  return { byName, list };
}
