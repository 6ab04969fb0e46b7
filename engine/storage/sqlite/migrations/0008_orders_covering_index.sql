DROP INDEX `orders_customer`;--> statement-breakpoint
CREATE INDEX `orders_customer` ON `orders` (`customer_id`,`ordered_at`,`amount`);