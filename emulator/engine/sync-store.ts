// Twilio Sync as plain data: services, maps and map items, with revisions and time-to-live.
// The store answers in the emulator's clock (ms since start); expired objects are invisible at
// once and removed on the next access ("TTL ... the approximate time before the object is
// automatically garbage-collected by Twilio, disappearing from SDKs and from the REST API",
// https://www.twilio.com/docs/sync/objects-ttl; Twilio's own removal may lag by minutes).
import { TwilioApiError, notFound } from './errors';
import { newSid } from '../model/sid';

export interface SyncService {
  sid: string;
  accountSid: string;
  uniqueName: string | null;
  friendlyName: string | null;
  createdAt: number;
  updatedAt: number;
  maps: Map<string, SyncMap>;
}

export interface SyncMap {
  sid: string;
  serviceSid: string;
  uniqueName: string | null;
  revision: number;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  /** Items by key, in creation order (Twilio lists map items in key order: see listItems). */
  items: Map<string, SyncMapItem>;
}

export interface SyncMapItem {
  key: string;
  data: Record<string, unknown>;
  revision: number;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
}

// Error codes. 20404 is Twilio's generic not-found; 20412 "Precondition failed" is what an If-Match
// that does not match the revision answers (help.twilio.com "Error 20412: Precondition failed for
// Sync / TaskRouter updates"). 54208 for a duplicate item key and 54301 for a duplicate map
// unique name are the emulator's choice (inferred: Twilio's codes are not in the sources we have).
export const DUPLICATE_ITEM = 54208;
export const DUPLICATE_MAP = 54301;

/** The key of a map item: at most 320 characters (CreateSyncMapItem's Key). */
const MAX_KEY_LENGTH = 320;
/** Data: "Can be up to 16 KiB in length". */
const MAX_DATA_BYTES = 16 * 1024;

export interface TtlChange {
  /** Seconds from now; 0 = never expires. Undefined = unchanged. */
  ttlSeconds?: number;
}

export class SyncStore {
  readonly services = new Map<string, SyncService>();

  constructor(
    private readonly accountSid: string,
    private readonly now: () => number,
  ) {}

  createService(friendlyName: string | undefined, uniqueName?: string): SyncService {
    const at = this.now();
    const service: SyncService = {
      sid: newSid('IS'),
      accountSid: this.accountSid,
      uniqueName: uniqueName ?? null,
      friendlyName: friendlyName ?? null,
      createdAt: at,
      updatedAt: at,
      maps: new Map(),
    };
    this.services.set(service.sid, service);
    return service;
  }

  /**
   * A service by SID or unique name. "default" names the account's default service, which every
   * account has (Twilio Functions use it: SYNC_SERVICE_SID default "default"); it is made on first use.
   */
  requireService(sidOrName: string): SyncService {
    const found = this.services.get(sidOrName) ?? [...this.services.values()].find((s) => s.uniqueName === sidOrName);
    if (found) return found;
    if (sidOrName === 'default') return this.createService('Default Service', 'default');
    throw notFound(`Service ${sidOrName}`);
  }

  createMap(serviceSid: string, uniqueName: string | undefined, ttl: TtlChange): SyncMap {
    const service = this.requireService(serviceSid);
    if (uniqueName !== undefined && this.findMap(service, uniqueName)) {
      throw new TwilioApiError(409, DUPLICATE_MAP, `Unique name already exists: ${uniqueName}`);
    }
    const at = this.now();
    const map: SyncMap = {
      sid: newSid('MP'),
      serviceSid: service.sid,
      uniqueName: uniqueName ?? null,
      revision: 0,
      createdAt: at,
      updatedAt: at,
      expiresAt: expiry(at, ttl.ttlSeconds),
      items: new Map(),
    };
    service.maps.set(map.sid, map);
    return map;
  }

  requireMap(serviceSid: string, sidOrName: string): SyncMap {
    const service = this.requireService(serviceSid);
    const map = this.findMap(service, sidOrName);
    if (!map) throw notFound(`Map ${sidOrName}`);
    return map;
  }

  listMaps(serviceSid: string): SyncMap[] {
    const service = this.requireService(serviceSid);
    return [...service.maps.values()].filter((m) => this.live(service, m));
  }

  deleteMap(serviceSid: string, sidOrName: string): void {
    const map = this.requireMap(serviceSid, sidOrName);
    this.requireService(serviceSid).maps.delete(map.sid);
  }

  createItem(map: SyncMap, key: string, data: Record<string, unknown>, ttl: TtlChange): SyncMapItem {
    checkKey(key);
    checkData(data);
    if (this.findItem(map, key)) {
      throw new TwilioApiError(409, DUPLICATE_ITEM, `Item with key ${key} already exists in Map ${map.sid}`);
    }
    const at = this.now();
    const item: SyncMapItem = { key, data, revision: 0, createdAt: at, updatedAt: at, expiresAt: expiry(at, ttl.ttlSeconds) };
    map.items.set(key, item);
    this.touch(map, at);
    return item;
  }

  requireItem(map: SyncMap, key: string): SyncMapItem {
    const item = this.findItem(map, key);
    if (!item) throw notFound(`Item ${key} in Map ${map.sid}`);
    return item;
  }

  /** Update with optional If-Match: a revision that is not the item's current one is a 412. */
  updateItem(map: SyncMap, key: string, change: { data?: Record<string, unknown>; ifMatch?: string } & TtlChange): SyncMapItem {
    const item = this.requireItem(map, key);
    checkRevision(item, change.ifMatch);
    if (change.data !== undefined) {
      checkData(change.data);
      item.data = change.data;
    }
    const at = this.now();
    if (change.ttlSeconds !== undefined) item.expiresAt = expiry(at, change.ttlSeconds);
    item.revision += 1;
    item.updatedAt = at;
    this.touch(map, at);
    return item;
  }

  deleteItem(map: SyncMap, key: string, ifMatch?: string): void {
    const item = this.requireItem(map, key);
    checkRevision(item, ifMatch);
    map.items.delete(key);
    this.touch(map, this.now());
  }

  /** Live items in key order (Twilio's default Order is ascending by key). */
  listItems(map: SyncMap, order: 'asc' | 'desc'): SyncMapItem[] {
    const items = [...map.items.values()].filter((item) => this.itemLive(map, item));
    items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return order === 'desc' ? items.reverse() : items;
  }

  private findMap(service: SyncService, sidOrName: string): SyncMap | undefined {
    const map = service.maps.get(sidOrName) ?? [...service.maps.values()].find((m) => m.uniqueName === sidOrName);
    return map && this.live(service, map) ? map : undefined;
  }

  private findItem(map: SyncMap, key: string): SyncMapItem | undefined {
    const item = map.items.get(key);
    return item && this.itemLive(map, item) ? item : undefined;
  }

  private live(service: SyncService, map: SyncMap): boolean {
    if (map.expiresAt === null || map.expiresAt > this.now()) return true;
    service.maps.delete(map.sid);
    return false;
  }

  private itemLive(map: SyncMap, item: SyncMapItem): boolean {
    if (item.expiresAt === null || item.expiresAt > this.now()) return true;
    map.items.delete(item.key);
    return false;
  }

  private touch(map: SyncMap, at: number): void {
    map.revision += 1;
    map.updatedAt = at;
  }
}

function expiry(at: number, ttlSeconds: number | undefined): number | null {
  return ttlSeconds === undefined || ttlSeconds === 0 ? null : at + ttlSeconds * 1000;
}

function checkKey(key: string): void {
  if (key.length > MAX_KEY_LENGTH) throw new TwilioApiError(400, 20001, `Key must be at most ${MAX_KEY_LENGTH} characters`);
}

function checkData(data: Record<string, unknown>): void {
  if (Buffer.byteLength(JSON.stringify(data)) > MAX_DATA_BYTES) {
    throw new TwilioApiError(400, 20001, 'Data must be at most 16 KiB');
  }
}

function checkRevision(item: SyncMapItem, ifMatch: string | undefined): void {
  if (ifMatch !== undefined && ifMatch !== String(item.revision)) {
    throw new TwilioApiError(412, 20412, `The revision ${ifMatch} does not match the item's current revision ${item.revision}`);
  }
}
