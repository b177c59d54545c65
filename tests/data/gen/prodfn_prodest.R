# tests/data/gen/prodfn_prodest.R — reference numbers for `coinnet measure
# prodfn` (tests/cli/measure/prodfn-*.case, tests/unit/test_prodfn.c) on R
# prodest 0.1.1's own example data `chilean`, and tests/data/prodfn/chilean.csv.
# Run: R_LIBS=/work/rlib Rscript tests/data/gen/prodfn_prodest.R > tests/data/prodfn/prodest.out
# (prodest 0.1.1 built from its public source into a local library, with
# Debian's r-cran-dplyr, r-cran-matrix and Rsolnp, DEoptim from source).
#
# What is run, and why (docs/measures.md "Production functions"):
# - prodestLP as shipped reads the degree A of the law of motion from the
#   calling environment (its finalOPLP call passes `A = A`, but prodestLP has
#   no A argument); with no A anywhere the second stage fails and the capital
#   coefficient is NA. We define A in the global environment (3, prodestOP's
#   default; and 1) so that prodestLP runs as its author meant.
# - prodestACF as shipped builds poly(fX, sX, pX) and fails with two free
#   inputs ("arguments must have the same length"): it is run with one free
#   input (fX2), and for two free inputs prodest's own finalACF is called
#   on the data matrix prodestACF builds, with the polynomial written as
#   poly(cbind(fX, sX, pX)).
# - starting values theta0 are given explicitly (the first-stage
#   coefficients, coinnet's default start) because prodest's default adds
#   rnorm(0, 0.01) noise to them.
# - prodest's BFGS stops at reltol 1e-8 of the objective: the coefficients
#   are good to about 1e-5. Each fit is then polished by optim(BFGS,
#   reltol = 1e-15, maxit = 10000) followed by Nelder-Mead restarts from
#   prodest's solution on prodest's own objective (gOPLP, gACF); the
#   objective at both points is printed. The goldens hold the polished
#   values.
suppressMessages(library(prodest))
data("chilean", package = "prodest")
d$grp <- ifelse(d$idvar %% 2 == 0, "even", "odd")
write.csv(d[, c("idvar", "timevar", "grp", "Y", "fX1", "fX2", "sX", "pX", "inv")],
          "tests/data/prodfn/chilean.csv", row.names = FALSE, quote = FALSE)
p <- function(lab, x) cat(lab, sprintf("%.12g", x), "\n")
polish <- function(fn, th, ...) {
  for (r in 1:4) {
    o <- optim(th, fn, method = "BFGS", control = list(reltol = 1e-15, maxit = 10000), ...)
    o <- optim(o$par, fn, method = "Nelder-Mead", control = list(reltol = 1e-15, maxit = 20000), ...)
    th <- o$par
  }
  optim(th, fn, method = "BFGS", control = list(reltol = 1e-15, maxit = 10000), ...)
}

## LP: y on free linearly + poly2(k, m) (prodest's first stage), NLS second stage
lp_run <- function(dd, fX, lab, Adeg) {
  A <<- Adeg
  # the start: the first-stage coefficient of the state, as prodest takes it
  pf <- data.frame(cbind(dd$sX, dd$pX)); mod <- model.matrix(~.^2 - 1, data = pf)
  fs <- lm(dd$Y ~ cbind(fX, mod, dd$sX^2, dd$pX^2))
  th0 <- unname(coef(fs)[2 + ncol(fX)])
  fit <- prodestLP(dd$Y, fX = fX, dd$sX, dd$pX, dd$idvar, dd$timevar, R = 2, theta0 = th0)
  b <- fit@Estimates$pars
  p(paste(lab, "start"), th0)
  p(paste(lab, "prodest b"), b)
  p(paste(lab, "prodest convergence"), fit@Model$opt.outcome$convergence)
  # prodest's second-stage data, rebuilt as finalOPLP builds it
  nf <- ncol(fX)
  phi <- fitted(fs) - fX %*% coef(fs)[2:(1 + nf)]
  lagp <- function(v) prodest:::lagPanel(idvar = dd$idvar, timevar = dd$timevar, value = v)
  lphi <- lagp(phi); lk <- lagp(dd$sX)
  res <- dd$Y - fX %*% coef(fs)[2:(1 + nf)]
  ok <- !is.na(lphi) & !is.na(lk)
  g <- function(th) prodest:::gOPLP(th, mX = as.matrix(dd$sX[ok]), mlX = as.matrix(lk[ok]),
                                    vphi = phi[ok], vlag.phi = lphi[ok], vres = res[ok], stol = 1e-100, A = Adeg)
  o <- polish(function(th) as.numeric(g(th)), b[nf + 1], )
  p(paste(lab, "prodest objective"), g(b[nf + 1]))
  p(paste(lab, "polished b"), c(b[1:nf], o$par))
  p(paste(lab, "polished objective"), o$value)
  p(paste(lab, "nobs second stage"), sum(ok))
}
fX <- cbind(d$fX1, d$fX2)
lp_run(d, fX, "lp A3", 3)
lp_run(d, fX, "lp A1", 1)

## ACF
acf_data <- function(dd, fX) {
  sX <- as.matrix(dd$sX); pX <- as.matrix(dd$pX)
  regvars <- cbind(fX, sX, pX, poly(cbind(fX, sX, pX), degree = 3, raw = TRUE))
  lag.fX <- fX
  for (i in 1:ncol(fX)) lag.fX[, i] <- prodest:::lagPanel(fX[, i], idvar = dd$idvar, timevar = dd$timevar)
  lag.sX <- as.matrix(prodest:::lagPanel(dd$sX, idvar = dd$idvar, timevar = dd$timevar))
  as.matrix(data.frame(Y = dd$Y, idvar = dd$idvar, timevar = dd$timevar, Z = data.frame(lag.fX, sX),
                       Xt = data.frame(fX, sX), lX = data.frame(lag.fX, lag.sX), regvars = regvars))
}
acf_run <- function(dd, fX, lab, Adeg, shipped) {
  data <- acf_data(dd, fX)
  fs <- lm(data[, "Y", drop = FALSE] ~ data[, grepl("regvars", colnames(data)), drop = FALSE])
  nb <- ncol(fX) + 1
  th0 <- unname(coef(fs)[2:(1 + nb)])
  p(paste(lab, "start"), th0)
  if (shipped) {
    fit <- prodestACF(dd$Y, fX = fX, dd$sX, dd$pX, dd$idvar, dd$timevar, R = 2, A = Adeg, theta0 = th0)
    b <- fit@Estimates$pars; conv <- fit@Model$opt.outcome$convergence
  } else {
    f <- prodest:::finalACF(ind = TRUE, data = data, fnum = ncol(fX), snum = 1, znum = 0, opt = "optim",
                            theta0 = th0, A = Adeg)
    b <- f$betas; conv <- f$opt.outcome$convergence
  }
  p(paste(lab, "prodest b"), b)
  p(paste(lab, "prodest convergence"), conv)
  phi <- fitted(fs)
  lphi <- prodest:::lagPanel(idvar = dd$idvar, timevar = dd$timevar, value = phi)
  Z <- data[, grepl("Z", colnames(data)), drop = FALSE]
  X <- data[, grepl("Xt", colnames(data)), drop = FALSE]
  lX <- data[, grepl("lX", colnames(data)), drop = FALSE]
  ok <- complete.cases(cbind(Z, X, lX, lphi))
  W <- solve(crossprod(Z[ok, , drop = FALSE])) / sum(ok)
  g <- function(th) as.numeric(prodest:::gACF(th, mZ = Z[ok, , drop = FALSE], mW = W, mX = X[ok, , drop = FALSE],
                                               mlX = lX[ok, , drop = FALSE], vphi = phi[ok],
                                               vlag.phi = lphi[ok], A = Adeg))
  o <- polish(g, as.numeric(b))
  p(paste(lab, "prodest objective"), g(as.numeric(b)))
  p(paste(lab, "polished b"), o$par)
  p(paste(lab, "polished objective"), o$value)
  p(paste(lab, "nobs second stage"), sum(ok))
  p(paste(lab, "first-stage resid 1:3"), resid(fs)[1:3])
}
acf_run(d, as.matrix(d$fX2), "acf1 A3", 3, TRUE)
acf_run(d, as.matrix(d$fX2), "acf1 A1", 1, TRUE)
acf_run(d, fX, "acf2 A1", 1, FALSE)
## by group (firms with an even / odd id), ACF with two free inputs, AR(1)
for (gname in c("even", "odd")) acf_run(d[d$grp == gname, ], fX[d$grp == gname, ], paste("acf2", gname, "A1"), 1, FALSE)
