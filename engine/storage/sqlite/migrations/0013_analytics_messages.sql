CREATE TABLE `message_archive` (
	`key` text PRIMARY KEY NOT NULL,
	`run_id` integer NOT NULL,
	`journey_id` text NOT NULL,
	`node_id` text NOT NULL,
	`customer_id` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text,
	`detail` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `message_archive_journey` ON `message_archive` (`journey_id`,`node_id`);--> statement-breakpoint
CREATE INDEX `message_archive_customer` ON `message_archive` (`customer_id`,`updated_at`);--> statement-breakpoint
CREATE TABLE `message_engagement` (
	`key` text NOT NULL,
	`type` text NOT NULL,
	`journey_id` text NOT NULL,
	`node_id` text NOT NULL,
	`customer_id` integer NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`key`, `type`)
);
--> statement-breakpoint
CREATE INDEX `message_engagement_journey` ON `message_engagement` (`journey_id`,`node_id`);