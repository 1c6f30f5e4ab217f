/* SPDX-License-Identifier: MIT */
/* Hex digits of text the caller does not trust (CLI arguments, evidence). */
#ifndef MANTLE_HEX_H
#define MANTLE_HEX_H

/* The value of hex digit c (either case), or -1 if c is none. */
static inline int hex_nibble(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif /* MANTLE_HEX_H */
