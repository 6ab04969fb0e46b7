export { PRODUCTS, CATEGORIES, REPLENISHABLE, productById, type Product } from './catalogue.ts';
export { demoCustomer, demoCustomers, DEFAULT_BGNBD, MAX_CUSTOMERS, type DemoCustomer, type DemoStoreOptions, type BuyerKind } from './generate.ts';
export { loadDemoStore, DemoFeed, type FeedItem, type LoadSummary, type LoadOptions } from './load.ts';
export { replayFeed, type ReplayOptions } from './replay.ts';
