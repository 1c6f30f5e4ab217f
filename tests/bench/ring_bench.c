// SPDX-License-Identifier: MIT
/*
 * make bench-ring: the Mantle ring between two threads pinned to two cores,
 * on a ring area in MAP_SHARED memory, against references measured in the
 * same run: a pipe for one-way throughput, and a cache-line ping-pong (two
 * threads bouncing one line) for round trips, beside an eventfd round trip.
 *
 * The machine is shared with other work, which only ever slows a stretch of
 * a run down. So every figure is taken over many short windows and the best
 * window is reported (for the ring and for its references alike); the mean
 * over the whole run follows on a comment line. Not a test: nothing asserts.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "mantle_ring.h"
#include "mantle_proto.h"

/* One-way: 256 slots (16 KiB of slots). Round trips: 64 slots, one page,
 * as a request/response channel with few requests in flight would use;
 * 256-slot rings measured ~1.25x slower round trips here, the two rings
 * then filling the 32 KiB L1. */
#define LOG2 8
#define RTT_LOG2 6
#define BATCH 16u /* messages per producer batch */
#define MAX_REC 512u
#define ONEWAY_MSGS (4u << 20)
#define ONEWAY_WIN (64u << 10) /* messages per window */
#define PIPE_MSGS (512u << 10)
#define PIPE_WIN (16u << 10)
#define RTT_WIN 1000u
#define EFD_ITERS 40000u
#define EFD_WIN 200u

static const char usage[] =
	"NAME\n"
	"    ring_bench - throughput and latency of the Mantle ring\n"
	"SYNOPSIS\n"
	"    ring_bench [--help]\n"
	"DESCRIPTION\n"
	"    Runs one producer and one consumer thread on CPUs 0 and 1 over a\n"
	"    ring in shared memory and prints BENCH lines:\n"
	"      ring_oneway_64b  one-way 64-byte messages (16-byte packet header\n"
	"                       plus 64 bytes) per second, batches of 16;\n"
	"                       reference: 64-byte writes through a pipe\n"
	"      ring_rtt_48b     request/completion round trip, 48-byte packets\n"
	"                       (one slot each way); reference: a cache-line\n"
	"                       ping-pong between the same two CPUs\n"
	"      ring_rtt_80b     the same with 80-byte packets (two slots)\n"
	"      layout_rtt_48b   the bare slot layout: a 48-byte message and\n"
	"                       its seq in one line each way, without the\n"
	"                       ring code (the layout's own floor)\n"
	"      ring_rtt_48b_vs_layout  the ring's cost over that floor\n"
	"      eventfd_rtt      a round trip over two eventfds\n"
	"    Each figure is the best of many short windows (1000 round trips,\n"
	"    65536 messages), since other load on the machine only slows\n"
	"    windows down; a comment line gives the whole-run means.\n";

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	/* Best effort: with fewer CPUs the figures are still printed. */
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void relax(void)
{
	__builtin_ia32_pause();
}

/* Best window and whole-run mean of one measurement. */
struct result {
	double best;
	double mean;
};

/* Times windows of `win` events: call tick() after every event. */
struct windows {
	double start, win_start, best; /* best: shortest window, ns */
	mtl_u32 n, win;
};

static void win_begin(struct windows *w, mtl_u32 win)
{
	w->start = w->win_start = now_ns();
	w->best = 1e300;
	w->n = 0;
	w->win = win;
}

static void win_tick(struct windows *w)
{
	if (++w->n % w->win == 0) {
		double t = now_ns();

		if (t - w->win_start < w->best)
			w->best = t - w->win_start;
		w->win_start = t;
	}
}

/* Per-event time (ns): best window and mean. */
static struct result win_ns(const struct windows *w)
{
	struct result r = { w->best / w->win, (now_ns() - w->start) / w->n };

	return r;
}

static struct result per_second(struct result ns)
{
	struct result r = { 1e9 / ns.best, 1e9 / ns.mean };

	return r;
}

static void *ring_area(mtl_u32 log2)
{
	void *p = mmap(NULL, MTL_RING_AREA_SIZE(log2), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("ring_bench: mmap");
		exit(1);
	}
	mtl_ring_area_init(p, log2);
	return p;
}

static void ring_init(struct mtl_ring *r, void *area, mtl_u32 log2,
		      mtl_u32 role)
{
	if (mtl_ring_init(r, area, log2, MAX_REC, role, MTL_RING_F_EVENT_IDX)) {
		fprintf(stderr, "ring_bench: ring init failed\n");
		exit(1);
	}
}

/* --- one-way ----------------------------------------------------------- */

/* Each thread's private state on lines of its own: false sharing here would
 * be measured as ring cost. */
struct oneway {
	_Alignas(128) struct mtl_ring prod;
	_Alignas(128) struct mtl_ring cons;
	struct windows w; /* consumer's */
	mtl_u64 sum; /* consumer's checksum, keeps the reads honest */
};

static void *oneway_consumer(void *arg)
{
	struct oneway *o = arg;
	_Alignas(8) mtl_u8 buf[MAX_REC];
	mtl_u32 len;

	pin(1);
	win_begin(&o->w, ONEWAY_WIN);
	while (o->w.n < ONEWAY_MSGS) {
		int rc = mtl_ring_read(&o->cons, buf, sizeof(buf), &len);

		if (rc == MTL_RING_OK) {
			const struct mtl_pkt_hdr *h = (const void *)buf;

			o->sum += h->txid;
			win_tick(&o->w);
		} else if (rc == MTL_RING_EMPTY) {
			mtl_ring_done(&o->cons); /* end of a batch */
			relax();
		} else {
			fprintf(stderr, "ring_bench: read failed %d\n", rc);
			exit(1);
		}
	}
	mtl_ring_done(&o->cons);
	return NULL;
}

static struct result run_oneway(void)
{
	static struct oneway o;
	struct mtl_pkt_hdr h = { .type = MTL_MSG_PIPE_DATA, .len8 = 10 };
	mtl_u8 payload[64];
	void *area = ring_area(LOG2);
	pthread_t t;
	mtl_u32 i;
	mtl_u64 want = 0;
	struct result r;

	memset(&o, 0, sizeof(o));
	memset(payload, 0xab, sizeof(payload));
	ring_init(&o.prod, area, LOG2, MTL_RING_PRODUCER);
	ring_init(&o.cons, area, LOG2, MTL_RING_CONSUMER);
	pin(0);
	pthread_create(&t, NULL, oneway_consumer, &o);
	for (i = 0; i < ONEWAY_MSGS; i++) {
		h.txid = i;
		want += i;
		while (mtl_ring_write(&o.prod, &h, sizeof(h), payload,
				      sizeof(payload)) == MTL_RING_FULL) {
			mtl_ring_flush(&o.prod);
			relax();
		}
		if (i % BATCH == BATCH - 1)
			mtl_ring_flush(&o.prod); /* end of a batch */
	}
	mtl_ring_flush(&o.prod);
	pthread_join(t, NULL);
	if (o.sum != want) {
		fprintf(stderr, "ring_bench: one-way checksum mismatch\n");
		exit(1);
	}
	r = per_second(win_ns(&o.w));
	munmap(area, MTL_RING_AREA_SIZE(LOG2));
	return r;
}

static struct windows pipe_w;

static void *pipe_reader(void *arg)
{
	int fd = *(int *)arg;
	char buf[64];
	mtl_u32 i;

	pin(1);
	win_begin(&pipe_w, PIPE_WIN);
	for (i = 0; i < PIPE_MSGS; i++) {
		size_t off = 0;

		while (off < sizeof(buf)) {
			ssize_t n = read(fd, buf + off, sizeof(buf) - off);

			if (n <= 0) {
				perror("ring_bench: pipe read");
				exit(1);
			}
			off += (size_t)n;
		}
		win_tick(&pipe_w);
	}
	return NULL;
}

static struct result run_pipe_oneway(void)
{
	int fds[2];
	char buf[64];
	pthread_t t;
	mtl_u32 i;
	struct result r;

	memset(buf, 0xab, sizeof(buf));
	if (pipe(fds)) {
		perror("ring_bench: pipe");
		exit(1);
	}
	pin(0);
	pthread_create(&t, NULL, pipe_reader, &fds[0]);
	for (i = 0; i < PIPE_MSGS; i++)
		if (write(fds[1], buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
			perror("ring_bench: pipe write");
			exit(1);
		}
	pthread_join(t, NULL);
	r = per_second(win_ns(&pipe_w));
	close(fds[0]);
	close(fds[1]);
	return r;
}

/* --- round trips ---------------------------------------------------------
 * The ring's round trips and their references run in one pair of threads,
 * in alternating windows, so all see the same placement of the two vCPUs on
 * the host: that placement changes the floor several-fold over a run.
 * References: the cache-line ping-pong, and the bare layout (a 48-byte
 * message and its seq in one line each way, no ring code, no checks). */

enum { W_PINGPONG, W_RING48, W_RING80, W_LAYOUT, W_KINDS };
#define RTT_WINDOWS (4u * 150u)

/* The bare layout's two slot arrays, as big as the ring's. */
struct bare_slot {
	_Alignas(64) mtl_u32 seq;
	mtl_u32 len;
	mtl_u8 data[56];
};
static struct bare_slot bare_req[1u << RTT_LOG2], bare_resp[1u << RTT_LOG2];

struct rtt {
	_Alignas(128) struct mtl_ring req_prod; /* client */
	struct mtl_ring resp_cons; /* client */
	_Alignas(128) struct mtl_ring req_cons; /* server */
	struct mtl_ring resp_prod; /* server */
};

/* One cache line bounced between two threads: the floor for a round trip. */
static struct {
	_Alignas(128) mtl_u32 v;
	mtl_u8 pad[124];
} line;

static void *rtt_server(void *arg)
{
	struct rtt *r = arg;
	_Alignas(8) mtl_u8 buf[MAX_REC];
	mtl_u32 w, i, len, k = 0, b = 0;

	pin(1);
	for (w = 0; w < RTT_WINDOWS; w++) {
		for (i = 0; i < RTT_WIN; i++) {
			struct mtl_pkt_hdr *h = (struct mtl_pkt_hdr *)buf;

			if (w % W_KINDS == W_LAYOUT) {
				struct bare_slot *q = &bare_req[b & 63];
				struct bare_slot *p = &bare_resp[b & 63];

				while (__atomic_load_n(&q->seq,
						       __ATOMIC_ACQUIRE) !=
				       b + 1)
					relax();
				memcpy(buf, q->data, 48);
				p->len = 48;
				memcpy(p->data, buf, 48);
				__atomic_store_n(&p->seq, b + 1,
						 __ATOMIC_RELEASE);
				b++;
				continue;
			}
			if (w % W_KINDS == W_PINGPONG) {
				while (__atomic_load_n(&line.v,
						       __ATOMIC_ACQUIRE) !=
				       2 * k + 1)
					relax();
				__atomic_store_n(&line.v, 2 * k + 2,
						 __ATOMIC_RELEASE);
				k++;
				continue;
			}
			while (mtl_ring_read(&r->req_cons, buf, sizeof(buf),
					     &len) != MTL_RING_OK)
				relax();
			/* The completion echoes the txid. */
			h->flags = MTL_PKT_F_COMPLETION;
			while (mtl_ring_write(&r->resp_prod, buf, len, NULL,
					      0) != MTL_RING_OK)
				relax();
			mtl_ring_flush(&r->resp_prod);
			/* Release the request slot once the completion is
			 * out, as a device ends its batch after completing. */
			mtl_ring_done(&r->req_cons);
		}
	}
	return NULL;
}

/* Round trips of (16 + payload)-byte requests and completions. */
static void ring_window(struct rtt *r, mtl_u32 payload, mtl_u32 *txid)
{
	_Alignas(8) mtl_u8 buf[MAX_REC];
	struct mtl_pkt_hdr h = { .type = MTL_MSG_PIPE_DATA,
				 .flags = MTL_PKT_F_COMPLETION_REQUESTED };
	mtl_u8 data[MAX_REC];
	mtl_u32 i, len;

	memset(data, 0x5a, payload);
	h.len8 = (mtl_u16)((16 + payload) / 8);
	for (i = 0; i < RTT_WIN; i++, (*txid)++) {
		h.txid = *txid;
		if (mtl_ring_write(&r->req_prod, &h, sizeof(h), data, payload))
			exit(1);
		mtl_ring_flush(&r->req_prod);
		/* The previous completion's slot, released while this request
		 * is on its way. */
		mtl_ring_done(&r->resp_cons);
		while (mtl_ring_read(&r->resp_cons, buf, sizeof(buf), &len) !=
		       MTL_RING_OK)
			relax();
		if (((struct mtl_pkt_hdr *)buf)->txid != *txid) {
			fprintf(stderr, "ring_bench: completion mismatch\n");
			exit(1);
		}
	}
	mtl_ring_done(&r->resp_cons);
}

static void layout_window(mtl_u32 *b)
{
	mtl_u8 buf[48] = { 0 };
	mtl_u32 i;

	for (i = 0; i < RTT_WIN; i++, (*b)++) {
		struct bare_slot *q = &bare_req[*b & 63];
		struct bare_slot *p = &bare_resp[*b & 63];

		q->len = 48;
		memcpy(q->data, buf, 48);
		__atomic_store_n(&q->seq, *b + 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&p->seq, __ATOMIC_ACQUIRE) != *b + 1)
			relax();
		memcpy(buf, p->data, 48);
	}
}

static void pingpong_window(mtl_u32 *k)
{
	mtl_u32 i;

	for (i = 0; i < RTT_WIN; i++, (*k)++) {
		__atomic_store_n(&line.v, 2 * *k + 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&line.v, __ATOMIC_ACQUIRE) != 2 * *k + 2)
			relax();
	}
}

/* Per round trip, ns: res[W_PINGPONG], res[W_RING48], res[W_RING80]. */
static void run_rtt(struct result res[W_KINDS])
{
	static struct rtt r;
	void *a1 = ring_area(RTT_LOG2), *a2 = ring_area(RTT_LOG2);
	double best[W_KINDS], total[W_KINDS] = { 0 };
	pthread_t t;
	mtl_u32 w, kind, k = 0, txid = 0, b = 0;

	memset(&r, 0, sizeof(r));
	line.v = 0;
	ring_init(&r.req_prod, a1, RTT_LOG2, MTL_RING_PRODUCER);
	ring_init(&r.req_cons, a1, RTT_LOG2, MTL_RING_CONSUMER);
	ring_init(&r.resp_prod, a2, RTT_LOG2, MTL_RING_PRODUCER);
	ring_init(&r.resp_cons, a2, RTT_LOG2, MTL_RING_CONSUMER);
	for (kind = 0; kind < W_KINDS; kind++)
		best[kind] = 1e300;
	pin(0);
	pthread_create(&t, NULL, rtt_server, &r);
	for (w = 0; w < RTT_WINDOWS; w++) {
		double t0 = now_ns(), dt;

		kind = w % W_KINDS;
		if (kind == W_PINGPONG)
			pingpong_window(&k);
		else if (kind == W_LAYOUT)
			layout_window(&b);
		else
			ring_window(&r, kind == W_RING48 ? 32 : 64, &txid);
		dt = now_ns() - t0;
		total[kind] += dt;
		if (dt < best[kind])
			best[kind] = dt;
	}
	pthread_join(t, NULL);
	for (kind = 0; kind < W_KINDS; kind++) {
		res[kind].best = best[kind] / RTT_WIN;
		res[kind].mean =
			total[kind] / (RTT_WINDOWS / W_KINDS) / RTT_WIN;
	}
	munmap(a1, MTL_RING_AREA_SIZE(RTT_LOG2));
	munmap(a2, MTL_RING_AREA_SIZE(RTT_LOG2));
}

static int efd[2];

static void *efd_server(void *arg)
{
	uint64_t v;
	mtl_u32 i;

	(void)arg;
	pin(1);
	for (i = 0; i < EFD_ITERS; i++) {
		if (read(efd[0], &v, 8) != 8 || write(efd[1], &v, 8) != 8) {
			perror("ring_bench: eventfd");
			exit(1);
		}
	}
	return NULL;
}

static struct result run_eventfd(void)
{
	uint64_t v = 1;
	struct windows w;
	struct result res;
	pthread_t t;
	mtl_u32 i;

	efd[0] = eventfd(0, 0);
	efd[1] = eventfd(0, 0);
	if (efd[0] < 0 || efd[1] < 0) {
		perror("ring_bench: eventfd");
		exit(1);
	}
	pin(0);
	pthread_create(&t, NULL, efd_server, NULL);
	win_begin(&w, EFD_WIN);
	for (i = 0; i < EFD_ITERS; i++) {
		if (write(efd[0], &v, 8) != 8 || read(efd[1], &v, 8) != 8) {
			perror("ring_bench: eventfd");
			exit(1);
		}
		win_tick(&w);
	}
	res = win_ns(&w);
	pthread_join(t, NULL);
	close(efd[0]);
	close(efd[1]);
	return res;
}

static void bench(const char *name, double value, const char *unit,
		  const char *ref, double ref_value)
{
	printf("BENCH name=%s value=%.1f unit=%s ref=%s:%.1f ratio=%.3f\n",
	       name, value, unit, ref, ref_value, value / ref_value);
}

int main(int argc, char **argv)
{
	struct result ow, pipe_ow, rt[W_KINDS], ev;

	if (argc > 1) {
		int help = !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h");

		fputs(usage, help ? stdout : stderr);
		return help ? 0 : 2;
	}
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		fprintf(stderr, "ring_bench: fewer than 2 CPUs online; "
				"figures are not meaningful\n");
	ow = run_oneway();
	pipe_ow = run_pipe_oneway();
	run_rtt(rt);
	ev = run_eventfd();
	bench("ring_oneway_64b", ow.best, "msg/s", "pipe_oneway_64b",
	      pipe_ow.best);
	bench("ring_rtt_48b", rt[W_RING48].best, "ns", "cacheline_pingpong",
	      rt[W_PINGPONG].best);
	bench("ring_rtt_80b", rt[W_RING80].best, "ns", "cacheline_pingpong",
	      rt[W_PINGPONG].best);
	bench("layout_rtt_48b", rt[W_LAYOUT].best, "ns", "cacheline_pingpong",
	      rt[W_PINGPONG].best);
	bench("ring_rtt_48b_vs_layout", rt[W_RING48].best, "ns",
	      "layout_rtt_48b", rt[W_LAYOUT].best);
	bench("eventfd_rtt", ev.best, "ns", "cacheline_pingpong",
	      rt[W_PINGPONG].best);
	printf("# whole-run means: ring_oneway_64b %.0f msg/s, pipe %.0f msg/s, "
	       "ring_rtt_48b %.0f ns, ring_rtt_80b %.0f ns, pingpong %.0f ns, "
	       "eventfd %.0f ns\n",
	       ow.mean, pipe_ow.mean, rt[W_RING48].mean, rt[W_RING80].mean,
	       rt[W_PINGPONG].mean, ev.mean);
	printf("# targets: ring_oneway_64b >= 20000000 msg/s; "
	       "ring_rtt ratio <= 2.0\n");
	return 0;
}
