/** Helpers for reading AWS responses the same way in every adapter. */
import { AwsFaultError, ResourceNotFoundError } from '#contracts/errors';

/** Resolves to undefined instead of failing when the resource does not exist. */
export const undefinedWhenNotFound = async <T>(lookup: Promise<T>): Promise<T | undefined> => {
  try {
    return await lookup;
  } catch (error) {
    if (error instanceof ResourceNotFoundError) return undefined;
    throw error;
  }
};

/** A field AWS always returns for a successful call; its absence means the response is not what we think. */
export const required = <T>(value: T | undefined, operation: string, field: string): T => {
  if (value === undefined) throw new AwsFaultError(`${operation} returned no ${field}`);
  return value;
};

/** Every item of a paged API: `fetch` gets the previous page's token (undefined first) and returns its items. */
export const collectPages = async <Item, Token>(
  fetch: (token: Token | undefined) => Promise<{ readonly items?: readonly Item[]; readonly next?: Token }>,
): Promise<Item[]> => {
  const items: Item[] = [];
  let token: Token | undefined;
  do {
    const page = await fetch(token);
    items.push(...(page.items ?? []));
    token = page.next;
  } while (token);
  return items;
};
