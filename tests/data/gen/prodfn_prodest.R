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
# - prodest's BFGS stops at reltol 1e-8 of the objective, and its gACF and
#   gOPLP fit the law of motion by solve(crossprod(P)) on raw powers of
#   omega_{t-1} (values near 10, cubes near 1000), which adds rounding
#   noise of about 1e-7 relative to a criterion that is very flat: its
#   coefficients are good to 1e-5 to 3e-5 only. Each fit is therefore
#   polished from prodest's solution on the same criterion written with a
#   QR projection (qr.coef; the formula is unchanged) by Newton steps on
#   numDeriv's gradient and Hessian (Debian r-cran-numderiv), and the
#   gradient there is printed. The goldens hold these polished values;
#   prodest's own are printed beside them.
suppressMessages(library(prodest))
suppressMessages(library(numDeriv))
data("chilean", package = "prodest")
d$grp <- ifelse(d$idvar %% 2 == 0, "even", "odd")
write.csv(d[, c("idvar", "timevar", "grp", "Y", "fX1", "fX2", "sX", "pX", "inv")],
          "tests/data/prodfn/chilean.csv", row.names = FALSE, quote = FALSE)
p <- function(lab, x) cat(lab, sprintf("%.12g", x), "\n")
polish <- function(fn, th) {
  for (r in 1:30) {
    g <- grad(fn, th); H <- hessian(fn, th)
    step <- solve(H, g)
    th <- th - step
    if (max(abs(step) / (1 + abs(th))) < 1e-12) break
  }
  list(par = th, value = fn(th), gradient = grad(fn, th))
}
# prodest's gACF and gOPLP with the law of motion fitted by QR
law_fit <- function(Omega, Omega_lag, A) {
  P <- cbind(1, poly(Omega_lag, degree = A, raw = TRUE))
  P %*% qr.coef(qr(P), Omega)
}
gACF_qr <- function(theta, mZ, mW, mX, mlX, vphi, vlag.phi, A) {
  Omega <- vphi - mX %*% theta
  XI <- Omega - law_fit(Omega, vlag.phi - mlX %*% theta, A)
  m <- crossprod(mZ, XI)
  as.numeric(t(m) %*% mW %*% m)
}
gOPLP_qr <- function(vtheta, mX, mlX, vphi, vlag.phi, vres, A) {
  Omega <- vphi - mX %*% vtheta
  XI <- vres - mX %*% vtheta - law_fit(Omega, vlag.phi - mlX %*% vtheta, A)
  as.numeric(crossprod(XI))
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
  gq <- function(th) gOPLP_qr(th, mX = as.matrix(dd$sX[ok]), mlX = as.matrix(lk[ok]),
                              vphi = phi[ok], vlag.phi = lphi[ok], vres = res[ok], A = Adeg)
  o <- polish(gq, b[nf + 1])
  p(paste(lab, "prodest objective"), g(b[nf + 1]))
  p(paste(lab, "polished b"), c(b[1:nf], o$par))
  p(paste(lab, "polished objective"), o$value)
  p(paste(lab, "polished gradient"), o$gradient)
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
  gq <- function(th) gACF_qr(th, mZ = Z[ok, , drop = FALSE], mW = W, mX = X[ok, , drop = FALSE],
                             mlX = lX[ok, , drop = FALSE], vphi = phi[ok], vlag.phi = lphi[ok], A = Adeg)
  o <- polish(gq, as.numeric(b))
  p(paste(lab, "prodest objective"), g(as.numeric(b)))
  p(paste(lab, "polished b"), o$par)
  p(paste(lab, "polished objective"), o$value)
  p(paste(lab, "polished gradient"), o$gradient)
  p(paste(lab, "nobs second stage"), sum(ok))
  p(paste(lab, "first-stage resid 1:3"), resid(fs)[1:3])
}
acf_run(d, as.matrix(d$fX2), "acf1 A3", 3, TRUE)
acf_run(d, as.matrix(d$fX2), "acf1 A1", 1, TRUE)
acf_run(d, fX, "acf2 A1", 1, FALSE)
## by group (firms with an even / odd id): LP as above
for (gname in c("even", "odd")) lp_run(d[d$grp == gname, ], fX[d$grp == gname, ], paste("lp", gname, "A3"), 3)

## ACF translog (prodest has none): the moments written out here, with the
## instruments of coinnet's convention (each term with its free input
## lagged), solved by Newton steps on numDeriv's Jacobian from a start near
## the root (coinnet's estimate rounded to 2 decimals; the criterion has
## several roots). Output fX2, sX, fX2^2, fX2*sX, sX^2.
tl <- local({
  dd <- d; l <- dd$fX2; k <- dd$sX; m <- dd$pX
  fs <- lm(dd$Y ~ poly(cbind(l, k, m), degree = 3, raw = TRUE)); phi <- fitted(fs)
  lagp <- function(v) prodest:::lagPanel(idvar = dd$idvar, timevar = dd$timevar, value = v)
  ll <- lagp(l); lk <- lagp(k); lphi <- lagp(phi)
  X <- cbind(l, k, l^2, l * k, k^2); XL <- cbind(ll, lk, ll^2, ll * lk, lk^2)
  Z <- cbind(ll, k, ll^2, ll * k, k^2)
  ok <- complete.cases(cbind(XL, lphi))
  X <- X[ok, ]; XL <- XL[ok, ]; Z <- Z[ok, ]; phi <- phi[ok]; lphi <- lphi[ok]
  mom <- function(th) {
    w <- phi - X %*% th; wl <- lphi - XL %*% th
    xi <- w - law_fit(w, wl, 1)
    as.numeric(crossprod(Z, xi)) / length(w)
  }
  th <- c(0.85, -0.96, 0.24, -0.14, 0.07)
  for (r in 1:50) {
    step <- solve(jacobian(mom, th), mom(th)); th <- th - step
    if (max(abs(step) / (1 + abs(th))) < 1e-13) break
  }
  W <- solve(crossprod(Z)) / nrow(Z)
  list(b = th, crit = as.numeric(t(mom(th) * nrow(Z)) %*% W %*% (mom(th) * nrow(Z))))
})
p("acf tl A1 root b", tl$b)
p("acf tl A1 criterion", tl$crit)
