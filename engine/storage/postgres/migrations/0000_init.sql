CREATE TABLE "api_keys" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"scope" text NOT NULL,
	"created_at" bigint NOT NULL,
	"last_used_at" bigint,
	"revoked_at" bigint,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL,
	"email" text,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"timezone" text,
	"consent" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"unsubscribed_at" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "customers_external_id_unique" UNIQUE("external_id")
);
--> statement-breakpoint
CREATE TABLE "email_sends" (
	"key" text PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"customer_id" bigint NOT NULL,
	"category" text NOT NULL,
	"capped" bigint NOT NULL,
	"sent_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_claims" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"from_id" bigint NOT NULL,
	"to_id" bigint NOT NULL,
	"expires" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"customer_id" bigint NOT NULL,
	"type" text NOT NULL,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurred_at" bigint NOT NULL,
	"received_at" bigint NOT NULL,
	"idempotency_key" text,
	"processed" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "id_sequences" (
	"name" text PRIMARY KEY NOT NULL,
	"next" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_leases" (
	"name" text PRIMARY KEY NOT NULL,
	"due" bigint NOT NULL,
	"owner" text NOT NULL,
	"claimed_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journey_versions" (
	"journey_id" text NOT NULL,
	"version" bigint NOT NULL,
	"graph" jsonb NOT NULL,
	"published_at" bigint NOT NULL,
	CONSTRAINT "journey_versions_journey_id_version_pk" PRIMARY KEY("journey_id","version")
);
--> statement-breakpoint
CREATE TABLE "journeys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"draft" jsonb NOT NULL,
	"live_version" bigint,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_reports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"version" text NOT NULL,
	"created_at" bigint NOT NULL,
	"report" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "node_counters" (
	"journey_id" text NOT NULL,
	"version" bigint NOT NULL,
	"node_id" text NOT NULL,
	"key" text NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "node_counters_journey_id_version_node_id_key_pk" PRIMARY KEY("journey_id","version","node_id","key")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"customer_id" bigint NOT NULL,
	"order_id" text NOT NULL,
	"ordered_at" bigint NOT NULL,
	"amount" double precision NOT NULL,
	"quantity" bigint DEFAULT 1 NOT NULL,
	"items" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"key" text PRIMARY KEY NOT NULL,
	"run_id" bigint NOT NULL,
	"journey_id" text NOT NULL,
	"node_id" text NOT NULL,
	"customer_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" bigint DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"last_error" text,
	"detail" jsonb,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"lease_owner" text,
	"lease_expires" bigint
);
--> statement-breakpoint
CREATE TABLE "run_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" bigint NOT NULL,
	"visit" bigint NOT NULL,
	"node_id" text NOT NULL,
	"at" bigint NOT NULL,
	"kind" text NOT NULL,
	"port" text,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" bigint PRIMARY KEY NOT NULL,
	"journey_id" text NOT NULL,
	"version" bigint NOT NULL,
	"customer_id" bigint NOT NULL,
	"node_id" text NOT NULL,
	"visit" bigint NOT NULL,
	"status" text NOT NULL,
	"wake_at" bigint,
	"wait_event" text,
	"wait" jsonb,
	"entered_at" bigint NOT NULL,
	"node_entered_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"ended_at" bigint,
	"end_reason" text,
	"state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"lease_owner" text,
	"lease_expires" bigint
);
--> statement-breakpoint
CREATE TABLE "scores" (
	"customer_id" bigint NOT NULL,
	"model" text NOT NULL,
	"value" double precision,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"model_version" text NOT NULL,
	"scored_at" bigint NOT NULL,
	CONSTRAINT "scores_customer_id_model_pk" PRIMARY KEY("customer_id","model")
);
--> statement-breakpoint
CREATE TABLE "segment_members" (
	"segment" text NOT NULL,
	"customer_id" bigint NOT NULL,
	"member" boolean NOT NULL,
	"entries" bigint NOT NULL,
	"changed_at" bigint NOT NULL,
	CONSTRAINT "segment_members_segment_customer_id_pk" PRIMARY KEY("segment","customer_id")
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"name" text PRIMARY KEY NOT NULL,
	"definition" jsonb NOT NULL,
	"description" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" bigint NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "suppressions" (
	"email" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE INDEX "customers_changed" ON "customers" USING btree ("updated_at","id");--> statement-breakpoint
CREATE INDEX "email_sends_customer" ON "email_sends" USING btree ("customer_id","sent_at");--> statement-breakpoint
CREATE UNIQUE INDEX "events_idempotency" ON "events" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "events_customer_type" ON "events" USING btree ("customer_id","type","occurred_at");--> statement-breakpoint
CREATE INDEX "events_unprocessed" ON "events" USING btree ("id") WHERE processed = 0;--> statement-breakpoint
CREATE UNIQUE INDEX "orders_order_id" ON "orders" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "orders_customer" ON "orders" USING btree ("customer_id","ordered_at");--> statement-breakpoint
CREATE INDEX "outbox_due" ON "outbox" USING btree ("next_attempt_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_customer" ON "outbox" USING btree ("customer_id","kind","created_at");--> statement-breakpoint
CREATE INDEX "outbox_sending" ON "outbox" USING btree ("customer_id") WHERE status = 'sending';--> statement-breakpoint
CREATE INDEX "run_history_run" ON "run_history" USING btree ("run_id","id");--> statement-breakpoint
CREATE INDEX "runs_due" ON "runs" USING btree ("wake_at") WHERE status IN ('active', 'waiting') AND wake_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "runs_open_customer" ON "runs" USING btree ("customer_id") WHERE status IN ('active', 'waiting');--> statement-breakpoint
CREATE INDEX "runs_journey_customer" ON "runs" USING btree ("journey_id","customer_id","entered_at");--> statement-breakpoint
CREATE INDEX "runs_journey_node" ON "runs" USING btree ("journey_id","node_id","status");--> statement-breakpoint
CREATE INDEX "sessions_user" ON "sessions" USING btree ("user_id");