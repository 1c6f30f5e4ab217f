// SPDX-License-Identifier: MIT
#include "platform.h"
#include "errf.h"

#include <string.h>

static const char *const names[] = {
	[PLATFORM_NESTED] = "nested",
	[PLATFORM_SNP] = "snp",
	[PLATFORM_TDX] = "tdx",
	[PLATFORM_VBS] = "vbs",
};

int platform_parse(const char *name, enum platform_kind *out)
{
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum platform_kind)i;
			return 0;
		}
	}
	return -1;
}

const struct platform_ops *platform_get(enum platform_kind kind, char *err,
					size_t errlen)
{
	switch (kind) {
	case PLATFORM_NESTED:
		return &platform_nested_ops;
	case PLATFORM_SNP:
	case PLATFORM_TDX:
	case PLATFORM_VBS:
		errf(err, errlen, "platform '%s' is not implemented yet",
		     names[kind]);
		return NULL;
	}
	errf(err, errlen, "unknown platform");
	return NULL;
}
