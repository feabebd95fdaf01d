CREATE TABLE "backup_last_backed_up" (
	"service_id" text PRIMARY KEY NOT NULL,
	"snapshot_id" text NOT NULL,
	"backed_up_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "backup_settings" (
	"id" smallint PRIMARY KEY NOT NULL,
	"provider" text DEFAULT 'NONE' NOT NULL,
	"login" text DEFAULT '' NOT NULL,
	"provider_key" text DEFAULT '' NOT NULL,
	"location_name" text DEFAULT '' NOT NULL,
	"location_id" text DEFAULT '' NOT NULL,
	"initialized" boolean DEFAULT false NOT NULL,
	"autobackup_period_minutes" integer,
	"quota_last" integer DEFAULT -1 NOT NULL,
	"quota_daily" integer DEFAULT -1 NOT NULL,
	"quota_weekly" integer DEFAULT -1 NOT NULL,
	"quota_monthly" integer DEFAULT -1 NOT NULL,
	"quota_yearly" integer DEFAULT -1 NOT NULL,
	"encryption_key" text
);
--> statement-breakpoint
CREATE TABLE "backup_snapshots" (
	"id" text PRIMARY KEY NOT NULL,
	"full_id" text NOT NULL,
	"service_id" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"paths" jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "backup_snapshots_service_id_idx" ON "backup_snapshots" USING btree ("service_id");