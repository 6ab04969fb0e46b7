CREATE TABLE `segment_sizes` (
	`segment` text NOT NULL,
	`at` integer NOT NULL,
	`size` integer NOT NULL,
	PRIMARY KEY(`segment`, `at`)
);
--> statement-breakpoint
DROP INDEX `orders_customer`;--> statement-breakpoint
CREATE INDEX `orders_customer` ON `orders` (`customer_id`,`ordered_at`,`amount`);