/* cli/measure.c — `coinnet measure ...`: trade and value-chain measures
 * (spec/measures.md). Each subcommand lives in its own cli/measure_*.c and
 * is listed here, in the order of the help. */
#include "cli.h"

const cli_cmd cli_measure_cmds[] = {
    /* entries: {"measure", "NAME", run_fn, "summary", "help"}; declared in cli.h */
    {NULL, NULL, NULL, NULL, NULL}};
