ALTER TABLE "api_keys" ADD COLUMN "rate_limit" integer;--> statement-breakpoint
CREATE INDEX "outbox_run" ON "outbox" USING btree ("run_id");