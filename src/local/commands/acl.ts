import { randomBytes } from 'node:crypto';
import { AclUser, noPermissionMessage } from '../acl';
import type { Client } from '../client';
import { toLong } from './args';
import { ACL_CATEGORIES, Command, CommandDef, CommandFlag, ReplyError, wrongArity } from './types';

const ADMIN: CommandFlag[] = ['admin', 'noscript', 'loading', 'stale'];
const PLAIN: CommandFlag[] = ['noscript', 'loading', 'stale'];

function sub(name: string, arity: number, flags: CommandFlag[], summary: string, complexity: string, handler: CommandDef['handler']): CommandDef {
  return { name, arity, flags, acl: [], group: 'server', since: '6.0.0', summary, complexity, handler };
}

/** ACL: users, permissions and the ACL log. */
export const commands: CommandDef[] = [
  {
    name: 'acl',
    arity: -2,
    flags: [],
    acl: [],
    group: 'server',
    since: '6.0.0',
    summary: 'A container for Access List Control commands.',
    complexity: 'Depends on subcommand.',
    subcommands: [
      sub('cat', -2, PLAIN, 'Lists the ACL categories, or the commands inside a category.', 'O(1) since the categories and commands are a fixed set.', cat),
      sub('deluser', -3, ADMIN, 'Deletes ACL users, and terminates their connections.', 'O(1) amortized time considering the typical user.', deluser),
      { ...sub('dryrun', -4, ADMIN, 'Simulates the execution of a command by a user, without executing the command.', 'O(1).', dryrun), since: '7.0.0' },
      sub('genpass', -2, PLAIN, 'Generates a pseudorandom, secure password that can be used to identify ACL users.', 'O(1)', genpass),
      sub('getuser', 3, ADMIN, 'Lists the ACL rules of a user.', 'O(N). Where N is the number of password, command and pattern rules that the user has.', getuser),
      sub('help', 2, ['loading', 'stale'], 'Returns helpful text about the different subcommands.', 'O(1)', help),
      sub('list', 2, ADMIN, 'Dumps the effective rules in ACL file format.', 'O(N). Where N is the number of configured users.', (c) => {
        const acl = c.server.acl;
        c.w.bulkArray(acl.sortedUsers().map((u) => `user ${u.name} ${u.describe(acl.style)}`));
      }),
      sub('load', 2, ADMIN, 'Reloads the rules from the configured ACL file.', 'O(N). Where N is the number of configured users.', noAclFile),
      { ...sub('log', -2, ADMIN, 'Lists recent security events generated due to ACL rejections.', 'O(N) with N being the number of entries shown.', log), since: '6.0.0' },
      sub('save', 2, ADMIN, 'Saves the effective ACL rules in the configured ACL file.', 'O(N). Where N is the number of configured users.', noAclFile),
      sub('setuser', -3, ADMIN, 'Creates and modifies an ACL user and its rules.', 'O(N). Where N is the number of rules provided.', setuser),
      sub('users', 2, ADMIN, 'Lists all ACL users.', 'O(N). Where N is the number of configured users.', (c) => c.w.bulkArray(c.server.acl.sortedUsers().map((u) => u.name))),
      sub('whoami', 2, PLAIN, 'Returns the authenticated username of the current connection.', 'O(1)', (c) => c.w.bulk(c.user.name)),
    ],
  },
];

/** The reply to a subcommand called with a number of arguments it does not take. */
function syntaxError(argv: string[]): ReplyError {
  return new ReplyError(`ERR unknown subcommand or wrong number of arguments for '${argv[1].slice(0, 128)}'. Try ${argv[0].toUpperCase()} HELP.`);
}

/** C isspace() plus NUL. */
function hasSpaces(s: string): boolean {
  return /[ \t\n\v\f\r\0]/.test(s);
}

function setuser(c: Client, argv: string[]): void {
  const name = argv[2];
  if (hasSpaces(name)) throw new ReplyError("ERR Usernames can't contain spaces or null characters");
  const error = c.server.acl.setUser(name, argv.slice(3), c, c.server.clients.values());
  if (error !== null) throw new ReplyError('ERR ' + error);
  c.w.ok();
}

function deluser(c: Client, argv: string[]): void {
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === 'default') throw new ReplyError("ERR The 'default' user cannot be removed");
  }
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) {
    if (c.server.acl.deleteUser(argv[i], c, c.server.clients.values())) deleted++;
  }
  c.w.int(deleted);
}

function getuser(c: Client, argv: string[]): void {
  const acl = c.server.acl;
  const user = acl.users.get(argv[2]);
  if (user === undefined) {
    c.w.nullBulk();
    return;
  }
  c.w.map(6);
  c.w.bulk('flags');
  const flags = user.flags();
  c.w.set(flags.length);
  for (const f of flags) c.w.bulk(f);
  c.w.bulk('passwords');
  c.w.bulkArray([...user.passwords]);
  describeSelector(c, user, 0);
  c.w.bulk('selectors');
  c.w.array(user.selectors.length - 1);
  for (let i = 1; i < user.selectors.length; i++) {
    c.w.map(3);
    describeSelector(c, user, i);
  }
}

function describeSelector(c: Client, user: AclUser, index: number): void {
  const selector = user.selectors[index];
  c.w.bulk('commands');
  c.w.bulk(selector.describeCommands(c.server.acl.style));
  c.w.bulk('keys');
  c.w.bulk(selector.describeKeys());
  c.w.bulk('channels');
  c.w.bulk(selector.describeChannels());
}

function noAclFile(c: Client): void {
  if (c.server.engine === 'valkey') {
    throw new ReplyError('ERR This instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a configuration file set) in order to store users in the configuration.');
  }
  throw new ReplyError('ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.');
}

function cat(c: Client, argv: string[]): void {
  if (argv.length > 3) throw syntaxError(argv);
  if (argv.length === 2) {
    c.w.bulkArray([...ACL_CATEGORIES]);
    return;
  }
  const name = argv[2].toLowerCase();
  const category = ACL_CATEGORIES.find((cat_) => cat_ === name);
  if (category === undefined) throw new ReplyError(`ERR Unknown category '${argv[2].slice(0, 128)}'`);
  const names: string[] = [];
  c.server.acl.commands.forEach((cmd) => {
    if (cmd.categories.includes(category)) names.push(cmd.fullName);
  });
  c.w.bulkArray(names);
}

const GENPASS_MAX_BITS = 4096;

function genpass(c: Client, argv: string[]): void {
  if (argv.length > 3) throw syntaxError(argv);
  const bits = argv.length === 3 ? toLong(argv[2]) : 256;
  if (bits <= 0 || bits > GENPASS_MAX_BITS) {
    throw new ReplyError(`ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to ${GENPASS_MAX_BITS}`);
  }
  const chars = Math.floor((bits + 3) / 4);
  c.w.bulk(randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars));
}

/** ACL LOG [count | RESET] */
function log(c: Client, argv: string[]): void {
  if (argv.length > 3) throw syntaxError(argv);
  const acl = c.server.acl;
  let count = 10;
  if (argv.length === 3) {
    if (argv[2].toLowerCase() === 'reset') {
      acl.log.length = 0;
      c.w.ok();
      return;
    }
    count = Math.max(0, toLong(argv[2]));
  }
  count = Math.min(count, acl.log.length);
  const now = c.server.clock.now();
  // Redis 7.2 and Valkey add the entry id and the creation and update times.
  const extended = acl.style !== '7.0';
  c.w.array(count);
  for (let i = 0; i < count; i++) {
    const e = acl.log[i];
    c.w.map(extended ? 10 : 7);
    c.w.bulk('count');
    c.w.int(e.count);
    c.w.bulk('reason');
    c.w.bulk(e.reason);
    c.w.bulk('context');
    c.w.bulk(e.context);
    c.w.bulk('object');
    c.w.bulk(e.object);
    c.w.bulk('username');
    c.w.bulk(e.username);
    c.w.bulk('age-seconds');
    c.w.double((now - e.updated) / 1000);
    c.w.bulk('client-info');
    c.w.bulk(e.clientInfo);
    if (extended) {
      c.w.bulk('entry-id');
      c.w.int(e.entryId);
      c.w.bulk('timestamp-created');
      c.w.int(e.created);
      c.w.bulk('timestamp-last-updated');
      c.w.int(e.updated);
    }
  }
}

/** ACL DRYRUN username command [arg ...] */
function dryrun(c: Client, argv: string[]): void {
  const acl = c.server.acl;
  const user = acl.users.get(argv[2]);
  if (user === undefined) throw new ReplyError(`ERR User '${argv[2]}' not found`);
  const args = argv.slice(3);
  const cmd = lookupForDryRun(c, args);
  if (cmd === undefined) throw new ReplyError(`ERR Command '${argv[3]}' not found`);
  if (!cmd.arityOk(args.length)) throw new ReplyError(wrongArity(cmd.fullName));
  const denial = user.permits(cmd, args);
  if (denial === null) {
    c.w.ok();
    return;
  }
  if (acl.style === '7.0') {
    const what = denial.reason === 'command' ? `run the '${cmd.fullName}' command` : `access the '${denial.object}' ${denial.reason}`;
    c.w.bulk(`This user has no permissions to ${what}`);
  } else if (denial.reason === 'command') {
    c.w.bulk(noPermissionMessage(acl.style, user.name, denial, cmd.fullName).slice('NOPERM '.length));
  } else {
    c.w.bulk(`User ${user.name} has no permissions to access the '${denial.object}' ${denial.reason}`);
  }
}

/** The command (or subcommand) a request names, as the server looks it up; a container alone is itself. */
function lookupForDryRun(c: Client, args: string[]): Command | undefined {
  const base = c.server.lookupCommand(args[0]);
  if (base === undefined || base.subcommands === undefined || args.length === 1) return base;
  return base.subcommands.get(args[1].toLowerCase());
}

function help(c: Client): void {
  const lines = [
    'ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'CAT [<category>]',
    '    List all commands that belong to <category>, or all command categories',
    '    when no category is specified.',
    'DELUSER <username> [<username> ...]',
    '    Delete a list of users.',
    'DRYRUN <username> <command> [<arg> ...]',
    '    Returns whether the user can execute the given command without executing the command.',
    'GETUSER <username>',
    "    Get the user's details.",
    'GENPASS [<bits>]',
    '    Generate a secure 256-bit user password. The optional `bits` argument can',
    '    be used to specify a different size.',
    'LIST',
    '    Show users details in config file format.',
    'LOAD',
    '    Reload users from the ACL file.',
    'LOG [<count> | RESET]',
    '    Show the ACL log entries.',
    'SAVE',
    '    Save the current config to the ACL file.',
    'SETUSER <username> <attribute> [<attribute> ...]',
    '    Create or modify a user with the specified attributes.',
    'USERS',
    '    List all the registered usernames.',
    'WHOAMI',
    '    Return the current connection username.',
    'HELP',
    // Redis 7.2 and Valkey changed the last line's verb.
    c.server.acl.style === '7.0' ? '    Prints this help.' : '    Print this help.',
  ];
  c.w.array(lines.length);
  for (const line of lines) c.w.status(line);
}
