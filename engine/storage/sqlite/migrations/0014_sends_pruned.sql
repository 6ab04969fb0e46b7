CREATE TABLE `email_sends_pruned` (
	`minute` integer PRIMARY KEY NOT NULL,
	`sent` integer NOT NULL
);
