CREATE TABLE "entry_locks" (
	"journey_id" text NOT NULL,
	"customer_id" bigint NOT NULL,
	"entered_at" bigint NOT NULL,
	"run_id" bigint NOT NULL,
	CONSTRAINT "entry_locks_journey_id_customer_id_pk" PRIMARY KEY("journey_id","customer_id")
);
--> statement-breakpoint
-- Every customer who entered before this migration holds the lock of their latest entry.
INSERT INTO "entry_locks" ("journey_id", "customer_id", "entered_at", "run_id")
SELECT DISTINCT ON ("journey_id", "customer_id") "journey_id", "customer_id", "entered_at", "id" FROM "runs" ORDER BY "journey_id", "customer_id", "entered_at" DESC, "id" DESC;
