ALTER TABLE "jobs" ADD COLUMN "resource" text;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "checkpoint" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_unfinished_resource_idx" ON "jobs" USING btree ("resource") WHERE "jobs"."status" in ('CREATED', 'RUNNING');