// SPDX-License-Identifier: GPL-2.0
/*
 * The shared packet checks of protocol/src/mantle_packet.c, linked into
 * mantle_bus.ko once and exported to the class drivers (each class module
 * would otherwise carry its own copy of the same object).
 */
#include <linux/export.h>

#include "mantle_proto.h"
#include "mantle_pipe.h"

EXPORT_SYMBOL_GPL(mtl_pkt_check);
EXPORT_SYMBOL_GPL(mtl_page_list_check);
EXPORT_SYMBOL_GPL(mtl_pipe_data_check);
