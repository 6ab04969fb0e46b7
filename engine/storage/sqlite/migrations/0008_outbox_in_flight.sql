DROP INDEX `outbox_sending`;--> statement-breakpoint
CREATE INDEX `outbox_in_flight` ON `outbox` (`lease_expires`) WHERE status IN ('claimed', 'sending');