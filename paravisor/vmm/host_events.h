/* SPDX-License-Identifier: MIT */
/*
 * The host event source the paravisor owns on the `nested` platform: the
 * (device, vector) pair a host EVENT must carry to be considered at all
 * (hostif SPEC.md §10). `mantle run --hostile storm=N` storms this pair, so
 * the launcher includes this header too. Values are wire values, not guest
 * vectors: the paravisor decides what, if anything, the guest sees.
 */
#ifndef MANTLE_VMM_HOST_EVENTS_H
#define MANTLE_VMM_HOST_EVENTS_H

#define PV_HOST_EVENT_DEVICE 1u /* the paravisor's host-notification device */
#define PV_HOST_EVENT_VECTOR 0u /* its only notification line */

#endif
