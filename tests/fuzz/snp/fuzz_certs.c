// SPDX-License-Identifier: MIT
/* libFuzzer: the certificate table the host hands the paravisor
 * (paravisor/snp/snp_certs.c). An entry it returns lies inside the table. */
#include <stdint.h>
#include <stdlib.h>

#include "snp_abi.h"
#include "snp_certs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const guids[] = { SNP_CERT_GUID_VCEK,
					     SNP_CERT_GUID_ASK,
					     SNP_CERT_GUID_ARK };
	volatile uint8_t sink = 0;

	for (size_t i = 0; i < sizeof(guids) / sizeof(guids[0]); i++) {
		size_t off = 0, n = snp_cert_find(data, size, guids[i], &off);

		if (n && (off > size || n > size - off))
			abort();
		if (n)
			sink ^= data[off] ^ data[off + n - 1];
	}
	(void)sink;
	return 0;
}
