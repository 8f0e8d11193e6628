package dev.turnstile.processor.config;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of all the processor's RocksDB stores together. Kafka Streams gives every store its own
 * 50 MB block cache and up to three 16 MB memtables: 2 stores × 6 partitions could take over a gigabyte, and under
 * sustained load did grow that way. Here every store in this JVM shares one LRU block cache of
 * {@value #MEMORY_CONFIG} bytes, and their memtables are charged to that same cache through one write buffer manager
 * (at most half of it), with index and filter blocks cached there too, so the total stays within the budget (the
 * bounded-memory configuration of the Kafka Streams memory management guide).
 *
 * <p>Streams creates one setter per store by reflection, so the shared cache is held here, made by the first store
 * with the budget in its configuration, and never closed (it lives as long as the JVM's stores do).
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** Streams configuration key: the bytes all stores share (block cache, memtables, index and filter blocks). */
    public static final String MEMORY_CONFIG = "turnstile.rocksdb.memory.bytes";

    /** When the configuration does not say. */
    static final long DEFAULT_MEMORY_BYTES = 64L * 1024 * 1024;

    /** Memtables may take this share of the budget; flushed (largest first) beyond it. */
    private static final double MEMTABLE_SHARE = 0.5;

    /** Index and filter blocks get this share of the cache at high priority, so data blocks cannot evict them all. */
    private static final double HIGH_PRIORITY_SHARE = 0.1;

    private static final long BLOCK_SIZE = 4 * 1024;

    private static Shared shared;

    private record Shared(long bytes, Cache cache, WriteBufferManager writeBuffers) {}

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        var memory = shared(budget(configs));
        var table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(memory.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setBlockSize(BLOCK_SIZE);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(memory.writeBuffers());
        // Small memtables flush often but each holds little: a store's state is small, a key's entry a few hundred
        // bytes.
        options.setWriteBufferSize(Math.max(1024 * 1024, memory.bytes() / 16));
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write buffer manager are shared by every store: they outlive any one of them.
    }

    private static synchronized Shared shared(long bytes) {
        if (shared == null) {
            var cache = new LRUCache(bytes, -1, false, HIGH_PRIORITY_SHARE);
            shared = new Shared(bytes, cache, new WriteBufferManager((long) (bytes * MEMTABLE_SHARE), cache));
        }
        return shared;
    }

    private static long budget(Map<String, Object> configs) {
        var value = configs.get(MEMORY_CONFIG);
        if (value == null) {
            return DEFAULT_MEMORY_BYTES;
        }
        long bytes = value instanceof Number number
                ? number.longValue()
                : Long.parseLong(value.toString().strip());
        if (bytes < 8L * 1024 * 1024) {
            throw new IllegalArgumentException(MEMORY_CONFIG + " is " + bytes + " bytes; the processor's RocksDB stores"
                    + " need at least 8 MB (turnstile.processor.rocksdb-memory)");
        }
        return bytes;
    }
}
