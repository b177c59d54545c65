# tests/data/gen/iv_longley_reference.R — reference numbers for the
# ill-conditioned IV case of tests/unit/test_iv.c (iv_longley_against_r).
# Run from the repository root: Rscript tests/data/gen/iv_longley_reference.R
# (Debian r-cran-aer 1.2-10, r-cran-sandwich). Input: tests/data/iv/longley.csv
# (NIST StRD Longley, see tests/data/iv/SOURCES.md): y = employment,
# x1 GNP deflator, x2 GNP, x3 unemployment, x4 armed forces, x5 population,
# x6 year — the exogenous regressors x1, x5, x6 are nearly collinear.
# GNP (x2) is treated as endogenous, instrumented by the armed forces (x4,
# just identified) or by x4 and population (x5, over identified).
# Variances: ivreg's own (σ² = RSS/(n − k)) and HC1 (n/(n − k) HC0), which
# are ivreg2 `small`'s for a model with a constant. HC1 is written below in
# matrix code on the QR factors of X̂ = qr.fitted(qr(Z), X) = QR, as
# (R⁻¹Q'E)(R⁻¹Q'E)' n/(n − k), because the product D·meat·D of
# sandwich::vcovHC(m, type = "HC1") (D = (X̂'X̂)⁻¹, whose entries cancel on
# this design) keeps only 7 digits: 6e-8 relative off a 60-digit mpmath
# evaluation of the same formula, where the QR form is within 1e-11. b and
# the iid standard errors (ivreg's) are within 1e-13 of the 60-digit values.
suppressMessages({library(AER); library(sandwich)})
d <- read.csv("tests/data/iv/longley.csv")
f15 <- function(x) paste(sprintf("%.17g", x), collapse = ", ")
hc1 <- function(m, d) {
  X <- model.matrix(m, component = "regressors")
  Z <- model.matrix(m, component = "instruments")
  Xh <- qr.fitted(qr(Z), X)
  e <- as.vector(d$y - X %*% coef(m))
  q <- qr(Xh)
  stopifnot(q$rank == ncol(X), all(q$pivot == seq_len(ncol(X))))
  # D X̂' = R⁻¹Q', so V = n/(n − k) (R⁻¹Q'E)(R⁻¹Q'E)' with E = diag(e)
  W <- backsolve(qr.R(q), t(qr.Q(q) * e))
  n <- nrow(X); k <- ncol(X)
  V <- n / (n - k) * tcrossprod(W)
  dimnames(V) <- list(colnames(X), colnames(X))
  V
}
specs <- list(
  just = y ~ x1 + x2 + x3 + x5 + x6 | x1 + x3 + x4 + x5 + x6,
  over = y ~ x1 + x2 + x3 + x6 | x1 + x3 + x4 + x5 + x6)
for (nm in names(specs)) {
  m <- ivreg(specs[[nm]], data = d)
  b <- coef(m)  # (Intercept), x1, x2, ...: printed with x2 first, as coinnet orders them
  ord <- c("x2", setdiff(names(b), c("(Intercept)", "x2")), "(Intercept)")
  for (v in c("iid", "HC1")) {
    V <- if (v == "iid") vcov(m) else hc1(m, d)
    cat(sprintf("%s-%s b: %s\n", nm, v, f15(b[ord])))
    cat(sprintf("%s-%s se: %s\n", nm, v, f15(sqrt(diag(V))[ord])))
  }
}
