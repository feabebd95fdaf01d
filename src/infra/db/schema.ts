import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, serial, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const deviceTokens = pgTable('device_tokens', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: at('created_at').notNull(),
});

// Single-row tables (id is always 1): there is at most one recovery key and one pairing key.
export const recoveryKey = pgTable('recovery_key', {
  id: smallint('id').primaryKey(),
  keyHash: text('key_hash').notNull(),
  createdAt: at('created_at').notNull(),
  expiresAt: at('expires_at'),
  usesLeft: integer('uses_left'),
});

export const newDeviceKey = pgTable('new_device_key', {
  id: smallint('id').primaryKey(),
  keyHash: text('key_hash').notNull(),
  createdAt: at('created_at').notNull(),
  expiresAt: at('expires_at').notNull(),
});

// At most one unfinished job per resource (`service:<id>`, `storage`, `system`): the partial unique index
// is the lock, so two processes on one database cannot both start work on the same thing.
export const jobs = pgTable(
  'jobs',
  {
    uid: uuid('uid').primaryKey(),
    typeId: text('type_id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    status: text('status').notNull(),
    statusText: text('status_text'),
    progress: integer('progress'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    finishedAt: at('finished_at'),
    error: text('error'),
    result: text('result'),
    ownerId: text('owner_id'),
    expiresAt: at('expires_at'),
    resource: text('resource'),
    /** What the job has left where, kept current by the body: the next start reports it if the job dies. */
    checkpoint: jsonb('checkpoint'),
  },
  (t) => [uniqueIndex('jobs_unfinished_resource_idx').on(t.resource).where(sql`${t.status} in ('CREATED', 'RUNNING')`)],
);

// Each job's own log: `seq` counts its lines from 1 without holes (the line's cursor); removed with the job.
export const jobLogLines = pgTable(
  'job_log_lines',
  {
    jobUid: uuid('job_uid')
      .notNull()
      .references(() => jobs.uid, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    loggedAt: at('logged_at').notNull(),
    message: text('message').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobUid, t.seq] })],
);

export const apiInstances = pgTable('api_instances', {
  id: text('id').primaryKey(),
  heartbeatAt: at('heartbeat_at').notNull(),
});

// Notifications too large for NOTIFY's payload limit travel through this table.
export const notificationPayloads = pgTable('notification_payloads', {
  id: serial('id').primaryKey(),
  payload: text('payload').notNull(),
  createdAt: at('created_at').notNull(),
});

// The identity store kept next to the userdata file: what Kanidm holds in production (persons,
// groups, memberships, credential-reset intents). Unix accounts themselves stay in the userdata.
export const identityUsers = pgTable('identity_users', {
  username: text('username').primaryKey(),
  displayName: text('display_name').notNull(),
  email: text('email').notNull(),
  createdAt: at('created_at').notNull(),
});

export const identityGroups = pgTable('identity_groups', {
  name: text('name').primaryKey(),
  description: text('description'),
  createdAt: at('created_at').notNull(),
});

export const groupUserMembers = pgTable(
  'group_user_members',
  {
    groupName: text('group_name')
      .notNull()
      .references(() => identityGroups.name, { onDelete: 'cascade' }),
    username: text('username')
      .notNull()
      .references(() => identityUsers.username, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.groupName, t.username] }), index('group_user_members_username_idx').on(t.username)],
);

// Groups may be members of groups; a person is then a member of every group above its own.
export const groupGroupMembers = pgTable(
  'group_group_members',
  {
    groupName: text('group_name')
      .notNull()
      .references(() => identityGroups.name, { onDelete: 'cascade' }),
    memberGroup: text('member_group')
      .notNull()
      .references(() => identityGroups.name, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.groupName, t.memberGroup] })],
);

export const passwordResetLinks = pgTable(
  'password_reset_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    username: text('username')
      .notNull()
      .references(() => identityUsers.username, { onDelete: 'cascade' }),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
  },
  (t) => [index('password_reset_links_username_idx').on(t.username)],
);

// Mailbox passwords (the reference keeps them in Redis DB 1): metadata and a hash (argon2id; SHA-512 crypt in older entries).
export const emailPasswords = pgTable(
  'email_passwords',
  {
    uuid: text('uuid').primaryKey(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at'),
    lastUsed: at('last_used'),
  },
  (t) => [index('email_passwords_username_idx').on(t.username)],
);

// Backups (the reference kept these in Redis, spec §10.8). One settings row (id is always 1); the encryption
// key lives in it too and outlives removeRepository, so the same repository can be opened again.
export const backupSettings = pgTable('backup_settings', {
  id: smallint('id').primaryKey(),
  provider: text('provider').notNull().default('NONE'),
  login: text('login').notNull().default(''),
  providerKey: text('provider_key').notNull().default(''),
  locationName: text('location_name').notNull().default(''),
  locationId: text('location_id').notNull().default(''),
  initialized: boolean('initialized').notNull().default(false),
  autobackupPeriodMinutes: integer('autobackup_period_minutes'),
  quotaLast: integer('quota_last').notNull().default(-1),
  quotaDaily: integer('quota_daily').notNull().default(-1),
  quotaWeekly: integer('quota_weekly').notNull().default(-1),
  quotaMonthly: integer('quota_monthly').notNull().default(-1),
  quotaYearly: integer('quota_yearly').notNull().default(-1),
  encryptionKey: text('encryption_key'),
});

// The snapshot cache, replaced as a whole at each reload from restic.
export const backupSnapshots = pgTable(
  'backup_snapshots',
  {
    id: text('id').primaryKey(),
    fullId: text('full_id').notNull(),
    serviceId: text('service_id').notNull(),
    reason: text('reason').notNull(),
    createdAt: at('created_at').notNull(),
    paths: jsonb('paths').$type<string[]>().notNull(),
  },
  (t) => [index('backup_snapshots_service_id_idx').on(t.serviceId)],
);

export const backupLastBackedUp = pgTable('backup_last_backed_up', {
  serviceId: text('service_id').primaryKey(),
  snapshotId: text('snapshot_id').notNull(),
  backedUpAt: at('backed_up_at').notNull(),
});

// The Kanidm admin token last known to work (the reference cached it in Redis, spec §13.1); one row, id 1.
export const kanidmAdminToken = pgTable('kanidm_admin_token', {
  id: smallint('id').primaryKey(),
  token: text('token').notNull(),
});

// What import-reference brought in (device token digests, e-mail password ids): a later run leaves alone what
// was imported once, so a device or password removed here since does not come back.
export const referenceImports = pgTable(
  'reference_imports',
  {
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    importedAt: at('imported_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] })],
);
