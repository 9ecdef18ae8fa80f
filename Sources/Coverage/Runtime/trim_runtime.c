/* trim's SanitizerCoverage runtime: trace-pc-guard + pc-table.
 * Embedded in trim (RuntimeSource.swift) and compiled by it once per content hash. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TRIM_MAX_RANGES 64
#define TRIM_PATH_MAX 4096
#define TRIM_HEADER_SIZE 32u
#define TRIM_FLAG_SIGNAL 1u
#define TRIM_FLAG_INCOMPLETE 2u

typedef struct { uint32_t *start, *stop; } trim_guard_range;
typedef struct { const uintptr_t *begin, *end; } trim_pc_range;

static trim_guard_range trim_guards[TRIM_MAX_RANGES];
static unsigned trim_guard_range_count;
static trim_pc_range trim_pcs[TRIM_MAX_RANGES];
static unsigned trim_pc_range_count;
static int trim_guards_incomplete, trim_pcs_incomplete;
static uint32_t trim_slot_count;            /* guards are numbered 1..trim_slot_count */
static unsigned char *trim_buffer;          /* dump header followed by the bitset */
static unsigned char *volatile trim_bits;   /* trim_buffer + TRIM_HEADER_SIZE */
static int trim_started;
static pid_t trim_pid;
static char trim_path[TRIM_PATH_MAX];
static char trim_temp_path[TRIM_PATH_MAX + 32];
static char trim_table_path[TRIM_PATH_MAX];
static int trim_dump_state;                 /* 0 idle, 1 writing, 2 written */
static const int trim_signals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE};
#define TRIM_SIGNAL_COUNT (sizeof trim_signals / sizeof trim_signals[0])
static struct sigaction trim_previous[TRIM_SIGNAL_COUNT];
static char trim_altstack[65536];

static void trim_put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}

static void trim_put64(unsigned char *p, uint64_t v) {
  trim_put32(p, (uint32_t)v); trim_put32(p + 4, (uint32_t)(v >> 32));
}

/* Writes all of buffer to temp, then renames it to path: a reader never sees
 * half a file. Async-signal-safe (open, write, close, rename, unlink). */
static void trim_write_file(const char *temp, const char *path, const unsigned char *buffer, size_t size) {
  int fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return;
  size_t done = 0;
  while (done < size) {
    ssize_t n = write(fd, buffer + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += (size_t)n;
  }
  if (close(fd) != 0) done = 0;
  if (done == size) rename(temp, path);
  else unlink(temp);
}

/* Async-signal-safe: plain memory, getpid and trim_write_file only. */
static void trim_write_dump(int signal_number) {
  if (!trim_path[0] || !trim_buffer || getpid() != trim_pid) return; /* unset, or a fork()ed child */
  if (__atomic_exchange_n(&trim_dump_state, 1, __ATOMIC_ACQ_REL) != 0) {
    /* Another thread is writing (or wrote) the dump: give it time to finish
     * before this thread goes on to end the process. */
    struct timespec pause = {0, 1000000};
    for (int i = 0; i < 2000 && __atomic_load_n(&trim_dump_state, __ATOMIC_ACQUIRE) == 1; i++)
      nanosleep(&pause, 0);
    return;
  }
  unsigned char *h = trim_buffer;
  memcpy(h, "TRIMCOV1", 8);
  trim_put32(h + 8, 1);
  trim_put32(h + 12, TRIM_HEADER_SIZE);
  trim_put32(h + 16, trim_slot_count);
  trim_put32(h + 20, (uint32_t)signal_number);
  trim_put32(h + 24, (uint32_t)trim_pid);
  trim_put32(h + 28, (signal_number ? TRIM_FLAG_SIGNAL : 0u) | (trim_guards_incomplete ? TRIM_FLAG_INCOMPLETE : 0u));
  trim_write_file(trim_temp_path, trim_path, trim_buffer, TRIM_HEADER_SIZE + ((size_t)trim_slot_count + 7) / 8);
  __atomic_store_n(&trim_dump_state, 2, __ATOMIC_RELEASE);
}

static void trim_on_signal(int signal_number) {
  int saved = errno;
  trim_write_dump(signal_number);
  for (unsigned i = 0; i < TRIM_SIGNAL_COUNT; i++)
    if (trim_signals[i] == signal_number) sigaction(signal_number, &trim_previous[i], 0);
  errno = saved;
  raise(signal_number); /* SA_NODEFER: delivered now, with the previous (default) disposition */
}

static void trim_write_pc_table(void);

/* out = path + ".tmp." + pid, so concurrent writers never share a temporary file. */
static void trim_temp_name(char *out, const char *path, size_t length) {
  memcpy(out, path, length);
  char *t = out + length;
  memcpy(t, ".tmp.", 5);
  t += 5;
  char digits[16];
  int n = 0;
  unsigned p = (unsigned)getpid();
  do { digits[n++] = (char)('0' + p % 10); p /= 10; } while (p);
  while (n) *t++ = digits[--n];
  *t = 0;
}

static void trim_on_exit(void) {
  trim_write_dump(0);
  trim_write_pc_table();
}

/* out = path made absolute against the current directory now, so a test that
 * changes directory or its environment does not move the output. */
static int trim_absolute(char *out, const char *path) {
  if (!path || !path[0]) return 0;
  size_t length = strlen(path), prefix = 0;
  if (path[0] != '/') {
    if (!getcwd(out, TRIM_PATH_MAX)) { out[0] = 0; return 0; }
    prefix = strlen(out);
    if (prefix + 1 + length >= TRIM_PATH_MAX) { out[0] = 0; return 0; }
    out[prefix++] = '/';
  } else if (length >= TRIM_PATH_MAX) {
    return 0;
  }
  memcpy(out + prefix, path, length + 1);
  /* "%p" becomes this process's id: a test's children that run instrumented
   * code (its own binary, a CARGO_BIN_EXE_*) write dumps of their own instead
   * of overwriting the test's. */
  char *mark = strstr(out, "%p");
  if (mark) {
    char digits[16];
    int n = 0;
    unsigned p = (unsigned)getpid();
    do { digits[n++] = (char)('0' + p % 10); p /= 10; } while (p);
    size_t tail = strlen(mark + 2);
    if ((size_t)(mark - out) + (size_t)n + tail + 1 >= TRIM_PATH_MAX) { out[0] = 0; return 0; }
    memmove(mark + n, mark + 2, tail + 1);
    for (int i = 0; i < n; i++) mark[i] = digits[n - 1 - i];
  }
  return 1;
}

/* Runs once, from the first module constructor: reads the environment, and
 * only when output is wanted installs the exit (and signal) handlers. */
static void trim_start(void) {
  trim_started = 1;
  int dump = trim_absolute(trim_path, getenv("TRIM_COVERAGE_FILE"));
  int table = trim_absolute(trim_table_path, getenv("TRIM_PCTABLE_FILE"));
  if (dump) {
    trim_pid = getpid();
    trim_temp_name(trim_temp_path, trim_path, strlen(trim_path));
    stack_t current;
    if (sigaltstack(0, &current) == 0 && (current.ss_flags & SS_DISABLE)) {
      stack_t stack = {.ss_sp = trim_altstack, .ss_size = sizeof trim_altstack, .ss_flags = 0};
      sigaltstack(&stack, 0);
    }
    for (unsigned i = 0; i < TRIM_SIGNAL_COUNT; i++) {
      struct sigaction action;
      memset(&action, 0, sizeof action);
      action.sa_handler = trim_on_signal;
      action.sa_flags = SA_NODEFER | SA_ONSTACK;
      sigemptyset(&action.sa_mask);
      sigaction(trim_signals[i], &action, &trim_previous[i]);
    }
  }
  if (dump || table) atexit(trim_on_exit);
}

void __sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop) {
  if (start == stop) return;
  for (unsigned i = 0; i < trim_guard_range_count; i++)
    if (trim_guards[i].start == start) return; /* every module passes the same linker-wide range */
  if (trim_guard_range_count == TRIM_MAX_RANGES) { trim_guards_incomplete = 1; return; }
  uint32_t first = trim_slot_count;
  uint32_t n = (uint32_t)(stop - start);
  unsigned char *buffer = calloc(1, TRIM_HEADER_SIZE + ((size_t)first + n + 7) / 8);
  if (!buffer) { trim_guards_incomplete = 1; return; }
  if (trim_buffer) memcpy(buffer + TRIM_HEADER_SIZE, trim_buffer + TRIM_HEADER_SIZE, ((size_t)first + 7) / 8);
  for (uint32_t i = 0; i < n; i++) start[i] = first + i + 1;
  trim_guards[trim_guard_range_count++] = (trim_guard_range){start, stop};
  trim_buffer = buffer; /* an earlier buffer is leaked: a hit racing this swap must stay valid */
  trim_bits = buffer + TRIM_HEADER_SIZE;
  trim_slot_count = first + n;
  if (!trim_started) trim_start();
}

void __sanitizer_cov_trace_pc_guard(uint32_t *guard) {
  uint32_t g = *guard;
  if (!g) return;
  *guard = 0;
  g -= 1;
  __atomic_fetch_or(&trim_bits[g >> 3], (unsigned char)(1u << (g & 7)), __ATOMIC_RELAXED);
}

void __sanitizer_cov_pcs_init(const uintptr_t *begin, const uintptr_t *end) {
  if (begin == end) return;
  for (unsigned i = 0; i < trim_pc_range_count; i++)
    if (trim_pcs[i].begin == begin) return;
  if (trim_pc_range_count == TRIM_MAX_RANGES) { trim_pcs_incomplete = 1; return; }
  trim_pcs[trim_pc_range_count++] = (trim_pc_range){begin, end};
}

typedef struct {
  uintptr_t address, bias;
  int index, found, main_executable;
  const char *name;
} trim_object_query;

/* The loaded object holding address: its load bias, its path, and whether it
 * is the main executable (dl_iterate_phdr reports that one first). */
static int trim_find_object(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  trim_object_query *q = data;
  int index = q->index++;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD) continue;
    uintptr_t low = info->dlpi_addr + ph->p_vaddr;
    if (q->address >= low && q->address - low < ph->p_memsz) {
      q->bias = info->dlpi_addr;
      q->found = 1;
      q->main_executable = index == 0;
      q->name = info->dlpi_name ? info->dlpi_name : "";
      return 1;
    }
  }
  return 0;
}

static void trim_write_pc_table(void) {
  const char *path = trim_table_path;
  size_t path_length = strlen(path);
  if (!path_length) return;
  trim_object_query objects[TRIM_MAX_RANGES];
  size_t entries = 0, size = 32;
  for (unsigned r = 0; r < trim_pc_range_count; r++) {
    trim_object_query q;
    memset(&q, 0, sizeof q);
    q.address = trim_pcs[r].begin[0];
    q.name = "";
    dl_iterate_phdr(trim_find_object, &q);
    if (q.main_executable) q.name = "";
    objects[r] = q;
    entries += (size_t)(trim_pcs[r].end - trim_pcs[r].begin) / 2;
    size += 24 + ((strlen(q.name) + 7) & ~(size_t)7);
  }
  size += entries * 16;
  unsigned char *out = calloc(1, size);
  if (!out) return;
  memcpy(out, "TRIMPCT1", 8);
  trim_put32(out + 8, 1);
  trim_put32(out + 12, 32);
  trim_put32(out + 16, (uint32_t)entries);
  trim_put32(out + 20, trim_slot_count);
  trim_put32(out + 24, trim_pc_range_count);
  trim_put32(out + 28, (trim_pcs_incomplete || trim_guards_incomplete) ? TRIM_FLAG_INCOMPLETE : 0u);
  unsigned char *p = out + 32;
  uint32_t first = 0;
  for (unsigned r = 0; r < trim_pc_range_count; r++) {
    uint32_t count = (uint32_t)((trim_pcs[r].end - trim_pcs[r].begin) / 2);
    size_t name_length = strlen(objects[r].name);
    trim_put32(p, first);
    trim_put32(p + 4, count);
    trim_put64(p + 8, (uint64_t)objects[r].bias);
    trim_put32(p + 16, objects[r].main_executable ? 1u : 0u);
    trim_put32(p + 20, (uint32_t)name_length);
    memcpy(p + 24, objects[r].name, name_length);
    p += 24 + ((name_length + 7) & ~(size_t)7);
    first += count;
  }
  for (unsigned r = 0; r < trim_pc_range_count; r++) {
    for (const uintptr_t *e = trim_pcs[r].begin; e + 1 < trim_pcs[r].end; e += 2) {
      trim_put64(p, (uint64_t)(e[0] - objects[r].bias));
      trim_put64(p + 8, (uint64_t)e[1]);
      p += 16;
    }
  }
  char temp[TRIM_PATH_MAX + 32];
  trim_temp_name(temp, path, path_length);
  trim_write_file(temp, path, out, size);
  free(out);
}
