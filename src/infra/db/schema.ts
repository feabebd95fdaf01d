import { integer, pgTable, serial, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

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

export const jobs = pgTable('jobs', {
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
});

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
