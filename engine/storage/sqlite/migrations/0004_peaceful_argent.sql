CREATE TABLE `segment_members` (
	`segment` text NOT NULL,
	`customer_id` integer NOT NULL,
	`member` integer NOT NULL,
	`entries` integer NOT NULL,
	`changed_at` integer NOT NULL,
	PRIMARY KEY(`segment`, `customer_id`)
);
