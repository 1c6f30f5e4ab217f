/* SPDX-License-Identifier: MIT */
/* The `mantle` subcommands and their manual pages. */
#ifndef MANTLE_HOST_COMMANDS_H
#define MANTLE_HOST_COMMANDS_H

#include <stddef.h>
#include <stdio.h>

#include "opts.h"

int cmd_run(int argc, char **argv);
int cmd_measure(int argc, char **argv);

void main_usage(FILE *out);
void run_usage(FILE *out);
void measure_usage(FILE *out);

/* The paravisor VM image directory for o (see run_usage). */
int pv_image_dir(const struct mantle_opts *o, char *out, size_t size);

#endif
