// SPDX-License-Identifier: MIT
/*
 * Interrupt mediation: the host-notification device latches host events
 * and raises its line once per acknowledged batch, whatever the host sends;
 * foreign sources and events without a guest are counted and dropped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hostnotify.h"
#include "iobus.h"
#include "mantle_bytes.h"

struct fake_irq {
	unsigned int raises, lowers, gsi;
	int level;
};

static int fake_line(void *ctx, unsigned int gsi, int level)
{
	struct fake_irq *f = ctx;

	f->gsi = gsi;
	f->level = level;
	if (level)
		f->raises++;
	else
		f->lowers++;
	return 0;
}

struct fixture {
	struct hostnotify h;
	struct iobus bus;
	struct fake_irq irq;
};

static struct fixture fx;

static int setup(void **state)
{
	memset(&fx, 0, sizeof(fx));
	hostnotify_init(&fx.h, 1, 0);
	iobus_init(&fx.bus);
	if (iobus_add(&fx.bus, &hostnotify_io_ops, &fx.h) < 0)
		return -1;
	*state = &fx;
	return 0;
}

static uint32_t reg_read(uint16_t off, unsigned int size)
{
	uint8_t d[4] = { 0xAA, 0xAA, 0xAA, 0xAA };

	assert_int_equal(
		iobus_access(&fx.bus, HOSTNOTIFY_PORT + off, 0, d, size), 0);
	memset(d + size, 0, sizeof(d) - size); /* only size bytes were read */
	return get_le32(d);
}

static void reg_ack(void)
{
	uint8_t d[4] = { 0 };

	assert_int_equal(iobus_access(&fx.bus, HOSTNOTIFY_PORT, 1, d, 4), 0);
}

static void test_no_guest(void **state)
{
	struct hostnotify_counters c;

	(void)state;
	hostnotify_event(&fx.h, 1, 0);
	hostnotify_counters(&fx.h, &c);
	assert_int_equal(c.received, 1);
	assert_int_equal(c.no_guest, 1);
	assert_int_equal(c.injected, 0);
	assert_int_equal(fx.irq.raises, 0);
}

static void test_foreign_dropped(void **state)
{
	struct hostnotify_counters c;

	(void)state;
	hostnotify_attach(&fx.h, fake_line, &fx.irq);
	hostnotify_event(&fx.h, 2, 0);
	hostnotify_event(&fx.h, 1, 7);
	hostnotify_counters(&fx.h, &c);
	assert_int_equal(c.foreign, 2);
	assert_int_equal(c.injected, 0);
	assert_int_equal(fx.irq.raises, 0);
	assert_int_equal(reg_read(0, 4), 0);
}

static void test_storm_coalesced(void **state)
{
	struct hostnotify_counters c;

	(void)state;
	hostnotify_attach(&fx.h, fake_line, &fx.irq);
	for (int i = 0; i < 10000; i++)
		hostnotify_event(&fx.h, 1, 0);
	hostnotify_counters(&fx.h, &c);
	assert_int_equal(c.injected, 1);
	assert_int_equal(c.coalesced, 9999);
	assert_int_equal(fx.irq.raises, 1);
	assert_int_equal(fx.irq.gsi, HOSTNOTIFY_GSI);
	assert_int_equal(fx.irq.level, 1);
	assert_int_equal(reg_read(0, 4), 10000);
	reg_ack();
	assert_int_equal(fx.irq.level, 0);
	assert_int_equal(fx.irq.lowers, 1);
	assert_int_equal(reg_read(0, 4), 0);
	/* The next event after the acknowledgement interrupts again. */
	hostnotify_event(&fx.h, 1, 0);
	assert_int_equal(fx.irq.raises, 2);
	hostnotify_counters(&fx.h, &c);
	assert_int_equal(c.acked, 1);
	assert_int_equal(c.injected, 2);
}

static void test_registers(void **state)
{
	(void)state;
	assert_int_equal(reg_read(4, 4), HOSTNOTIFY_ID);
	assert_int_equal(reg_read(4, 1), 0); /* narrow reads: zero */
	assert_int_equal(reg_read(6, 2), 0);
	hostnotify_attach(&fx.h, fake_line, &fx.irq);
	hostnotify_event(&fx.h, 1, 0);
	assert_int_equal(reg_read(0, 2), 0);
	assert_int_equal(reg_read(0, 4), 1);
}

static void test_detach(void **state)
{
	struct hostnotify_counters c;

	(void)state;
	hostnotify_attach(&fx.h, fake_line, &fx.irq);
	hostnotify_event(&fx.h, 1, 0);
	hostnotify_detach(&fx.h);
	hostnotify_event(&fx.h, 1, 0);
	hostnotify_counters(&fx.h, &c);
	assert_int_equal(c.injected, 1);
	assert_int_equal(c.no_guest, 1);
	assert_int_equal(reg_read(0, 4), 0);
	/* A new machine starts with nothing pending. */
	hostnotify_attach(&fx.h, fake_line, &fx.irq);
	hostnotify_event(&fx.h, 1, 0);
	assert_int_equal(fx.irq.raises, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_no_guest, setup),
		cmocka_unit_test_setup(test_foreign_dropped, setup),
		cmocka_unit_test_setup(test_storm_coalesced, setup),
		cmocka_unit_test_setup(test_registers, setup),
		cmocka_unit_test_setup(test_detach, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
