/* lib/model/json.c — a cn_model as the JSON document of spec/cli.md
 * (schema_version 1). Numbers are written with the shortest digits that
 * read back to the same double; NaN and infinities become null. */
#include <math.h>
#include <string.h>
#include "model_int.h"

static void num(cn_buf *b, double x) {
  char tmp[40];
  if (!isfinite(x)) {
    cn__buf_append(b, "null", 4);
    return;
  }
  int n = cn__fmt_double(x, tmp, sizeof tmp);
  cn__buf_append(b, tmp, (size_t)n);
}

static void str(cn_buf *b, const char *s) {
  cn__buf_append(b, "\"", 1);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      char e[2] = {'\\', (char)*p};
      cn__buf_append(b, e, 2);
    } else if (*p < 0x20) {
      cn__buf_printf(b, "\\u%04x", *p);
    } else {
      cn__buf_append(b, p, 1);
    }
  }
  cn__buf_append(b, "\"", 1);
}

static void key(cn_buf *b, const char *k) {
  str(b, k);
  cn__buf_append(b, ": ", 2);
}

static const char *vce_name(cn_vce v) {
  return v == CN_VCE_ROBUST ? "robust" : v == CN_VCE_CLUSTER ? "cluster" : "unadjusted";
}

cn_status cn_model_json(const cn_model *m, char **out, cn_diag *d) {
  cn_buf b = {0};
  *out = NULL;
  cn__buf_printf(&b, "{\n  \"schema_version\": 1,\n  ");
  key(&b, "command"), str(&b, m->command ? m->command : "reg");
  cn__buf_printf(&b, ",\n  "), key(&b, "estimator"), str(&b, m->estimator ? m->estimator : "ols");
  cn__buf_printf(&b, ",\n  "), key(&b, "depvar"), str(&b, m->depvar ? m->depvar : "");
  cn__buf_printf(&b, ",\n  \"nobs\": %lld, \"nobs_full\": %lld, \"singletons\": %lld,\n",
                 (long long)m->nobs, (long long)m->nobs_full, (long long)m->singletons);
  cn__buf_printf(&b, "  \"fixed_effects\": [");
  for (int g = 0; g < m->n_fe; g++) {
    cn__buf_printf(&b, "%s{", g ? ", " : "");
    key(&b, "name"), str(&b, m->fe[g].name);
    cn__buf_printf(&b, ", \"levels\": %lld, \"redundant\": %lld, \"nested\": %s}",
                   (long long)m->fe[g].levels, (long long)m->fe[g].redundant,
                   m->fe[g].nested ? "true" : "false");
  }
  cn__buf_printf(&b, "],\n  \"vce\": {\"type\": \"%s\"", vce_name(m->vce));
  if (m->n_cluster) {
    cn__buf_printf(&b, ", \"cluster\": [");
    for (int q = 0; q < m->n_cluster; q++) {
      if (q) cn__buf_printf(&b, ", ");
      str(&b, m->cluster[q]);
    }
    cn__buf_printf(&b, "], \"n_clusters\": [");
    for (int q = 0; q < m->n_cluster; q++)
      cn__buf_printf(&b, "%s%lld", q ? ", " : "", (long long)m->n_clusters[q]);
    cn__buf_printf(&b, "]");
  }
  cn__buf_printf(&b, "},\n  \"df_r\": "), num(&b, m->df_r);
  cn__buf_printf(&b, ", \"df_a\": "), num(&b, m->df_a);
  cn__buf_printf(&b, ",\n  \"coefficients\": [");
  for (int a = 0; a < m->ncoef; a++) {
    const cn_coef *c = &m->coef[a];
    cn__buf_printf(&b, "%s\n    {", a ? "," : "");
    key(&b, "name"), str(&b, c->name);
    cn__buf_printf(&b, ", \"b\": "), num(&b, c->b);
    cn__buf_printf(&b, ", \"se\": "), num(&b, c->se);
    cn__buf_printf(&b, ", \"t\": "), num(&b, c->t);
    cn__buf_printf(&b, ", \"p\": "), num(&b, c->p);
    cn__buf_printf(&b, ", \"ci_low\": "), num(&b, c->ci_low);
    cn__buf_printf(&b, ", \"ci_high\": "), num(&b, c->ci_high);
    cn__buf_printf(&b, "}");
  }
  cn__buf_printf(&b, "\n  ],\n  \"stats\": {\"r2\": "), num(&b, m->r2);
  cn__buf_printf(&b, ", \"r2_within\": "), num(&b, m->r2_within);
  cn__buf_printf(&b, ", \"r2_a\": "), num(&b, m->r2_a);
  cn__buf_printf(&b, ", \"r2_within_a\": "), num(&b, m->r2_within_a);
  cn__buf_printf(&b, ", \"rmse\": "), num(&b, m->rmse);
  cn__buf_printf(&b, ",\n            \"F\": "), num(&b, m->F);
  cn__buf_printf(&b, ", \"F_p\": "), num(&b, m->F_p);
  cn__buf_printf(&b, ", \"rss\": "), num(&b, m->rss);
  cn__buf_printf(&b, ", \"ll\": "), num(&b, m->ll);
  cn__buf_printf(&b, ", \"pseudo_r2\": "), num(&b, m->pseudo_r2);
  cn__buf_printf(&b, ",\n            \"kp_lm\": "), num(&b, m->kp_lm);
  cn__buf_printf(&b, ", \"kp_lm_df\": "), num(&b, m->kp_lm_df);
  cn__buf_printf(&b, ", \"kp_lm_p\": "), num(&b, m->kp_lm_p);
  cn__buf_printf(&b, ", \"kp_wald_f\": "), num(&b, m->kp_wald_f);
  cn__buf_printf(&b, ", \"cd_f\": "), num(&b, m->cd_f);
  cn__buf_printf(&b, ",\n            \"stock_yogo\": ["), num(&b, m->sy_crit[0]);
  for (int q = 1; q < 4; q++) cn__buf_printf(&b, ", "), num(&b, m->sy_crit[q]);
  cn__buf_printf(&b, "], \"ll0\": "), num(&b, m->ll0);
  cn__buf_printf(&b, ", \"sigma\": "), num(&b, m->sigma);
  cn__buf_printf(&b, ", \"sigma_se\": "), num(&b, m->sigma_se);
  cn__buf_printf(&b, ", \"rho\": "), num(&b, m->rho);
  cn__buf_printf(&b, ", \"lambda\": "), num(&b, m->lambda);
  cn__buf_printf(&b, ", \"lambda_se\": "), num(&b, m->lambda_se);
  cn__buf_printf(&b, ",\n            \"n_left\": %lld, \"n_unc\": %lld, \"n_right\": %lld},\n",
                 (long long)m->n_left, (long long)m->n_unc, (long long)m->n_right);
  cn__buf_printf(&b, "  \"first_stage\": [");
  for (int s1 = 0; s1 < m->n_first; s1++) {
    const cn_first_stage *fs = &m->first[s1];
    cn__buf_printf(&b, "%s\n    {", s1 ? "," : "");
    key(&b, "endog"), str(&b, fs->endog);
    cn__buf_printf(&b, ", \"F\": "), num(&b, fs->F);
    cn__buf_printf(&b, ", \"F_df1\": "), num(&b, fs->F_df1);
    cn__buf_printf(&b, ", \"F_df2\": "), num(&b, fs->F_df2);
    cn__buf_printf(&b, ", \"F_p\": "), num(&b, fs->F_p);
    cn__buf_printf(&b, ", \"partial_r2\": "), num(&b, fs->partial_r2);
    cn__buf_printf(&b, ",\n     \"coefficients\": [");
    for (int a = 0; a < fs->ncoef; a++) {
      const cn_coef *c = &fs->coef[a];
      cn__buf_printf(&b, "%s{", a ? ", " : "");
      key(&b, "name"), str(&b, c->name);
      cn__buf_printf(&b, ", \"b\": "), num(&b, c->b);
      cn__buf_printf(&b, ", \"se\": "), num(&b, c->se);
      cn__buf_printf(&b, ", \"t\": "), num(&b, c->t);
      cn__buf_printf(&b, ", \"p\": "), num(&b, c->p);
      cn__buf_printf(&b, "}");
    }
    cn__buf_printf(&b, "]}");
  }
  cn__buf_printf(&b, "%s],\n  \"converged\": %s, \"iterations\": %d,\n", m->n_first ? "\n  " : "",
                 m->converged ? "true" : "false", m->iterations);
  if (m->n_margins) {
    cn__buf_printf(&b, "  \"margins\": [");
    for (int a = 0; a < m->n_margins; a++) {
      cn__buf_printf(&b, "%s\n    {", a ? "," : "");
      key(&b, "name"), str(&b, m->ame[a].name);
      cn__buf_printf(&b, ", \"ame\": "), num(&b, m->ame[a].b);
      cn__buf_printf(&b, ", \"ame_se\": "), num(&b, m->ame[a].se);
      cn__buf_printf(&b, ", \"mem\": "), num(&b, m->mem[a].b);
      cn__buf_printf(&b, ", \"mem_se\": "), num(&b, m->mem[a].se);
      cn__buf_printf(&b, "}");
    }
    cn__buf_printf(&b, "\n  ],\n");
  }
  cn__buf_printf(&b, "  \"dropped\": {\"missing\": %lld, \"if\": %lld, \"singletons\": %lld},\n",
                 (long long)m->dropped_missing, (long long)m->dropped_if, (long long)m->singletons);
  cn__buf_printf(&b, "  \"notes\": [");
  for (int q = 0; q < m->n_notes; q++) {
    if (q) cn__buf_printf(&b, ", ");
    str(&b, m->notes[q]);
  }
  cn__buf_printf(&b, "]\n}\n");
  if (b.failed || !cn__buf_append(&b, "", 1)) {
    cn__buf_free(&b);
    return cn_diag_set(d, CN_EINTERNAL, "out of memory");
  }
  *out = b.data;
  return CN_OK;
}
