CREATE TABLE "message_archive" (
	"key" text PRIMARY KEY NOT NULL,
	"run_id" bigint NOT NULL,
	"journey_id" text NOT NULL,
	"node_id" text NOT NULL,
	"customer_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"attempts" bigint NOT NULL,
	"last_error" text,
	"detail" jsonb,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_engagement" (
	"key" text NOT NULL,
	"type" text NOT NULL,
	"journey_id" text NOT NULL,
	"node_id" text NOT NULL,
	"customer_id" bigint NOT NULL,
	"at" bigint NOT NULL,
	CONSTRAINT "message_engagement_key_type_pk" PRIMARY KEY("key","type")
);
--> statement-breakpoint
CREATE INDEX "message_archive_journey" ON "message_archive" USING btree ("journey_id","node_id");--> statement-breakpoint
CREATE INDEX "message_archive_customer" ON "message_archive" USING btree ("customer_id","updated_at");--> statement-breakpoint
CREATE INDEX "message_engagement_journey" ON "message_engagement" USING btree ("journey_id","node_id");