CREATE TABLE `entry_locks` (
	`journey_id` text NOT NULL,
	`customer_id` integer NOT NULL,
	`entered_at` integer NOT NULL,
	`run_id` integer NOT NULL,
	PRIMARY KEY(`journey_id`, `customer_id`)
);
--> statement-breakpoint
-- Every customer who entered before this migration holds the lock of their latest entry (SQLite takes `id` from the MAX row).
INSERT INTO `entry_locks` (`journey_id`, `customer_id`, `entered_at`, `run_id`)
SELECT `journey_id`, `customer_id`, MAX(`entered_at`), `id` FROM `runs` GROUP BY `journey_id`, `customer_id`;
