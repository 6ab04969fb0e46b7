CREATE TABLE "email_sends_pruned" (
	"minute" bigint PRIMARY KEY NOT NULL,
	"sent" bigint NOT NULL
);
