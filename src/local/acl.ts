import { createHash } from 'node:crypto';
import type { Command } from './commands/types';

/** Why a command was refused (ACL LOG and the -NOPERM reply name it). */
export interface AclDenial {
  readonly reason: 'command' | 'key' | 'channel' | 'auth';
  /** The command, key or channel that was refused. */
  readonly object: string;
}

export function sha256Hex(password: string): string {
  return createHash('sha256').update(Buffer.from(password, 'latin1')).digest('hex');
}

/**
 * A user of the access control list. The default user allows everything; other users carry
 * rules (commands, key patterns, channel patterns) set with ACL SETUSER or from the template.
 */
export class AclUser {
  public enabled = false;
  public nopass = false;
  /** SHA-256 hex digests of the accepted passwords. */
  public readonly passwords = new Set<string>();
  /**
   * Set when the user may run every command on every key and channel, so the per-command check
   * is skipped entirely.
   */
  public allowsAll = false;

  constructor(public readonly name: string) {}

  /**
   * Checks a command against the user's rules. Installed by the ACL rule engine; the initial
   * check refuses everything a user that does not allow all is asked.
   */
  public check: (user: AclUser, cmd: Command, argv: readonly string[]) => AclDenial | null =
    (_user, cmd) => ({ reason: 'command', object: cmd.fullName });

  /** Whether the password is one of the user's (or the user has nopass). */
  public acceptsPassword(password: string): boolean {
    return this.nopass || this.passwords.has(sha256Hex(password));
  }

  public permits(cmd: Command, argv: readonly string[]): AclDenial | null {
    return this.allowsAll ? null : this.check(this, cmd, argv);
  }
}

/** The users of one server. */
export class Acl {
  public readonly users = new Map<string, AclUser>();

  constructor() {
    const user = new AclUser('default');
    user.enabled = true;
    user.nopass = true;
    user.allowsAll = true;
    this.users.set('default', user);
  }

  public get defaultUser(): AclUser {
    return this.users.get('default') as AclUser;
  }

  /** Whether new connections must authenticate (the default user has a password or is off). */
  public get authRequired(): boolean {
    const d = this.defaultUser;
    return !d.nopass || !d.enabled;
  }

  /** requirepass: sets (or, with '', clears) the default user's only password. */
  public setRequirePass(password: string): void {
    const d = this.defaultUser;
    d.passwords.clear();
    if (password === '') {
      d.nopass = true;
    } else {
      d.nopass = false;
      d.passwords.add(sha256Hex(password));
    }
  }

  /** The user for valid credentials, or null. */
  public authenticate(username: string, password: string): AclUser | null {
    const user = this.users.get(username);
    if (user === undefined || !user.enabled) return null;
    return user.acceptsPassword(password) ? user : null;
  }
}
