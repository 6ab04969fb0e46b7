CREATE TABLE `segment_sizes` (
	`segment` text NOT NULL,
	`at` integer NOT NULL,
	`size` integer NOT NULL,
	PRIMARY KEY(`segment`, `at`)
);
