/**
 * The demo shop's product catalogue: a home-and-pantry store, so some products
 * run out on their own schedule (coffee every two weeks, a water filter every
 * two months) and drive replenishment journeys, while others are one-off buys
 * that drive cross-sell.
 */
export interface Product {
  id: string;
  name: string;
  category: string;
  price: number;
  /** Days one unit lasts for a typical customer; absent for products bought once. */
  replenishDays?: number;
}

export const CATEGORIES = ['coffee', 'kitchen', 'home', 'pet', 'beauty', 'outdoor'] as const;
export type Category = (typeof CATEGORIES)[number];

export const PRODUCTS: readonly Product[] = [
  { id: 'coffee-beans', name: 'House blend coffee beans 1 kg', category: 'coffee', price: 24, replenishDays: 21 },
  { id: 'coffee-capsules', name: 'Espresso capsules (50)', category: 'coffee', price: 18, replenishDays: 14 },
  { id: 'descaler', name: 'Machine descaler', category: 'coffee', price: 9, replenishDays: 90 },
  { id: 'grinder', name: 'Burr grinder', category: 'coffee', price: 89 },
  { id: 'pour-over', name: 'Pour-over set', category: 'coffee', price: 39 },
  { id: 'espresso-cups', name: 'Espresso cups (4)', category: 'coffee', price: 22 },
  { id: 'water-filter', name: 'Water filter cartridge', category: 'kitchen', price: 15, replenishDays: 60 },
  { id: 'dish-tabs', name: 'Dishwasher tablets (60)', category: 'kitchen', price: 13, replenishDays: 45 },
  { id: 'chef-knife', name: "Chef's knife", category: 'kitchen', price: 79 },
  { id: 'cutting-board', name: 'Oak cutting board', category: 'kitchen', price: 45 },
  { id: 'cast-iron-pan', name: 'Cast iron pan', category: 'kitchen', price: 59 },
  { id: 'spice-set', name: 'Spice set', category: 'kitchen', price: 29 },
  { id: 'air-filter', name: 'Air purifier filter', category: 'home', price: 35, replenishDays: 90 },
  { id: 'laundry-pods', name: 'Laundry pods (40)', category: 'home', price: 16, replenishDays: 35 },
  { id: 'candle', name: 'Scented candle', category: 'home', price: 19 },
  { id: 'throw-blanket', name: 'Wool throw blanket', category: 'home', price: 69 },
  { id: 'storage-boxes', name: 'Storage boxes (3)', category: 'home', price: 34 },
  { id: 'desk-lamp', name: 'Desk lamp', category: 'home', price: 49 },
  { id: 'dog-food', name: 'Dog food 12 kg', category: 'pet', price: 54, replenishDays: 28 },
  { id: 'cat-litter', name: 'Cat litter 10 l', category: 'pet', price: 14, replenishDays: 21 },
  { id: 'pet-bed', name: 'Pet bed', category: 'pet', price: 59 },
  { id: 'chew-toys', name: 'Chew toys (3)', category: 'pet', price: 17 },
  { id: 'leash', name: 'Leather leash', category: 'pet', price: 29 },
  { id: 'contact-lenses', name: 'Monthly contact lenses (6)', category: 'beauty', price: 32, replenishDays: 30 },
  { id: 'shampoo', name: 'Shampoo 500 ml', category: 'beauty', price: 12, replenishDays: 40 },
  { id: 'razor-blades', name: 'Razor blades (8)', category: 'beauty', price: 21, replenishDays: 35 },
  { id: 'face-cream', name: 'Face cream', category: 'beauty', price: 38 },
  { id: 'hair-dryer', name: 'Hair dryer', category: 'beauty', price: 65 },
  { id: 'sunscreen', name: 'Sunscreen SPF 50', category: 'outdoor', price: 16, replenishDays: 45 },
  { id: 'water-bottle', name: 'Insulated bottle', category: 'outdoor', price: 27 },
  { id: 'backpack', name: 'Day backpack', category: 'outdoor', price: 79 },
  { id: 'camping-mug', name: 'Camping mug', category: 'outdoor', price: 15 },
  { id: 'headlamp', name: 'Headlamp', category: 'outdoor', price: 35 },
];

export const REPLENISHABLE: readonly Product[] = PRODUCTS.filter((p) => p.replenishDays !== undefined);

export const productsByCategory: ReadonlyMap<string, readonly Product[]> = new Map(
  CATEGORIES.map((c) => [c, PRODUCTS.filter((p) => p.category === c)]),
);

export const productById: ReadonlyMap<string, Product> = new Map(PRODUCTS.map((p) => [p.id, p]));
