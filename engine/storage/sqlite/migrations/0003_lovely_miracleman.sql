CREATE TABLE `model_reports` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` text NOT NULL,
	`created_at` integer NOT NULL,
	`report` text NOT NULL
);
