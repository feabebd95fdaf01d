CREATE TABLE "job_log_lines" (
	"job_uid" uuid NOT NULL,
	"seq" integer NOT NULL,
	"logged_at" timestamp with time zone NOT NULL,
	"message" text NOT NULL,
	CONSTRAINT "job_log_lines_job_uid_seq_pk" PRIMARY KEY("job_uid","seq")
);
--> statement-breakpoint
ALTER TABLE "job_log_lines" ADD CONSTRAINT "job_log_lines_job_uid_jobs_uid_fk" FOREIGN KEY ("job_uid") REFERENCES "public"."jobs"("uid") ON DELETE cascade ON UPDATE no action;