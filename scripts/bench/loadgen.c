// loadgen: the load generator of `npm run bench -- socketserver` (scripts/bench/socketserver.mjs
// compiles it with gcc -O2 and runs it once per load). A closed loop over one epoll instance: each
// connection sends its own line, waits until the whole line has come back, and sends it again.
// Linux only (epoll, /proc).
//
//   loadgen HOST PORT CONNECTIONS WARMUP_MS MEASURE_MS LINE_BYTES [WATCH_PID]
//
// It connects CONNECTIONS sockets in batches, each connection proven served by one line echoed
// before the next batch connects (each batch and the whole phase have a deadline). Then the load
// runs on all of them: WARMUP_MS of warm-up, then MEASURE_MS in which it counts the round trips
// that complete and records each one's latency (from the send of the line to the arrival of its
// last byte) in a log-linear histogram of microseconds. After the window no new line is sent: each
// connection waits (at most DRAIN_MS) for the echo it still expects, then closes, so that no close
// resets a connection with an echo on its way. LINE_BYTES is the length of a line with its \n
// ("ping <i> xxx...\n"); the echo is checked byte for byte. With WATCH_PID it also reports that
// process's CPU use (all its threads) over the window, beside its own.
//
// It prints one line of JSON on stdout and nothing else there:
//   {"connections":N,"connected":N,"count":N,"seconds":S,"rps":R,"p50_ms":..,"p99_ms":..,
//    "p999_ms":..,"max_ms":..,"connect_ms":..,"served":N,"fewest":N,"oldest_ms":..,"errors":N,
//    "connect_errors":N,"unfinished":N,"first_error":"...","cpu":C,"wait":W,"watch_cpu":C,
//    "watch_wait":W,"cpus":[{"cpu":0,"idle":I,"softirq":S,"steal":T},...]}
//   connected, connect_ms       connections connected and echoed once, and how long that took
//   count, rps, the latencies   the round trips completed in the window (the p's are bucket middles)
//   served, fewest, oldest_ms   connections with a round trip completed in the window, the fewest any
//                               running connection completed, and how long the oldest unanswered
//                               line had waited at the window's end (a starved connection is in no
//                               latency figure: these show it)
//   errors, connect_errors      connections that failed while running, or never connected and echoed
//   unfinished                  connections whose last echo had not come back by the end of the drain
//   first_error                 what went wrong first (null if nothing did)
//   cpu, watch_cpu              CPU seconds per second of the window, all threads (1.0 = one core busy)
//   wait, watch_wait            seconds per second its threads were runnable but had no CPU (other work
//                               on the machine, or each other), summed over threads
//   cpus                        each CPU's share of the window idle, in softirq (where loopback TCP is
//                               processed) and stolen by a hypervisor (/proc/stat): a CPU with no idle
//                               time could not have done more
// The watch_ figures are null without WATCH_PID. A failed connection (refused, reset, closed, a wrong
// byte) is counted and closed, never retried. Every wait is bounded, so the program ends within about
// CONNECT_PHASE_MS + WARMUP_MS + MEASURE_MS + DRAIN_MS. Exit status: 0 when at least one connection
// ran, 1 when none connected, 2 for bad arguments.

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

enum {
  CONNECT_BATCH = 100,       // connections started together; the next batch waits for this one
  CONNECT_BATCH_MS = 5000,   // a batch's connections not established and echoed by then count as errors
  CONNECT_PHASE_MS = 30000,  // no new batch is started after this; the connections left count as errors
  DRAIN_MS = 2000,           // after the window, how long the last echoes are waited for
  MAX_EVENTS = 512,
  READ_BUF = 64 * 1024,
  MAX_LINE = 1 << 20,
};

// ---- time -------------------------------------------------------------------------------------

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/** Milliseconds from now until `deadline` (ns), rounded up so epoll_wait never wakes early; 0 if past. */
static int ms_until(int64_t deadline) {
  int64_t left = deadline - now_ns();
  if (left <= 0) return 0;
  int64_t ms = (left + 999999) / 1000000;
  return ms > 1000000 ? 1000000 : (int)ms;
}

// ---- latency histogram ------------------------------------------------------------------------
// Log-linear buckets of microseconds: exact below 64 µs, then 32 buckets per power of two (each at
// most 1/32 ≈ 3% wide). Values are clamped to 2^36 µs (about 19 hours).

enum { SUB = 32, LINEAR = 2 * SUB, TOP_BIT = 36, BUCKETS = LINEAR + (TOP_BIT - 6) * SUB };

static uint64_t hist[BUCKETS];
static uint64_t hist_total;

static int bucket_of(uint64_t us) {
  if (us < LINEAR) return (int)us;
  if (us >= (UINT64_C(1) << TOP_BIT)) us = (UINT64_C(1) << TOP_BIT) - 1;
  int top = 63 - __builtin_clzll(us);  // 6 .. TOP_BIT-1
  int shift = top - 5;                 // keeps the 6 highest bits: a mantissa in [32, 64)
  return LINEAR + (shift - 1) * SUB + (int)((us >> shift) - SUB);
}

/** The middle of a bucket, in microseconds. */
static double bucket_mid_us(int b) {
  if (b < LINEAR) return b + 0.5;
  int shift = (b - LINEAR) / SUB + 1;
  uint64_t mantissa = (uint64_t)((b - LINEAR) % SUB + SUB);
  return (double)(mantissa << shift) + (double)(UINT64_C(1) << shift) / 2;
}

static void hist_add(int64_t ns) {
  hist[bucket_of(ns > 0 ? (uint64_t)ns / 1000 : 0)]++;
  hist_total++;
}

/** The latency (ms) at quantile q: the bucket holding the ceil(q * total)-th smallest value. */
static double hist_quantile_ms(double q) {
  if (hist_total == 0) return -1;
  uint64_t rank = (uint64_t)(q * (double)hist_total + 0.999999);
  if (rank < 1) rank = 1;
  uint64_t seen = 0;
  for (int b = 0; b < BUCKETS; b++) {
    seen += hist[b];
    if (seen >= rank) return bucket_mid_us(b) / 1000;
  }
  return bucket_mid_us(BUCKETS - 1) / 1000;
}

// ---- errors -----------------------------------------------------------------------------------

static uint64_t errors, connect_errors;
static char first_error[160];

/** Keeps the text of the first error for the report (the callers count the error). */
static void note_error(const char *fmt, ...) {
  if (first_error[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(first_error, sizeof first_error, fmt, ap);
  va_end(ap);
}

// ---- CPU use ----------------------------------------------------------------------------------

static double self_cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/** utime + stime of every thread of process `pid`, in seconds; -1 if it cannot be read. */
static double proc_cpu_s(pid_t pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  // fields after the command name, which is in parentheses and may hold spaces: state is field 3,
  // utime and stime are fields 14 and 15
  char *p = strrchr(buf, ')');
  if (!p) return -1;
  unsigned long long utime, stime;
  if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
  return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/**
 * The time every thread of process `pid` has spent runnable but waiting for a CPU (the second field
 * of /proc/PID/task/TID/schedstat), in seconds; -1 if it cannot be read. A process that neither runs
 * nor waits is idle: its work has not arrived.
 */
static double proc_wait_s(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
  DIR *d = opendir(path);
  if (!d) return -1;
  unsigned long long total = 0;
  int found = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    char file[64 + sizeof e->d_name];
    snprintf(file, sizeof file, "/proc/%d/task/%s/schedstat", (int)pid, e->d_name);
    FILE *f = fopen(file, "r");
    if (!f) continue;  // a thread that has just ended
    unsigned long long run, wait;
    if (fscanf(f, "%llu %llu", &run, &wait) == 2) {
      total += wait;
      found = 1;
    }
    fclose(f);
  }
  closedir(d);
  return found ? (double)total / 1e9 : -1;
}

/** Each CPU's tick counters from /proc/stat: user nice system idle iowait irq softirq steal. */
enum { MAX_CPUS = 64, TICK_FIELDS = 8, T_IDLE = 3, T_IOWAIT = 4, T_SOFTIRQ = 6, T_STEAL = 7 };
struct cpu_ticks {
  int n;  // CPUs read
  int id[MAX_CPUS];
  unsigned long long v[MAX_CPUS][TICK_FIELDS];
};

static void read_cpu_ticks(struct cpu_ticks *t) {
  t->n = 0;
  FILE *f = fopen("/proc/stat", "r");
  if (!f) return;
  char line[512];
  while (t->n < MAX_CPUS && fgets(line, sizeof line, f)) {
    int id;
    unsigned long long *v = t->v[t->n];
    if (strncmp(line, "cpu", 3) != 0 || line[3] < '0' || line[3] > '9') continue;  // not the "cpu " total
    if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &id, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 1 + TICK_FIELDS) t->id[t->n++] = id;
  }
  fclose(f);
}

/** Per CPU over the window: the share of its time idle (with iowait), in softirq, and stolen by the hypervisor. */
static void print_cpu_shares(const struct cpu_ticks *a, const struct cpu_ticks *b) {
  printf("[");
  for (int i = 0; i < a->n && i < b->n; i++) {
    unsigned long long d[TICK_FIELDS], total = 0;
    for (int k = 0; k < TICK_FIELDS; k++) total += d[k] = b->v[i][k] - a->v[i][k];
    double share = total ? 1.0 / (double)total : 0;
    printf("%s{\"cpu\":%d,\"idle\":%.3f,\"softirq\":%.3f,\"steal\":%.3f}", i ? "," : "", a->id[i], (double)(d[T_IDLE] + d[T_IOWAIT]) * share, (double)d[T_SOFTIRQ] * share, (double)d[T_STEAL] * share);
  }
  printf("]");
}

// ---- connections ------------------------------------------------------------------------------

enum state { IDLE, CONNECTING, RUNNING, DONE, DEAD };

struct conn {
  int fd;
  enum state state;
  char *line;       // this connection's line, LINE_BYTES long, ending in \n
  size_t sent;      // bytes of the line written so far
  size_t got;       // bytes of the echo read so far (never more than sent)
  int want_out;     // EPOLLOUT is registered: a short write waits to go on
  int64_t started;  // when the first byte of this round trip was written
  uint64_t done;    // round trips it completed in the window
  int answered;     // it has had at least one line back
};

static struct conn *conns;
static size_t line_bytes;
static size_t running;     // connections in state RUNNING
static size_t unanswered;  // of those, the ones that have not had a line back yet
static int probing = 1;    // connecting: a connection's first line back is not followed by another
static int ep;

/** Closes a connection that failed; counts it. */
static void kill_conn(struct conn *c, int during_connect) {
  if (c->state == DEAD || c->state == DONE) return;
  if (during_connect) connect_errors++;
  else errors++;
  if (c->state == RUNNING) running--;
  if (c->state == RUNNING && !c->answered) unanswered--;
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);  // close() would too, unless the fd were shared
  close(c->fd);
  c->fd = -1;
  c->state = DEAD;
}

/** Closes a connection whose last line has come back: nothing is left unread, so the close is a clean FIN. */
static void finish_conn(struct conn *c) {
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  c->fd = -1;
  c->state = DONE;
  running--;
}

static void set_events(struct conn *c, uint32_t events) {
  struct epoll_event ev = {.events = events, .data.u32 = (uint32_t)(c - conns)};
  if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) {
    note_error("epoll_ctl: %s", strerror(errno));
    kill_conn(c, 0);
  }
}

/** Writes what is left of the line; a short write or EAGAIN waits for EPOLLOUT. Returns 0 if the connection died. */
static int send_rest(struct conn *c) {
  while (c->sent < line_bytes) {
    ssize_t n = send(c->fd, c->line + c->sent, line_bytes - c->sent, MSG_NOSIGNAL);
    if (n > 0) {
      c->sent += (size_t)n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!c->want_out) {
        c->want_out = 1;
        set_events(c, EPOLLIN | EPOLLOUT);
      }
      return c->state != DEAD;
    }
    note_error("send: %s", n < 0 ? strerror(errno) : "wrote nothing");
    kill_conn(c, 0);
    return 0;
  }
  if (c->want_out) {
    c->want_out = 0;
    set_events(c, EPOLLIN);
  }
  return c->state != DEAD;
}

static void start_round_trip(struct conn *c, int64_t t) {
  c->sent = 0;
  c->got = 0;
  c->started = t;
  send_rest(c);
}

// ---- the measured window ----------------------------------------------------------------------

// round trips completed in [window_start, window_end) are counted; after window_end no line is sent
static int64_t window_start = INT64_MAX, window_end = INT64_MAX;
static uint64_t count;
static int64_t max_ns;

/** Reads what has arrived; checks it against the line; on the last byte counts the round trip and sends again. */
static void on_readable(struct conn *c) {
  static char buf[READ_BUF];
  for (;;) {
    ssize_t n = recv(c->fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // level-triggered: epoll says when there is more
    if (n <= 0) {
      if (n == 0) note_error("connection %zu: closed by the server", (size_t)(c - conns));
      else note_error("recv: %s", strerror(errno));
      kill_conn(c, 0);
      return;
    }
    // an echo can only return what was sent, and exactly that
    if ((size_t)n > c->sent - c->got || memcmp(buf, c->line + c->got, (size_t)n) != 0) {
      note_error("connection %zu: the echo differs from the line sent", (size_t)(c - conns));
      kill_conn(c, 0);
      return;
    }
    c->got += (size_t)n;
    if (c->got < line_bytes) continue;  // a partial read: the rest may be in the socket already
    int64_t t = now_ns();
    if (!c->answered) {
      c->answered = 1;
      unanswered--;
    }
    if (probing) {  // proven served; the load starts once every connection is
      c->sent = c->got = 0;
      return;
    }
    if (t >= window_end) {
      finish_conn(c);  // the window is over: this connection is done
      return;
    }
    if (t >= window_start) {
      int64_t lat = t - c->started;
      count++;
      c->done++;
      hist_add(lat);
      if (lat > max_ns) max_ns = lat;
    }
    start_round_trip(c, t);
    return;  // one outstanding line per connection: nothing more can be in the socket
  }
}

/** Handles the connections' events until `until` (ns), until no connection is left, or (if `ready`) until every one has been answered. */
static void pump(int64_t until, int ready) {
  struct epoll_event evs[MAX_EVENTS];
  while (running > 0 && !(ready && unanswered == 0) && now_ns() < until) {
    int n = epoll_wait(ep, evs, MAX_EVENTS, ms_until(until));
    if (n < 0 && errno != EINTR) {
      note_error("epoll_wait: %s", strerror(errno));
      return;
    }
    for (int k = 0; k < n; k++) {
      struct conn *c = &conns[evs[k].data.u32];
      uint32_t e = evs[k].events;
      if (c->state != RUNNING) continue;
      if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);  // recv() reports the error or the close
      if (c->state == RUNNING && (e & EPOLLOUT) && c->want_out) send_rest(c);
    }
  }
}

// ---- connecting -------------------------------------------------------------------------------

/**
 * Opens connections [from, to) at once, waits until each is established, then until each has had
 * one line echoed, all by `deadline`; a connection that fails either is counted, noted and closed.
 */
static void connect_batch(const struct addrinfo *ai, size_t from, size_t to, int64_t deadline) {
  size_t pending = 0;
  for (size_t i = from; i < to; i++) {
    struct conn *c = &conns[i];
    c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (c->fd < 0) {
      note_error("socket: %s", strerror(errno));
      connect_errors++;
      c->state = DEAD;
      continue;
    }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // a line goes out at once, not after an ACK
    int r = connect(c->fd, ai->ai_addr, ai->ai_addrlen);
    if (r < 0 && errno != EINPROGRESS) {
      note_error("connect: %s", strerror(errno));
      close(c->fd);
      connect_errors++;
      c->state = DEAD;
      continue;
    }
    struct epoll_event ev = {.events = r == 0 ? EPOLLIN : EPOLLOUT, .data.u32 = (uint32_t)i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
      note_error("epoll_ctl: %s", strerror(errno));
      close(c->fd);
      connect_errors++;
      c->state = DEAD;
      continue;
    }
    if (r == 0) {
      c->state = RUNNING;
      running++;
    } else {
      c->state = CONNECTING;
      pending++;
    }
  }
  struct epoll_event evs[MAX_EVENTS];
  while (pending > 0) {
    int n = epoll_wait(ep, evs, MAX_EVENTS, ms_until(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the deadline (or an epoll failure): what is still pending fails below
    for (int k = 0; k < n; k++) {
      struct conn *c = &conns[evs[k].data.u32];
      if (c->state == RUNNING) {  // an earlier connection that the server closed (or wrote to) unasked
        note_error("connection %zu: closed by the server before its first line", (size_t)(c - conns));
        kill_conn(c, 1);
        continue;
      }
      if (c->state != CONNECTING) continue;
      int err = 0;
      socklen_t len = sizeof err;
      if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) err = errno;
      pending--;
      if (err) {
        note_error("connect: %s", strerror(err));
        kill_conn(c, 1);
      } else {
        c->state = RUNNING;
        running++;
        set_events(c, EPOLLIN);
      }
    }
  }
  for (size_t i = from; i < to; i++) {
    if (conns[i].state == CONNECTING) {
      note_error("connect: no answer within %d ms", CONNECT_BATCH_MS);
      kill_conn(&conns[i], 1);
    }
  }
  // each new connection sends one line and waits for it back before the next batch connects: a
  // connection still in the server's accept queue is connected but not served, and one that came in
  // while the server was busy with the load could be taken late (Python's accept loop needs the
  // GIL its handler threads hold), so the load would run on fewer connections than it says
  int64_t t = now_ns();
  for (size_t i = from; i < to; i++) {
    if (conns[i].state != RUNNING) continue;
    unanswered++;
    start_round_trip(&conns[i], t);
  }
  pump(deadline, 1);
  for (size_t i = from; i < to; i++) {
    if (conns[i].state == RUNNING && !conns[i].answered) {
      note_error("connection %zu: no line back within %d ms of connecting", i, CONNECT_BATCH_MS);
      kill_conn(&conns[i], 1);
    }
  }
}

// ---- main -------------------------------------------------------------------------------------

static long arg_num(const char *s, const char *what, long min, long max) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || end == s || v < min || v > max) {
    fprintf(stderr, "loadgen: %s must be a whole number from %ld to %ld, not \"%s\"\n", what, min, max, s);
    exit(2);
  }
  return v;
}

static void print_json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') printf("\\%c", *s);
    else if ((unsigned char)*s < 0x20) printf("\\u%04x", (unsigned)(unsigned char)*s);
    else putchar(*s);
  }
  putchar('"');
}

/** (b - a) / seconds as JSON, or null if either reading failed. */
static void print_rate(double a, double b, double seconds) {
  if (a >= 0 && b >= 0 && seconds > 0) printf("%.3f", (b - a) / seconds);
  else printf("null");
}

int main(int argc, char **argv) {
  if (argc < 7 || argc > 8) {
    fprintf(stderr, "usage: loadgen HOST PORT CONNECTIONS WARMUP_MS MEASURE_MS LINE_BYTES [WATCH_PID]\n");
    return 2;
  }
  const char *host = argv[1], *port = argv[2];
  size_t nconns = (size_t)arg_num(argv[3], "CONNECTIONS", 1, 1000000);
  long warmup_ms = arg_num(argv[4], "WARMUP_MS", 0, 3600000);
  long measure_ms = arg_num(argv[5], "MEASURE_MS", 1, 3600000);
  line_bytes = (size_t)arg_num(argv[6], "LINE_BYTES", 2, MAX_LINE);
  pid_t watch = argc > 7 ? (pid_t)arg_num(argv[7], "WATCH_PID", 0, 1 << 30) : 0;
  signal(SIGPIPE, SIG_IGN);  // send() has MSG_NOSIGNAL; this is for anything else

  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai;
  int gai = getaddrinfo(host, port, &hints, &ai);
  if (gai != 0) {
    fprintf(stderr, "loadgen: %s port %s: %s\n", host, port, gai_strerror(gai));
    return 2;
  }
  ep = epoll_create1(EPOLL_CLOEXEC);
  conns = calloc(nconns, sizeof *conns);
  if (ep < 0 || !conns) {
    fprintf(stderr, "loadgen: %s\n", strerror(errno));
    return 1;
  }
  // each connection's own line: "ping <i> " padded with x to LINE_BYTES, then \n
  for (size_t i = 0; i < nconns; i++) {
    struct conn *c = &conns[i];
    c->fd = -1;
    c->line = malloc(line_bytes);
    if (!c->line) {
      fprintf(stderr, "loadgen: out of memory\n");
      return 1;
    }
    int head = snprintf(c->line, line_bytes, "ping %zu ", i);  // cut short if the line is that short
    size_t used = head < 0 ? 0 : (size_t)head >= line_bytes ? line_bytes - 1 : (size_t)head;
    memset(c->line + used, 'x', line_bytes - 1 - used);
    c->line[line_bytes - 1] = '\n';
  }

  // connect in batches: a burst of SYNs larger than the server's backlog would be dropped and
  // retried after a second, and that second would be measured as the server's
  int64_t started = now_ns();
  int64_t phase_end = started + (int64_t)CONNECT_PHASE_MS * 1000000;
  for (size_t from = 0; from < nconns; from += CONNECT_BATCH) {
    size_t to = from + CONNECT_BATCH < nconns ? from + CONNECT_BATCH : nconns;
    if (now_ns() >= phase_end) {
      note_error("connect: not all connected within %d ms", CONNECT_PHASE_MS);
      connect_errors += to - from;
      for (size_t i = from; i < to; i++) conns[i].state = DEAD;
      continue;
    }
    int64_t batch_end = now_ns() + (int64_t)CONNECT_BATCH_MS * 1000000;
    connect_batch(ai, from, to, batch_end < phase_end ? batch_end : phase_end);
  }
  freeaddrinfo(ai);

  size_t connected = running;

  // the load: every connection sends its line again and again; the warm-up, the window, the drain
  int64_t connect_ns = now_ns() - started;
  probing = 0;
  int64_t t = now_ns();
  for (size_t i = 0; i < nconns; i++) {
    if (conns[i].state == RUNNING) start_round_trip(&conns[i], t);
  }
  pump(t + (int64_t)warmup_ms * 1000000, 0);
  // the readings first (a server with a thousand threads takes some milliseconds), then the window
  static struct cpu_ticks ticks0, ticks1;
  read_cpu_ticks(&ticks0);
  double cpu0 = self_cpu_s(), wait0 = proc_wait_s(getpid());
  double watch0 = watch ? proc_cpu_s(watch) : -1, watch_wait0 = watch ? proc_wait_s(watch) : -1;
  window_start = now_ns();
  window_end = window_start + (int64_t)measure_ms * 1000000;
  pump(window_end, 0);
  t = now_ns();
  // fairness: a server that served some connections and starved the others could look fast and
  // quick, since a round trip that never completes is in no latency; so count the connections
  // served, and how long the oldest line still unanswered has been waiting
  size_t served = 0;
  uint64_t fewest = UINT64_MAX;
  int64_t oldest = 0;
  for (size_t i = 0; i < nconns; i++) {
    struct conn *c = &conns[i];
    served += c->done > 0;
    if (c->state != RUNNING && c->state != DONE) continue;  // failed, or never connected: counted as errors
    if (c->done < fewest) fewest = c->done;
    if (c->state == RUNNING && t - c->started > oldest) oldest = t - c->started;
  }
  // the window's length: shorter if every connection failed before its end, none if none connected
  double seconds = connected == 0 ? 0 : (double)((t < window_end ? t : window_end) - window_start) / 1e9;
  double cpu = seconds > 0 ? (self_cpu_s() - cpu0) / seconds : 0;
  double wait1 = proc_wait_s(getpid());
  read_cpu_ticks(&ticks1);
  double watch1 = watch ? proc_cpu_s(watch) : -1, watch_wait1 = watch ? proc_wait_s(watch) : -1;
  // the drain: each connection waits for its last echo, then closes (a close with an echo still on
  // its way would reset the connection, and the server would report the reset as an error)
  pump(window_end + (int64_t)DRAIN_MS * 1000000, 0);
  size_t unfinished = running;

  printf("{\"connections\":%zu,\"connected\":%zu,\"count\":%" PRIu64 ",\"seconds\":%.3f,\"rps\":%.1f,", nconns, connected, count, seconds, seconds > 0 ? (double)count / seconds : 0);
  if (hist_total > 0) printf("\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,", hist_quantile_ms(0.50), hist_quantile_ms(0.99), hist_quantile_ms(0.999), (double)max_ns / 1e6);
  else printf("\"p50_ms\":null,\"p99_ms\":null,\"p999_ms\":null,\"max_ms\":null,");
  printf("\"connect_ms\":%.1f,", (double)connect_ns / 1e6);
  printf("\"served\":%zu,\"fewest\":%" PRIu64 ",\"oldest_ms\":%.3f,", served, fewest == UINT64_MAX ? 0 : fewest, (double)oldest / 1e6);
  printf("\"errors\":%" PRIu64 ",\"connect_errors\":%" PRIu64 ",\"unfinished\":%zu,\"first_error\":", errors, connect_errors, unfinished);
  if (first_error[0]) print_json_string(first_error);
  else printf("null");
  printf(",\"cpu\":%.3f,\"wait\":", cpu);
  print_rate(wait0, wait1, seconds);
  printf(",\"watch_cpu\":");
  print_rate(watch0, watch1, seconds);
  printf(",\"watch_wait\":");
  print_rate(watch_wait0, watch_wait1, seconds);
  printf(",\"cpus\":");
  print_cpu_shares(&ticks0, &ticks1);
  printf("}\n");

  for (size_t i = 0; i < nconns; i++) {
    if (conns[i].fd >= 0) close(conns[i].fd);
    free(conns[i].line);
  }
  free(conns);
  close(ep);
  return connected > 0 ? 0 : 1;
}
