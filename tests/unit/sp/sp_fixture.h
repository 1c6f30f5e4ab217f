/* SPDX-License-Identifier: MIT */
/* Shared fixture of the mantle-sp unit tests: a chip in a temporary state
 * directory, an in-memory image, a launched VM, sealing helpers. */
#ifndef MANTLE_SP_FIXTURE_H
#define MANTLE_SP_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "snp_msg.h"
#include "sp.h"

struct fx {
	char tmp[64]; /* the temporary directory */
	char state[96]; /* tmp/state */
	struct sp_chip chip;
	struct sp sp;
	uint8_t secrets[SNP_SECRETS_SIZE];
};

/* The image the in-memory reader serves: "kernel" -> "KERNEL", "initrd"
 * -> "INITRAMFS" (MEASUREMENT.md's whole-image vector); else an error. */
extern const struct sp_reader fx_reader;
#define FX_MEASUREMENT                                                     \
	"5e507466f1e968ce29bbbcc01178b9599d03256c0cab9d150906253224550e77" \
	"0345248f97bc18dc04ebbc27888a0cbb"

/* A temporary directory; fx->state is a path inside it (not created). */
void fx_tmpdir(struct fx *f);
/* fx_tmpdir, the chip opened on fx->state, sp initialised. */
void fx_open(struct fx *f);
void fx_close(struct fx *f);
void fx_rmtree(const char *dir);

/* A LAUNCH payload (policy, host_data 0x42.., the 768 MiB/1 vCPU record,
 * the given strings). Returns its length. */
size_t fx_launch_req(uint8_t *out, uint64_t policy, const char *kernel,
		     const char *initrd, const char *cmdline);
/* LAUNCH through sp_launch; keeps the secrets page in f->secrets. */
void fx_launch(struct fx *f);
const uint8_t *fx_vmpck(const struct fx *f, unsigned int n);

/* Seals payload as a guest request; returns the message length. */
size_t fx_seal(const uint8_t *key, uint64_t seqno, uint8_t type, uint8_t vmpck,
	       const void *payload, uint16_t len, uint8_t *out);

void fx_hex(const char *hex, uint8_t *out, size_t n);

#endif
