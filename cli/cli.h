/* cli/cli.h — what the command files share: the command table, option
 * parsing, error printing. The CLI uses only the public API (coinnet.h). */
#ifndef CN_CLI_H
#define CN_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "coinnet.h"

typedef struct cli_cmd {
  const char *group;   /* "data" */
  const char *name;    /* "describe" */
  int (*run)(int argc, char **argv); /* argv[0] is the command's name */
  const char *summary; /* one line */
  const char *help;    /* usage, options, example */
} cli_cmd;

extern const cli_cmd cli_data_cmds[];
extern const cli_cmd cli_net_cmds[];
extern const cli_cmd cli_names_cmds[];
extern const cli_cmd cli_reg_cmds[];
extern const cli_cmd cli_iv_cmds[];
extern const cli_cmd cli_probit_cmds[];
extern const cli_cmd cli_tobit_cmds[];
extern const cli_cmd cli_heckman_cmds[];
extern const cli_cmd cli_measure_cmds[];
extern const cli_cmd cli_sfa_cmds[];
extern const cli_cmd cli_table_cmds[];
extern const cli_cmd cli_plot_cmds[];
extern const cli_cmd cli_gen_cmds[];

/* `coinnet measure prody` and `measure expy` (cli/measure_sophist.c),
 * listed in cli_measure_cmds. */
int cli_measure_prody(int argc, char **argv);
int cli_measure_expy(int argc, char **argv);

/* `coinnet measure theta` and `coinnet measure gvc` (cli/measure_icio.c). */
int cli_measure_theta(int argc, char **argv);
int cli_measure_gvc(int argc, char **argv);

/* `coinnet measure dea` and `coinnet measure malmquist` (cli/measure_dea.c). */
int cli_measure_dea(int argc, char **argv);
int cli_measure_malmquist(int argc, char **argv);

/* `coinnet measure prodfn` and `coinnet measure markup` (cli/measure_prodfn.c). */
int cli_measure_prodfn(int argc, char **argv);
int cli_measure_markup(int argc, char **argv);

/* `coinnet gen customs` (cli/gencustoms.c), listed in cli_gen_cmds. */
int cli_gen_customs(int argc, char **argv);

extern const cli_cmd cli_run_cmds[];
extern const cli_cmd cli_demo_cmds[];

/* Runs one command as `coinnet ARGV...` would (argv[0] is its first word,
 * "net" or "reg"; help and --version too) and returns its exit code. The
 * commands keep no state between calls, so `coinnet run` calls this once
 * per step. Sets cli_prefix to the command's. */
int cli_dispatch(int argc, char **argv);
/* Reports that path cannot be written (errno says why: a missing folder,
 * no permission, a full disk) and returns 4, the data-error exit code:
 * the output named on the command line is at fault, not coinnet. */
int cli_cannot_write(const char *path);
/* The command being run (set by cli_dispatch; NULL outside one). */
extern const cli_cmd *cli_current;
/* Usage error for an unknown option arg of command cmd (as cli_usage takes
 * it): the valid options are those the command's help text names, listed,
 * with a "did you mean" when one is close to arg. Returns 2. */
int cli_unknown_option(const char *cmd, const char *arg);
/* Whether arg (an option word, with or without "=VALUE") is one that
 * command c's help names (--help always is). When not, near receives the
 * closest option when one is close ("" otherwise). For checking a study's
 * steps before any runs. */
bool cli_option_known(const cli_cmd *c, const char *arg, char *near, size_t nn);
/* Names step k of n of a study run at the start of the progress line (n = 0:
 * outside a run). */
void cli_progress_step(int k, int n);
/* Draws the progress line for work the CLI itself runs (not the library's):
 * job at done of total, label saying where it is, seconds since it began;
 * done == total clears the line. Nothing when stderr is not a terminal. */
void cli_progress_show(const char *job, const char *label, double done, double total, double elapsed);
/* Frees the --string / --na lists that the reading options of the command
 * just run made; cli_dispatch calls it when a command ends. */
void cli_free_lists(void);
/* A path under coinnet's data folder (docs/data.md): REL under the first of
 * $COINNET_DATA, the install prefix's share/coinnet and the source tree's
 * data/ that holds it; when none does, REL under the first of them (so that
 * the error names a path). Writes into buf (n bytes) and returns it. */
const char *cli_data_path(const char *rel, char *buf, size_t n);
/* x as %WIDTH.PRECf, or "." (Stata's missing) right-aligned in WIDTH when
 * it is NaN or infinite, so that no printout shows nan or inf. The result
 * lives in one of 16 rotating static buffers: use it in the same printf. */
const char *cli_fixed(double x, int width, int prec);
/* Parses s as a whole decimal number in [lo, hi] into *out; false (out
 * untouched) for anything else: empty, trailing text, out of range, or too
 * large for long long (never cut to fit an int). */
bool cli_int_arg(const char *s, long long lo, long long hi, long long *out);
/* Reads a whole file into a new malloc'd buffer (NUL-terminated, its length
 * in *len); NULL when it cannot. */
char *cli_slurp(const char *path, size_t *len);
/* Reads a command's arguments: the reader options, -o OUT, the named
 * options names[k] into vals[k] (n of them), and one positional input into
 * *in (in NULL: none is allowed). missing is the usage message when the
 * input is absent (or, with in NULL, the hint for a stray argument).
 * Returns 0 or the usage exit code. */
int cli_named_args(int argc, char **argv, const char *cmd, const char *const *names, const char **vals, int n,
                   const char **in, const char *missing, const char **outp, cn_read_opts *ro);
/* The command argv names (argv[0], and argv[1] for a group) with the number
 * of words that name it in *words; NULL when there is none (then *words is 1
 * when argv[0] is a group, 0 when it is not a command). */
const cli_cmd *cli_find(int argc, char **argv, int *words);

/* Splits "a,b,c" into a NULL-terminated list that lives until the command
 * ends (cli_free_lists); NULL with *n = 0 when out of memory. */
const char **cli_split_list(const char *s, int *n);
/* Reads the saved model NAME (a JSON file, or NAME.json as `--name NAME`
 * keeps it) into *m; returns 0 or the exit code, the error printed. */
int cli_read_model(const char *name, cn_model **m);

/* The prefix of messages: "coinnet GROUP". */
extern const char *cli_prefix;

/* Prints a diagnostic as "coinnet GROUP: FILE:LINE:COL: message" with its
 * caret and hint on stderr; returns the exit code (d->code). */
int cli_fail(const cn_diag *d);
/* Prints a usage error and where to find help; returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The message of the last usage error (without prefix and help line), so
 * that `coinnet run` can point at the argument it names. */
extern char cli_last_usage[512];

/* Option scanning: argv[*i] is an option; when it is `name` (with a value
 * given as the next argument or after '='), stores the value and advances
 * *i. Returns 1 when matched, 0 when not, -1 when the value is missing.
 * `-o` and `--out` are the same option: asking for either takes both. */
int cli_opt(int argc, char **argv, int *i, const char *name, const char **val);
/* A flag without value. */
bool cli_flag(char **argv, int i, const char *name);
/* Nonzero when argv[i] asks for help. */
bool cli_is_help(const char *arg);

/* Options every reader takes (--sep, --encoding, --table, --query,
 * --max-rows, --string, --na, --no-header); returns as cli_opt does. Lists given with
 * commas are split into storage owned by the CLI until exit. */
int cli_read_opt(int argc, char **argv, int *i, cn_read_opts *o);
extern const char cli_read_help[];

/* Writes t to outp by its extension, or as CSV on stdout when outp is NULL
 * or "-"; prints the error; returns 0 or an exit code. */
int cli_write(const cn_table *t, const char *outp);

/* Reads a table, printing the error; returns 0 or an exit code. */
int cli_read(const char *path, const cn_read_opts *o, cn_table **t);

/* The line of a table's first row in messages: 2 for a CSV file with a
 * header, 1 without, 0 for other formats (rows are named instead). */
int64_t cli_first_line(const char *path, const cn_read_opts *ro);

/* `coinnet table ARGS` rendered in the format fmt (txt, md, tex, csv or
 * html) into *out (release with cn_free) instead of printed or written:
 * argv is the command's (argv[0] "table"), -o and --format are ignored.
 * Prints errors; returns 0 or an exit code. */
int cli_table_text(int argc, char **argv, cn_regtable_format fmt, char **out);
/* When set, `coinnet run` calls it after the last step succeeded, with the
 * report (working folder: the run's DIR), so that a caller adds sections
 * before the provenance (coinnet demo adds the truth); it prints its own
 * errors and returns 0 or an exit code. */
extern int (*cli_run_finish)(cn_report *rep);
/* `--name N`: writes the model as JSON to N.json in the working directory
 * (for `coinnet table N`); prints errors; returns 0 or an exit code. */
int cli_save_model(const cn_model *m, const char *name);
/* Ends an atomic output (cn_output_open) by the command's exit code so
 * far: rc 0 puts it in place (its failure, printed, is the new code),
 * anything else removes it and keeps rc. o may be NULL (stdout). */
int cli_output_end(cn_output *o, int rc);
/* Whether N is a name `--name` takes: not empty, no '/'. */
bool cli_model_name_ok(const char *name);

/* The longest output folder name taken: room is left under PATH_MAX (4096)
 * for a '/' and a file name of NAME_MAX (255) bytes inside it. */
#define CLI_DIR_MAX 3839
/* Makes dir, the value of option opt of command cmd, ready as an output
 * folder: checks its name and, when create is set, creates it and its
 * parents (as mkdir -p). A command checks before its work and creates
 * once it has outputs to write.
 * Prints the error and returns its exit code: 2 (usage) for an empty name,
 * the root folder, a name that ends in '/' or whose last part is "." or
 * "..", a part longer than NAME_MAX, a name longer than CLI_DIR_MAX, or a
 * path that exists and is not a folder; 4 when the folder cannot be
 * created (the system's reason). 0 when dir is (or, unless create, may
 * become) a folder. */
int cli_out_dir(const char *cmd, const char *opt, const char *dir, bool create);

#endif
