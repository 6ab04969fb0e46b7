ALTER TABLE `api_keys` ADD `rate_limit` integer;--> statement-breakpoint
CREATE INDEX `outbox_run` ON `outbox` (`run_id`);