CREATE TABLE `email_sends` (
	`key` text PRIMARY KEY NOT NULL,
	`customer_id` integer NOT NULL,
	`category` text NOT NULL,
	`capped` integer NOT NULL,
	`sent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `email_sends_customer` ON `email_sends` (`customer_id`,`sent_at`);--> statement-breakpoint
CREATE TABLE `suppressions` (
	`email` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL
);
