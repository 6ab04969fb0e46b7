CREATE TABLE `event_claims` (
	`id` integer PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`from_id` integer NOT NULL,
	`to_id` integer NOT NULL,
	`expires` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `events` DROP COLUMN `lease_owner`;--> statement-breakpoint
ALTER TABLE `events` DROP COLUMN `lease_expires`;