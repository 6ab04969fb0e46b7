CREATE TABLE "segment_sizes" (
	"segment" text NOT NULL,
	"at" bigint NOT NULL,
	"size" bigint NOT NULL,
	CONSTRAINT "segment_sizes_segment_at_pk" PRIMARY KEY("segment","at")
);
--> statement-breakpoint
DROP INDEX "orders_customer";--> statement-breakpoint
CREATE INDEX "orders_customer" ON "orders" USING btree ("customer_id","ordered_at","amount");