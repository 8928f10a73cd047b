import type { Client } from '../client';
import { writeHelp } from './config';
import { CommandDef } from './types';
import { globMatch } from '../util/glob';

type Kind = 'channel' | 'pattern' | 'shard';

const SUBSCRIBE_FLAGS = ['pubsub', 'noscript', 'loading', 'stale'] as const;

/** Pub/Sub: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH, PUBSUB. */
export const commands: CommandDef[] = [
  subscribeCommand('subscribe', 'channel', -2, '2.0.0', 'Listens for messages published to channels.'),
  subscribeCommand('psubscribe', 'pattern', -2, '2.0.0', 'Listens for messages published to channels that match one or more patterns.'),
  subscribeCommand('ssubscribe', 'shard', -2, '7.0.0', 'Listens for messages published to shard channels.'),
  unsubscribeCommand('unsubscribe', 'channel', '2.0.0', 'Stops listening to messages posted to channels.'),
  unsubscribeCommand('punsubscribe', 'pattern', '2.0.0', 'Stops listening to messages published to channels that match one or more patterns.'),
  unsubscribeCommand('sunsubscribe', 'shard', '7.0.0', 'Stops listening to messages posted to shard channels.'),
  {
    name: 'publish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'],
    acl: [],
    group: 'pubsub',
    since: '2.0.0',
    summary: 'Posts a message to a channel.',
    complexity: 'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    handler: (c, argv) => {
      const receivers = c.server.publish(argv[1], argv[2]);
      // Outside cluster mode the message goes down the replication stream, so subscribers of
      // replicas (the reader endpoint) get it too; in cluster mode the cluster bus carries it.
      if (c.server.cluster === undefined) (c.extraPropagation ??= []).push([...argv]);
      c.w.int(receivers);
    },
  },
  {
    name: 'spublish',
    arity: 3,
    flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'],
    acl: [],
    keys: { first: 1, last: 1, step: 1 },
    keyAccess: 'read',
    group: 'pubsub',
    since: '7.0.0',
    summary: 'Post a message to a shard channel',
    complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
    handler: (c, argv) => c.w.int(c.server.publishShard(argv[1], argv[2])),
  },
  {
    name: 'pubsub',
    arity: -2,
    flags: [],
    acl: [],
    group: 'pubsub',
    since: '2.8.0',
    summary: 'A container for Pub/Sub commands.',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'channels',
        arity: -2,
        flags: ['pubsub', 'loading', 'stale'],
        acl: [],
        group: 'pubsub',
        since: '2.8.0',
        summary: 'Returns the active channels.',
        complexity: 'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)',
        handler: (c, argv) => c.w.bulkArray(activeNames(c.server.pubsub.channels, argv[2])),
      },
      {
        name: 'numsub',
        arity: -2,
        flags: ['pubsub', 'loading', 'stale'],
        acl: [],
        group: 'pubsub',
        since: '2.8.0',
        summary: 'Returns a count of subscribers to channels.',
        complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels',
        handler: (c, argv) => numsub(c, c.server.pubsub.channels, argv),
      },
      {
        name: 'numpat',
        arity: 2,
        flags: ['pubsub', 'loading', 'stale'],
        acl: [],
        group: 'pubsub',
        since: '2.8.0',
        summary: 'Returns a count of unique pattern subscriptions.',
        complexity: 'O(1)',
        handler: (c) => c.w.int(c.server.pubsub.patterns.size),
      },
      {
        name: 'shardchannels',
        arity: -2,
        flags: ['pubsub', 'loading', 'stale'],
        acl: [],
        group: 'pubsub',
        since: '7.0.0',
        summary: 'Returns the active shard channels.',
        complexity: 'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).',
        handler: (c, argv) => c.w.bulkArray(activeNames(c.server.pubsub.shardChannels, argv[2])),
      },
      {
        name: 'shardnumsub',
        arity: -2,
        flags: ['pubsub', 'loading', 'stale'],
        acl: [],
        group: 'pubsub',
        since: '7.0.0',
        summary: 'Returns the count of subscribers of shard channels.',
        complexity: 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
        handler: (c, argv) => numsub(c, c.server.pubsub.shardChannels, argv),
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: [],
        group: 'pubsub',
        since: '6.2.0',
        summary: 'Returns helpful text about the different subcommands.',
        complexity: 'O(1)',
        handler: (c) => writeHelp(c, 'PUBSUB', [
          'CHANNELS [<pattern>]',
          '    The active channels, those matching <pattern> if given.',
          'NUMPAT',
          '    How many pattern subscriptions there are.',
          'NUMSUB [<channel> ...]',
          '    How many clients subscribe to each channel (patterns not counted).',
          'SHARDCHANNELS [<pattern>]',
          '    The active shard channels, those matching <pattern> if given.',
          'SHARDNUMSUB [<shardchannel> ...]',
          '    How many clients subscribe to each shard channel.',
        ]),
      },
    ],
  },
];

function subscribeCommand(name: string, kind: Kind, arity: number, since: string, summary: string): CommandDef {
  return {
    name,
    arity,
    flags: [...SUBSCRIBE_FLAGS],
    acl: [],
    ...(kind === 'shard' ? { keys: { first: 1, last: -1, step: 1 }, keyAccess: 'read' as const } : {}),
    group: 'pubsub',
    since,
    summary,
    complexity: 'O(N) where N is the number of channels to subscribe to.',
    handler: (c, argv) => {
      const event = name;
      for (let i = 1; i < argv.length; i++) {
        c.server.pubsub.subscribe(kind, c, argv[i]);
        c.w.push(3);
        c.w.bulk(event);
        c.w.bulk(argv[i]);
        c.w.int(subscriptionCount(c, kind));
      }
    },
  };
}

function unsubscribeCommand(name: string, kind: Kind, since: string, summary: string): CommandDef {
  return {
    name,
    arity: -1,
    flags: [...SUBSCRIBE_FLAGS],
    acl: [],
    ...(kind === 'shard' ? { keys: { first: 1, last: -1, step: 1 }, keyAccess: 'read' as const } : {}),
    group: 'pubsub',
    since,
    summary,
    complexity: 'O(N) where N is the number of channels to unsubscribe.',
    handler: (c, argv) => {
      const own = kind === 'channel' ? c.channels : kind === 'pattern' ? c.patterns : c.shardChannels;
      const names = argv.length > 1 ? argv.slice(1) : [...own];
      if (names.length === 0) {
        // Nothing to leave: one reply with a null name and the current count.
        c.w.push(3);
        c.w.bulk(name);
        c.w.nullBulk();
        c.w.int(subscriptionCount(c, kind));
        return;
      }
      for (const channel of names) {
        c.server.pubsub.unsubscribe(kind, c, channel);
        c.w.push(3);
        c.w.bulk(name);
        c.w.bulk(channel);
        c.w.int(subscriptionCount(c, kind));
      }
    },
  };
}

/** Channels and patterns count together; shard channels count apart. */
function subscriptionCount(c: Client, kind: Kind): number {
  return kind === 'shard' ? c.shardChannels.size : c.channels.size + c.patterns.size;
}

function activeNames(registry: Map<string, Set<Client>>, pattern: string | undefined): string[] {
  const out: string[] = [];
  for (const name of registry.keys()) if (pattern === undefined || globMatch(pattern, name)) out.push(name);
  return out;
}

/** Channel, count, channel, count...: a flat array in RESP3 too, as redis-server replies. */
function numsub(c: Client, registry: Map<string, Set<Client>>, argv: string[]): void {
  c.w.array((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    c.w.bulk(argv[i]);
    c.w.int(registry.get(argv[i])?.size ?? 0);
  }
}
