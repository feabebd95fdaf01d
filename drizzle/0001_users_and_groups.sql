CREATE TABLE "email_passwords" (
	"uuid" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"password_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "group_group_members" (
	"group_name" text NOT NULL,
	"member_group" text NOT NULL,
	CONSTRAINT "group_group_members_group_name_member_group_pk" PRIMARY KEY("group_name","member_group")
);
--> statement-breakpoint
CREATE TABLE "group_user_members" (
	"group_name" text NOT NULL,
	"username" text NOT NULL,
	CONSTRAINT "group_user_members_group_name_username_pk" PRIMARY KEY("group_name","username")
);
--> statement-breakpoint
CREATE TABLE "identity_groups" (
	"name" text PRIMARY KEY NOT NULL,
	"description" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity_users" (
	"username" text PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"email" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "password_reset_links" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "group_group_members" ADD CONSTRAINT "group_group_members_group_name_identity_groups_name_fk" FOREIGN KEY ("group_name") REFERENCES "public"."identity_groups"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_group_members" ADD CONSTRAINT "group_group_members_member_group_identity_groups_name_fk" FOREIGN KEY ("member_group") REFERENCES "public"."identity_groups"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_user_members" ADD CONSTRAINT "group_user_members_group_name_identity_groups_name_fk" FOREIGN KEY ("group_name") REFERENCES "public"."identity_groups"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_user_members" ADD CONSTRAINT "group_user_members_username_identity_users_username_fk" FOREIGN KEY ("username") REFERENCES "public"."identity_users"("username") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_reset_links" ADD CONSTRAINT "password_reset_links_username_identity_users_username_fk" FOREIGN KEY ("username") REFERENCES "public"."identity_users"("username") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_passwords_username_idx" ON "email_passwords" USING btree ("username");--> statement-breakpoint
CREATE INDEX "group_user_members_username_idx" ON "group_user_members" USING btree ("username");--> statement-breakpoint
CREATE INDEX "password_reset_links_username_idx" ON "password_reset_links" USING btree ("username");