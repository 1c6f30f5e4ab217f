/* SPDX-License-Identifier: MIT */
/* The `mantle` subcommands and their manual pages. */
#ifndef MANTLE_HOST_COMMANDS_H
#define MANTLE_HOST_COMMANDS_H

#include <stdio.h>

int cmd_run(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_sim_ca(int argc, char **argv);

void main_usage(FILE *out);
void run_usage(FILE *out);
void measure_usage(FILE *out);
void sim_ca_usage(FILE *out);

#endif
