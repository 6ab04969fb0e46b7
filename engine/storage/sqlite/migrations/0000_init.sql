CREATE TABLE `customers` (
	`id` integer PRIMARY KEY NOT NULL,
	`external_id` text NOT NULL,
	`email` text,
	`attributes` text DEFAULT '{}' NOT NULL,
	`timezone` text,
	`consent` text DEFAULT '{}' NOT NULL,
	`unsubscribed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customers_external_id_unique` ON `customers` (`external_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY NOT NULL,
	`customer_id` integer NOT NULL,
	`type` text NOT NULL,
	`properties` text DEFAULT '{}' NOT NULL,
	`occurred_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`idempotency_key` text,
	`processed` integer DEFAULT 0 NOT NULL,
	`lease_owner` text,
	`lease_expires` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_idempotency` ON `events` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `events_customer_type` ON `events` (`customer_id`,`type`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `events_unprocessed` ON `events` (`id`) WHERE processed = 0;--> statement-breakpoint
CREATE TABLE `id_sequences` (
	`name` text PRIMARY KEY NOT NULL,
	`next` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `journey_versions` (
	`journey_id` text NOT NULL,
	`version` integer NOT NULL,
	`graph` text NOT NULL,
	`published_at` integer NOT NULL,
	PRIMARY KEY(`journey_id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `journeys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`draft` text NOT NULL,
	`live_version` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `node_counters` (
	`journey_id` text NOT NULL,
	`version` integer NOT NULL,
	`node_id` text NOT NULL,
	`key` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`journey_id`, `version`, `node_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `orders` (
	`id` integer PRIMARY KEY NOT NULL,
	`customer_id` integer NOT NULL,
	`order_id` text NOT NULL,
	`ordered_at` integer NOT NULL,
	`amount` real NOT NULL,
	`quantity` integer DEFAULT 1 NOT NULL,
	`items` text DEFAULT '[]' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_order_id` ON `orders` (`order_id`);--> statement-breakpoint
CREATE INDEX `orders_customer` ON `orders` (`customer_id`,`ordered_at`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`key` text PRIMARY KEY NOT NULL,
	`run_id` integer NOT NULL,
	`journey_id` text NOT NULL,
	`node_id` text NOT NULL,
	`customer_id` integer NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`detail` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`lease_owner` text,
	`lease_expires` integer
);
--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`next_attempt_at`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `outbox_customer` ON `outbox` (`customer_id`,`kind`,`created_at`);--> statement-breakpoint
CREATE TABLE `run_history` (
	`id` integer PRIMARY KEY NOT NULL,
	`run_id` integer NOT NULL,
	`visit` integer NOT NULL,
	`node_id` text NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`port` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `run_history_run` ON `run_history` (`run_id`,`id`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY NOT NULL,
	`journey_id` text NOT NULL,
	`version` integer NOT NULL,
	`customer_id` integer NOT NULL,
	`node_id` text NOT NULL,
	`visit` integer NOT NULL,
	`status` text NOT NULL,
	`wake_at` integer,
	`wait_event` text,
	`wait` text,
	`entered_at` integer NOT NULL,
	`node_entered_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`ended_at` integer,
	`end_reason` text,
	`state` text DEFAULT '{}' NOT NULL,
	`error` text,
	`lease_owner` text,
	`lease_expires` integer
);
--> statement-breakpoint
CREATE INDEX `runs_due` ON `runs` (`wake_at`) WHERE status IN ('active', 'waiting') AND wake_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `runs_open_customer` ON `runs` (`customer_id`) WHERE status IN ('active', 'waiting');--> statement-breakpoint
CREATE INDEX `runs_journey_customer` ON `runs` (`journey_id`,`customer_id`,`entered_at`);--> statement-breakpoint
CREATE INDEX `runs_journey_node` ON `runs` (`journey_id`,`node_id`,`status`);--> statement-breakpoint
CREATE TABLE `scores` (
	`customer_id` integer NOT NULL,
	`model` text NOT NULL,
	`value` real,
	`data` text DEFAULT '{}' NOT NULL,
	`model_version` text NOT NULL,
	`scored_at` integer NOT NULL,
	PRIMARY KEY(`customer_id`, `model`)
);
--> statement-breakpoint
CREATE TABLE `segments` (
	`name` text PRIMARY KEY NOT NULL,
	`definition` text NOT NULL,
	`description` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
