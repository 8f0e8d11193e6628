package dev.turnstile.projections.activity;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * The read model's RocksDB options, with its off-heap memory bounded: one LRU block cache of the budget, which also
 * holds index and filter blocks and to which the memtables are charged (at most half of it). RocksDB's defaults (a 64
 * MB memtable, two of them, plus a separate block cache) let the read model alone take about 150 MB, and preallocate
 * a write-ahead log as large as the memtable on disk.
 */
final class StoreOptions implements AutoCloseable {

    /** When not configured: the read model is small (counters, one entry per attempt, a few indexes). */
    static final long DEFAULT_MEMORY_BYTES = 32L * 1024 * 1024;

    /**
     * Bits per key of each table's Bloom filter (about 1 % false positives). Every decision applied asks whether its
     * id was seen before, and almost never was: without a filter each such miss searched every table's blocks.
     */
    private static final double BLOOM_BITS_PER_KEY = 10;

    /**
     * Index and filter partitions of this size. A whole-table filter or index grows with the table (1.4 MB for a 40
     * MB table) and the cache is split into shards of 512 KB: a block larger than its shard never stays cached, so
     * every lookup read and parsed the whole filter again (40 % of the all-in-one's CPU at one agent, measured with
     * perf). Partitions are small enough to stay, and a lookup reads only its own.
     */
    private static final long METADATA_BLOCK_BYTES = 4 * 1024;

    private final LRUCache cache;
    private final BloomFilter filter;
    private final WriteBufferManager writeBuffers;
    private final Options options;

    StoreOptions(long memoryBytes) {
        if (memoryBytes < 4L * 1024 * 1024) {
            throw new IllegalArgumentException("The activity projection's RocksDB memory is " + memoryBytes
                    + " bytes; it needs at least 4 MB (turnstile.projections.rocksdb-memory)");
        }
        cache = new LRUCache(memoryBytes, -1, false, 0.1);
        writeBuffers = new WriteBufferManager(memoryBytes / 2, cache);
        filter = new BloomFilter(BLOOM_BITS_PER_KEY);
        var table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(filter)
                .setIndexType(IndexType.kTwoLevelIndexSearch)
                .setPartitionFilters(true)
                .setMetadataBlockSize(METADATA_BLOCK_BYTES)
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinTopLevelIndexAndFilter(true);
        options = new Options()
                .setCreateIfMissing(true)
                .setTableFormatConfig(table)
                .setWriteBufferManager(writeBuffers)
                .setWriteBufferSize(Math.max(1024 * 1024, memoryBytes / 8))
                .setMaxWriteBufferNumber(2);
    }

    Options options() {
        return options;
    }

    @Override
    public void close() {
        options.close();
        writeBuffers.close();
        filter.close();
        cache.close();
    }
}
