/* cli/measure_sophist.c — `coinnet measure prody` and `coinnet measure
 * expy`: export sophistication (spec/measures.md section 4). */
#include <stdlib.h>
#include <string.h>
#include "cli.h"

/* Options for a second table (income, PRODY): its format by its own
 * extension, with the text columns, missing-value tokens and encoding of
 * the exports. */
static cn_read_opts side_opts(const cn_read_opts *ro) {
  cn_read_opts o;
  cn_read_opts_init(&o);
  o.encoding = ro->encoding;
  o.string_cols = ro->string_cols, o.n_string_cols = ro->n_string_cols;
  o.na_strings = ro->na_strings, o.n_na_strings = ro->n_na_strings;
  return o;
}

static void note(long long n, const char *one, const char *many, const char *rest) {
  if (n) fprintf(stderr, "%s: note: %lld %s%s\n", cli_prefix, n, n == 1 ? one : many, rest);
}

/* The notes both measures share: invalid and summed rows. */
static void common_notes(const cn_sophist_report *r) {
  note(r->rows_invalid, "row", "rows", " with a missing or invalid key or value left out");
  note(r->rows_merged, "row", "rows", " summed into a (unit, product) cell seen before");
}

/* A result with no row is a data error (the notes above said why each row
 * went), not an empty output with exit 0. */
static int nothing_left(const cn_table *res, const cn_sophist_report *r) {
  if (cn_table_nrow(res) > 0) return 0;
  fprintf(stderr, "%s: no row is left to measure (%lld export row%s with a missing or invalid key or value); "
          "nothing written\n", cli_prefix, (long long)r->rows_invalid, r->rows_invalid == 1 ? "" : "s");
  return 4;
}

int cli_measure_prody(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *names[] = {"--unit", "--product", "--value", "--by", "--income", "--income-col", "--income-unit"};
  const char *vals[7] = {"country", "product", "value", NULL, NULL, NULL, NULL};
  const char *in = NULL, *outp = NULL;
  int rc = cli_named_args(argc, argv, "prody", names, vals, 7, &in, "the exports file is missing", &outp, &ro);
  if (rc) return rc;
  if (!vals[4]) return cli_usage("prody", "--income COLUMN or --income FILE is needed");
  cn_table *t = NULL, *inc = NULL, *res = NULL;
  cn_diag d;
  if ((rc = cli_read(in, &ro, &t)) != 0) return rc;
  cn_prody_spec s = {.unit = vals[0], .product = vals[1], .value = vals[2], .by = vals[3],
                     .income_col = vals[5], .income_unit = vals[6]};
  if (cn_table_find(t, vals[4]) >= 0) {
    if (vals[5] || vals[6]) {
      rc = cli_usage("prody", "--income names a column of the exports; --income-col and --income-unit "
                              "are for an income file");
      goto done;
    }
    s.income_col = vals[4];
  } else {
    cn_read_opts io = side_opts(&ro);
    if ((rc = cli_read(vals[4], &io, &inc)) != 0) goto done;
    s.income = inc;
    if (!s.income_col) {
      /* the one numeric column that is not a key */
      const char *unit = vals[6] ? vals[6] : vals[0];
      int found = 0;
      for (int c = 0; c < cn_table_ncol(inc); c++) {
        const char *nm = cn_table_name(inc, c);
        if (cn_table_type(inc, c) == CN_STRING || !strcmp(nm, unit) || (vals[3] && !strcmp(nm, vals[3])))
          continue;
        s.income_col = nm;
        found++;
      }
      if (found != 1) {
        rc = cli_usage("prody", "%s has %s numeric column besides the keys: name the income with --income-col",
                       vals[4], found ? "more than one" : "no");
        goto done;
      }
    }
  }
  cn_sophist_report r;
  if (cn_measure_prody(t, &s, &res, &r, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  common_notes(&r);
  if (r.units_no_income)
    fprintf(stderr, "%s: note: %lld unit%s with exports but no income dropped (%lld row%s)\n", cli_prefix,
            (long long)r.units_no_income, r.units_no_income == 1 ? "" : "s", (long long)r.rows_no_income,
            r.rows_no_income == 1 ? "" : "s");
  note(r.income_no_trade, "income entry", "income entries", " without exports unused");
  note(r.income_invalid, "income row", "income rows", " with a missing or negative income ignored");
  note(r.units_zero, "unit", "units", " whose exports total 0 dropped");
  note(r.products_undefined, "product", "products", " exported by no unit kept: prody missing");
  if ((rc = nothing_left(res, &r)) != 0) goto done;
  rc = cli_write(res, outp);
done:
  cn_table_free(res);
  cn_table_free(inc);
  cn_table_free(t);
  return rc;
}

int cli_measure_expy(int argc, char **argv) {
  cn_read_opts ro;
  cn_read_opts_init(&ro);
  const char *names[] = {"--unit", "--product", "--value", "--by", "--prody", "--prody-product", "--prody-col",
                         "--unmatched"};
  const char *vals[8] = {"country", "product", "value", NULL, NULL, NULL, "prody", "drop"};
  const char *in = NULL, *outp = NULL;
  int rc = cli_named_args(argc, argv, "expy", names, vals, 8, &in, "the exports file is missing", &outp, &ro);
  if (rc) return rc;
  if (!vals[4]) return cli_usage("expy", "--prody FILE is needed");
  if (strcmp(vals[7], "drop") && strcmp(vals[7], "keep"))
    return cli_usage("expy", "--unmatched takes drop or keep, not \"%s\"", vals[7]);
  cn_table *t = NULL, *pt = NULL, *res = NULL;
  cn_diag d;
  cn_read_opts po = side_opts(&ro);
  if ((rc = cli_read(in, &ro, &t)) != 0 || (rc = cli_read(vals[4], &po, &pt)) != 0) goto done;
  cn_expy_spec s = {.unit = vals[0], .product = vals[1], .value = vals[2], .by = vals[3], .prody = pt,
                    .prody_product = vals[5], .prody_col = vals[6], .keep_unmatched = !strcmp(vals[7], "keep")};
  cn_sophist_report r;
  if (cn_measure_expy(t, &s, &res, &r, &d) != CN_OK) {
    rc = cli_fail(&d);
    goto done;
  }
  common_notes(&r);
  if (r.products_unmatched)
    fprintf(stderr,
            "%s: note: %lld product%s without a PRODY (%lld unit-product cell%s, %.4g%% of the export value) "
            "%s\n",
            cli_prefix, (long long)r.products_unmatched, r.products_unmatched == 1 ? "" : "s",
            (long long)r.cells_unmatched, r.cells_unmatched == 1 ? "" : "s",
            r.value_total > 0 ? 100 * r.value_unmatched / r.value_total : 0.0,
            s.keep_unmatched ? "kept in X" : "dropped from the baskets");
  note(r.units_zero, "unit", "units", " without exports of a product with a PRODY: expy missing");
  if ((rc = nothing_left(res, &r)) != 0) goto done;
  rc = cli_write(res, outp);
done:
  cn_table_free(res);
  cn_table_free(pt);
  cn_table_free(t);
  return rc;
}
