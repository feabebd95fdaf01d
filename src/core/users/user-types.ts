// The users area's domain types. Field names follow the contract where they reach it.

export type UserType = 'NORMAL' | 'PRIMARY' | 'ROOT';

/** A person as the identity store (Kanidm in production) describes it. */
export interface UserAccount {
  username: string;
  displayName: string | null;
  email: string | null;
  /** Groups the person is directly in, the store's built-in default groups left out. */
  directmemberof: string[];
  /** Every group the person is in, directly or through nested groups, defaults left out. */
  memberof: string[];
}

/** A user as both front doors show it: the account plus where it stands on the host. */
export interface UserView extends UserAccount {
  userType: UserType;
  sshKeys: string[];
}

export interface NewUserAccount {
  username: string;
  displayName: string;
  /** The login password; without one the account gets an unusable one until a reset link sets it. */
  password?: string;
  /** Direct memberships; may be empty. */
  groups: string[];
}

/** A group as Kanidm lists it (`groups.allGroups`), names without the `@<domain>` part. */
export interface GroupInfo {
  name: string;
  groupClass: string[];
  member: string[];
  memberof: string[];
  directmemberof: string[];
  spn: string | null;
  description: string | null;
}

/** An e-mail (mailbox) password of a user; only its hash is kept. */
export interface EmailPassword {
  uuid: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsed: Date | null;
}

export type EmailPasswordMetadata = Omit<EmailPassword, 'username' | 'passwordHash'>;
