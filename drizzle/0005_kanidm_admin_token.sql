CREATE TABLE "kanidm_admin_token" (
	"id" smallint PRIMARY KEY NOT NULL,
	"token" text NOT NULL
);
