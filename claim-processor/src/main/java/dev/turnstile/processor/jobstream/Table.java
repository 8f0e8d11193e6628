package dev.turnstile.processor.jobstream;

import java.util.List;
import java.util.Map;

/** A stored table of values by string key, read in key order. Implemented over RocksDB stores and over maps. */
interface Table<V> {

    /** The value under {@code key}; null when there is none. */
    V get(String key);

    void put(String key, V value);

    void delete(String key);

    /** Up to {@code limit} entries with keys from {@code from} to {@code to}, both included, in key order. */
    List<Map.Entry<String, V>> range(String from, String to, int limit);
}
