// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the stream decoder and every message validator and
 * typed decoder, on bytes as a hostile host would send them. Byte 0 picks
 * the chunk size the stream arrives in (partial reads); a stalled partial
 * frame is dropped the way the client does at a timeout.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mantle_hostif.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

static void use(const struct hostif_frame *f)
{
	struct hostif_hello h, mine = { 1, 0, 1, 0, 0 };
	struct hostif_hello_reply hr;
	struct hostif_info_reply ir;
	struct hostif_rw rw;
	struct hostif_read_reply rr;
	struct hostif_write w;
	struct hostif_status_reply sr;
	struct hostif_event ev;
	struct hostif_log lg;
	struct hostif_pipe pp;
	struct hostif_pipe_list pl;
	struct hostif_sp sp;
	const char *why;
	uint8_t major, minor;

	if (hostif_msg_validate(f))
		return;
	if (!hostif_hello_get(f, &h) &&
	    !hostif_negotiate(&mine, &h, &major, &minor))
		sink += major + minor;
	if (!hostif_hello_reply_get(f, &hr))
		sink += hr.status;
	if (!hostif_info_reply_get(f, &ir))
		sink += ir.sector_count;
	if (!hostif_read_get(f, &rw))
		sink += rw.count;
	if (!hostif_read_reply_get(f, &rr) && rr.data_len)
		sink += rr.data[rr.data_len - 1];
	if (!hostif_write_get(f, &w) && w.data_len)
		sink += w.data[w.data_len - 1];
	if (!hostif_status_reply_get(f, &sr))
		sink += sr.count;
	if (!hostif_event_get(f, &ev))
		sink += ev.vector;
	if (!hostif_log_get(f, &lg) && lg.len)
		sink += (uint8_t)lg.text[lg.len - 1];
	if (!hostif_pipe_get(f, &pp) && pp.data_len &&
	    f->h.type == HOSTIF_T_PIPE_DATA)
		sink += pp.data[pp.data_len - 1] + pp.arg;
	if (!hostif_sp_get(f, &sp) && sp.data_len)
		sink += sp.data[sp.data_len - 1] + sp.status;
	if (!hostif_pipe_list_get(f, &pl))
		for (uint32_t i = 0; i < pl.count; i++)
			sink += !hostif_pipe_name_check(
				pl.names[i], HOSTIF_PIPE_NAME_FIELD, &why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hostif_dec d;
	size_t chunk, off = 1;

	if (size < 1)
		return 0;
	chunk = 1 + data[0] * 37u;
	hostif_dec_init(&d);
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;
		struct hostif_frame f;
		int r;

		off += hostif_dec_feed(&d, data + off, n);
		while ((r = hostif_dec_next(&d, &f)) != 0)
			if (r == 1)
				use(&f);
	}
	/* End of input: drop stalled partial frames until none is left. */
	for (;;) {
		struct hostif_frame f;
		int r = hostif_dec_next(&d, &f);

		if (r == 1)
			use(&f);
		else if (r == 0 && !hostif_dec_pending(&d))
			break;
		else if (r == 0)
			hostif_dec_skip(&d);
	}
	return 0;
}
