CREATE TABLE "reference_imports" (
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"imported_at" timestamp with time zone NOT NULL,
	CONSTRAINT "reference_imports_kind_key_pk" PRIMARY KEY("kind","key")
);
