// jemalloc's options for orgd (read by jemalloc at start-up; harmless without it, as in the
// sanitizer builds). By default jemalloc purges freed pages only while a thread of the arena
// that freed them allocates again, so the memtables RocksDB frees after each flush stayed
// resident: ~80 MB more after a minute of creates. A background thread returns them after a
// second instead.
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's.
extern const char* malloc_conf;
const char* malloc_conf = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0";
}
