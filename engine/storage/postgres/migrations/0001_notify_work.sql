-- Wake idle workers on any host the moment work arrives: new events (from any API
-- process) and new outbox entries. One notification per statement, not per row;
-- PostgreSQL folds identical notifications of one transaction into one.
CREATE FUNCTION foresight_notify_work() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('foresight_work', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER events_notify_work AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION foresight_notify_work();
--> statement-breakpoint
CREATE TRIGGER outbox_notify_work AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION foresight_notify_work();
