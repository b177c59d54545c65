# tests/data/gen/fe_bench_reference.R — the worker–firm test data of
# tests/data/fe_bench and the fixest coefficients that
# tests/unit/test_hdfe.c checks. Run from the repository root:
#   build/bench/gen_fe 10000 /tmp/wf.csv difficult
#   R_LIBS=DIR Rscript tests/data/gen/fe_bench_reference.R /tmp/wf.csv
# (R 4.2.2, fixest 0.12.1, data.table 1.14.8.)
library(fixest); library(data.table)
args <- commandArgs(trailingOnly = TRUE)
if (length(args) == 1) {
  d <- fread(args[1])
  set.seed(14)
  # a regressor correlated with the worker and firm effects
  d[, x2 := round(0.5 * x1 + sin(fe1) + cos(fe2) + 0.1 * fe3 + rnorm(.N), 6)]
  fwrite(d, "tests/data/fe_bench/worker_firm.csv")
}
d <- fread("tests/data/fe_bench/worker_firm.csv")
for (fe in c("fe1", "fe1 + fe2", "fe1 + fe2 + fe3")) {
  m <- feols(as.formula(paste("y ~ x1 + x2 |", fe)), d, fixef.tol = 1e-11, fixef.iter = 100000)
  cat(fe, sprintf("%.15g", coef(m)), "\n")
}
